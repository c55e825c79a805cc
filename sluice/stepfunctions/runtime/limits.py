"""The 256 KiB limit on data: execution input, state input and output, task payloads and results.

https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html: "Maximum input or
output size for a task, state, or execution: 262,144 bytes of data as a UTF-8 encoded string.
This quota affects tasks (activity, Lambda function, or integrated service), state or execution
output, and input data when scheduling a task, entering a state, or starting an execution."
"""

from __future__ import annotations

from sluice.stepfunctions.errors import StatesError

MAX_PAYLOAD_BYTES = 256 * 1024
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
# At most four UTF-8 bytes a character: text this short is within the limit without encoding.
_SURELY_WITHIN = MAX_PAYLOAD_BYTES // 4


def exceeds_limit(text: str) -> bool:
    """Whether JSON text is larger than 256 KiB as UTF-8."""
    return len(text) > _SURELY_WITHIN and len(text.encode()) > MAX_PAYLOAD_BYTES


def check_state_output(state_name: str, text: str) -> None:
    """Fail with States.DataLimitExceeded when a state's output is too large."""
    if exceeds_limit(text):
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{state_name}' returned a result with a size exceeding the "
            "maximum number of bytes service limit.",
        )


def check_state_input(state_name: str, text: str) -> None:
    """Fail with States.DataLimitExceeded when the input a state is entered with is too large."""
    if exceeds_limit(text):
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{state_name}' has an input with a size exceeding the maximum "
            "number of bytes service limit.",
        )


def check_task_parameters(state_name: str, text: str) -> None:
    """Fail with States.DataLimitExceeded when the payload a task would send is too large."""
    if exceeds_limit(text):
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{state_name}' has parameters with a size exceeding the maximum "
            "number of bytes service limit.",
        )
