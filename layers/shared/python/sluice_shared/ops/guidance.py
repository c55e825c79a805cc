"""What staff should do about a failed execution, by its error (the table in docs/runbook.md).

Transient errors (a provider or AWS was briefly unavailable) are fixed by a **redrive**: it
resumes the execution at the failed step with the same input. Data errors (the order, file or
shipment itself is wrong) fail again on a redrive: staff **fix the data and re-run** it under
`<businessKey>-rerun-<n>`. Anything else goes to an engineer.
"""

from __future__ import annotations

from enum import StrEnum


class Remedy(StrEnum):
    """The path staff take for a failure."""

    REDRIVE = "redrive"
    FIX_AND_RERUN = "fix-and-rerun"
    NOTHING = "nothing"
    ENGINEER = "engineer"


TRANSIENT_ERRORS = frozenset(
    {
        "ProviderThrottled",
        "ProviderUnavailable",
        "ProviderTimeout",
        "ProviderBackoff",
        "GovernorSaturated",
        "LevelsTableBusy",
        "IdempotencyAlreadyInProgressError",
        "Sandbox.Timedout",
        "States.Timeout",
        "States.HeartbeatTimeout",
        "ExecutionAborted",
    }
)
# Prefixes of AWS service errors Step Functions reports for its integrations.
TRANSIENT_PREFIXES = ("Lambda.", "DynamoDB.", "SQS.", "SNS.", "S3.")
DATA_ERRORS = frozenset(
    {
        "OrderInvalid",
        "ProviderRejected",
        "SnapshotInvalid",
        "SnapshotRejected",
        "StepInputInvalid",
        "ShipmentInvalid",
        "PaymentDeclined",
    }
)
NOTHING_TO_DO_ERRORS = frozenset({"SnapshotSuperseded"})

_ADVICE = {
    Remedy.REDRIVE: (
        "A system we depend on was briefly unavailable. Redrive the execution: it continues "
        "from the failed step, nothing already done is repeated."
    ),
    Remedy.FIX_AND_RERUN: (
        "The data itself was refused. Fix it (see the cause), then start a re-run with the "
        "corrected input under the name `{business_key}-rerun-1` (see docs/runbook.md). "
        "A redrive would fail again."
    ),
    Remedy.NOTHING: "Nothing to do: a newer run replaced this one.",
    Remedy.ENGINEER: (
        "This error is not one staff can fix. Ask an engineer, and give them the link below."
    ),
}


def remedy_for(error: str) -> Remedy:
    """The path for an execution that failed with `error`."""
    if error in DATA_ERRORS:
        return Remedy.FIX_AND_RERUN
    if error in NOTHING_TO_DO_ERRORS:
        return Remedy.NOTHING
    if error in TRANSIENT_ERRORS or error.startswith(TRANSIENT_PREFIXES):
        return Remedy.REDRIVE
    return Remedy.ENGINEER


def advice_for(error: str, business_key: str) -> str:
    """One or two plain sentences telling staff what to do about `error`."""
    return _ADVICE[remedy_for(error)].format(business_key=business_key)
