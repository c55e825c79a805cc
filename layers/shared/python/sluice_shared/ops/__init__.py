"""Operations: the record of failed executions that staff act on."""

from sluice_shared.ops.failures import FailureRecord, failure_from_history, record_failure

__all__ = ["FailureRecord", "failure_from_history", "record_failure"]
