"""Idempotency keys of a shipment's provider requests and names of re-run executions.

Every key derives from the shipment's business key, never from the execution name, so a
redrive, a retry or a re-run under a derived name sends the same keys and the providers
answer with the first capture or invoice instead of making a second one. The state machine
builds the invoice and tracking keys the same way: `<business key>-invoice`, `-tracking`.
"""

from sluice_shared.keys import business_key

CAPTURE_SUFFIX = "capture"


def capture_idempotency_key(shipment_key: str) -> str:
    """The gateway Idempotency-Key of a shipment's payment capture."""
    return f"{shipment_key}-{CAPTURE_SUFFIX}"


def rerun_execution_name(shipment_key: str, attempt: int) -> str:
    """The execution name of billing attempt `attempt` (2, 3, ...) of a shipment."""
    return business_key(shipment_key, f"r{attempt}")
