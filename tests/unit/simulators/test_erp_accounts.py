"""ERP customer accounts: served under `/accounts/{name}`, counted apart, failed one by one."""

import pytest

from sluice.simulators import ErpSimulator, Outcome, SimulatorSettings
from sluice.simulators.erp import account_of, account_path
from sluice.simulators.settings import AccountFailure, ErpSettings
from tests.unit.simulators.helpers import get, post

BETA_CUSTOMERS = "/accounts/beta/customers"


@pytest.mark.parametrize(
    ("path", "account"),
    [
        ("/customers", "default"),
        ("/accounts/beta/customers/CUS-000001/orders", "beta"),
        ("/accounts/be%20ta/sales-orders", "be ta"),
        ("/accounts", "default"),
        ("/accounts//customers", "default"),
    ],
)
def test_a_path_tells_its_account(path, account):
    """GIVEN a request path THEN its account: the `/accounts/{name}` prefix, else default."""
    assert account_of(path) == account


def test_an_accounts_path_carries_its_prefix_except_for_the_default_account():
    """GIVEN an account and a path THEN the prefixed path (default: unchanged)."""
    assert account_path("beta", "/customers") == BETA_CUSTOMERS
    assert account_path("default", "/customers") == "/customers"


def test_an_account_is_served_under_its_prefix_and_counted_apart(erp):
    """GIVEN no failures WHEN beta creates a customer THEN 201, journalled under beta only."""
    response = post(erp, BETA_CUSTOMERS, {"email": "ada@example.com"})
    assert response.status_code == 201
    assert erp.customers == [response.json()]
    [request] = erp.account_requests("beta", "POST")
    assert request.path == BETA_CUSTOMERS
    assert erp.account_requests("default") == []


def test_a_failing_account_gets_its_status_on_every_call_while_another_is_served(erp):
    """GIVEN beta failing with 503 WHEN both accounts call THEN beta 503s, default is served."""
    erp.configure(account_failures={"beta": AccountFailure()})
    beta = [post(erp, BETA_CUSTOMERS, {"email": f"b{n}@example.com"}) for n in range(5)]
    served = post(erp, "/customers", {"email": "ada@example.com"})
    assert [response.status_code for response in beta] == [503] * 5
    assert beta[0].json()["account"] == "beta"
    assert "Retry-After" not in beta[0].headers
    assert served.status_code == 201
    assert erp.customers == [served.json()]
    assert len(erp.account_requests("beta", status=503)) == 5
    assert [r.status for r in erp.account_requests("default")] == [201]


def test_a_failing_account_can_ask_for_a_retry_after(erp):
    """GIVEN beta failing with 503 and Retry-After 30 WHEN it calls THEN the header says 30."""
    erp.configure(account_failures={"beta": AccountFailure(retry_after_seconds=30)})
    response = get(erp, BETA_CUSTOMERS)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")


def test_the_default_account_can_fail_too(erp):
    """GIVEN default failing with 500 WHEN both call THEN default 500s and beta is served."""
    erp.configure(account_failures={"default": AccountFailure(status=500)})
    assert get(erp, "/customers").status_code == 500
    assert get(erp, BETA_CUSTOMERS).status_code == 200


def test_a_call_failed_by_its_account_is_done_when_retried_after_the_outage(erp):
    """GIVEN a 503 for beta WHEN the same key is retried once beta is healthy THEN 201."""
    body, key = {"email": "ada@example.com"}, {"Idempotency-Key": "create-ada"}
    with erp.configured(account_failures={"beta": AccountFailure()}):
        assert post(erp, BETA_CUSTOMERS, body, **key).status_code == 503
    retried = post(erp, BETA_CUSTOMERS, body, **key)
    assert retried.status_code == 201
    assert erp.account_requests("beta", outcome=Outcome.HANDLED)[-1].status == 201


def test_a_partly_failing_account_fails_some_calls(erp):
    """GIVEN beta failing half its calls WHEN it calls 40 times THEN some fail and some not."""
    erp.configure(account_failures={"beta": AccountFailure(rate=0.5)})
    statuses = [get(erp, BETA_CUSTOMERS).status_code for _ in range(40)]
    assert 0 < statuses.count(503) < 40
    assert set(statuses) == {200, 503}


def test_shared_settings_alone_serve_every_account(clock):
    """GIVEN an ERP built with the shared settings type THEN every account is served."""
    settings = SimulatorSettings(api_key="k", concurrency_cap=2)
    with ErpSimulator(settings, clock=clock) as erp:
        assert get(erp, BETA_CUSTOMERS).status_code == 200


def test_the_default_settings_fail_no_account():
    """GIVEN the ERP's default settings THEN no account fails."""
    settings = ErpSimulator.default_settings()
    assert isinstance(settings, ErpSettings)
    assert settings.account_failures == {}


@pytest.mark.parametrize(
    "changes", [{"status": 200}, {"status": 600}, {"rate": 0.0}, {"retry_after_seconds": -1}]
)
def test_an_account_failure_outside_its_bounds_is_refused(changes):
    """GIVEN a non-error status, a zero rate or a negative Retry-After THEN ValueError."""
    with pytest.raises(ValueError):
        AccountFailure(**changes)
