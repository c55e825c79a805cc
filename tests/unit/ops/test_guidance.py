"""What staff are told to do, by error (docs/conventions.md's table)."""

import pytest

from sluice_shared.ops.guidance import Remedy, advice_for, remedy_for


@pytest.mark.parametrize(
    "error",
    [
        "ProviderThrottled",
        "ProviderUnavailable",
        "ProviderTimeout",
        "ProviderBackoff",
        "GovernorSaturated",
        "Sandbox.Timedout",
        "States.Timeout",
        "Lambda.ServiceException",
        "ExecutionAborted",
    ],
)
def test_transient_errors_are_redriven(error):
    assert remedy_for(error) is Remedy.REDRIVE


@pytest.mark.parametrize("error", ["OrderInvalid", "ProviderRejected", "SnapshotInvalid"])
def test_data_errors_are_fixed_and_re_run(error):
    assert remedy_for(error) is Remedy.FIX_AND_RERUN


def test_an_unknown_error_goes_to_an_engineer():
    assert remedy_for("KeyError") is Remedy.ENGINEER


def test_fix_and_rerun_advice_names_the_re_run_after_the_business_key():
    advice = advice_for("OrderInvalid", "order-shopify-1042")
    assert "order-shopify-1042-rerun-1" in advice
    assert "redrive would fail again" in advice.lower()
