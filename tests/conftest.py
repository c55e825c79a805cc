"""Suite-wide test set-up: fake AWS credentials and a region, so no test can reach real AWS."""

import os

import pytest

_FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "SluiceTests",
    "POWERTOOLS_SERVICE_NAME": "sluice-tests",
}

for _name, _value in _FAKE_AWS_ENV.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(autouse=True)
def _fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Restore the fake credentials for every test, whatever an earlier test changed."""
    for name, value in _FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
