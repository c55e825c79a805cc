"""Each function sees its own environment, even when functions run at the same time."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from sluice.lambda_runtime import environment
from tests.unit.lambda_runtime.support import function


def test_given_two_functions_with_conflicting_variables_running_at_once_then_each_sees_its_own(
    runtime, probe, monkeypatch
):
    monkeypatch.setenv("SLUICE_TEST_PROCESS_VARIABLE", "from-the-process")
    runtime.deploy(function("red", "env", environment={"COLOR": "red"}, memory_mb=512))
    runtime.deploy(function("blue", "env", environment={"COLOR": "blue"}))
    event = {"barrier": "meet", "parties": 2}

    with ThreadPoolExecutor(max_workers=2) as pool:
        red, blue = pool.map(lambda name: runtime.invoke(name, event).payload, ["red", "blue"])

    assert (red["color"], red["getenv"], red["writtenBy"]) == ("red", "red", "red")
    assert (blue["color"], blue["getenv"], blue["writtenBy"]) == ("blue", "blue", "blue")
    assert (red["functionName"], red["memory"]) == ("red", "512")
    assert (blue["functionName"], blue["memory"]) == ("blue", "128")
    assert red["processVariable"] == blue["processVariable"] == "from-the-process"


def test_given_a_functions_region_and_endpoint_then_boto3_in_the_handler_uses_them(runtime):
    settings = {"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}
    config = function("boto", "boto", region="eu-west-1", environment=settings, timeout_seconds=60)
    runtime.deploy(config)

    seen = runtime.invoke("boto", {}).payload

    assert seen == {"region": "eu-west-1", "endpoint": "http://127.0.0.1:4566"}
    assert os.environ.get("AWS_ENDPOINT_URL") is None


def test_given_an_invocation_then_lambda_reserved_variables_are_set(runtime, probe):
    runtime.deploy(function("red", "env", environment={"COLOR": "red"}))

    seen = runtime.invoke("red", {"barrier": "alone", "parties": 1}).payload

    assert seen["version"] == "$LATEST"
    assert seen["region"] == "us-east-1"
    assert seen["handler"] == "app.handler"
    assert seen["logGroup"] == "/aws/lambda/red"


def test_given_template_values_that_are_not_strings_then_the_function_sees_strings(runtime, probe):
    settings = {"COLOR": 7, "FLAG": True}
    runtime.deploy(function("seven", "env", environment=settings))

    seen = runtime.invoke("seven", {"barrier": "alone", "parties": 1}).payload

    assert seen["color"] == "7"


def test_given_a_variable_a_function_wrote_then_the_process_environment_does_not_have_it(
    runtime, probe
):
    runtime.deploy(function("red", "env", environment={"COLOR": "red"}))

    runtime.invoke("red", {"barrier": "alone", "parties": 1})

    assert "WRITTEN_BY" not in os.environ
    assert "COLOR" not in os.environ


def test_given_a_layer_when_a_variable_is_deleted_then_only_that_layer_loses_it(monkeypatch):
    monkeypatch.setenv("SLUICE_SHARED", "process")
    environ = environment.install()
    layer = environment.FunctionEnvironment({"OWN": "1"})

    with environment.active(layer):
        del os.environ["SLUICE_SHARED"]
        inside = dict(os.environ)
        with pytest.raises(KeyError):
            del os.environ["SLUICE_SHARED"]

    assert "SLUICE_SHARED" not in inside
    assert inside["OWN"] == "1"
    assert os.environ["SLUICE_SHARED"] == "process"
    assert "OWN" not in environ


def test_given_no_invocation_when_a_variable_is_written_then_the_process_environment_has_it(
    monkeypatch,
):
    environment.install()

    monkeypatch.setenv("SLUICE_OUTSIDE", "yes")

    assert environment.install().base["SLUICE_OUTSIDE"] == "yes"
    assert os.getenv("SLUICE_OUTSIDE") == "yes"


def test_given_install_twice_then_one_mapping_wraps_the_original_and_uninstall_restores_it(
    monkeypatch,
):
    current = os.environ
    installed = isinstance(current, environment.ContextualEnviron)
    process_environ = current.base if installed else current
    monkeypatch.setattr(os, "environ", process_environ)

    first = environment.install()
    second = environment.install()
    environment.uninstall()

    assert first is second
    assert first.base is process_environ
    assert os.environ is process_environ


def test_given_a_non_string_value_then_writing_it_is_refused_as_os_environ_does():
    environment.install()

    with pytest.raises(TypeError):
        os.environ["SLUICE_NUMBER"] = 1
