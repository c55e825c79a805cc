"""Names of re-run executions: `<business key>-rerun-<n>`, within Step Functions' name rules.

Names allow 1-80 characters and none of whitespace, `< > { } [ ] ? * " # % \\ ^ | ~ $ & , ; : /`
(docs/conventions.md). A re-run of a re-run counts on from the same business key, so the
series reads `order-shopify-1042-rerun-1`, `-rerun-2`, ... whichever execution it started from.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 80
RERUN_SEPARATOR = "-rerun-"
_RERUN_SUFFIX = re.compile(r"^(?P<base>.+)-rerun-(?P<number>[1-9][0-9]*)$")


def rerun_base(execution_name: str) -> str:
    """The business key a re-run series is named after: the name without `-rerun-<n>`."""
    match = _RERUN_SUFFIX.match(execution_name)
    return match.group("base") if match else execution_name


def first_rerun_number(execution_name: str) -> int:
    """The first number worth trying for a re-run of `execution_name` (one past its own)."""
    match = _RERUN_SUFFIX.match(execution_name)
    return int(match.group("number")) + 1 if match else 1


def rerun_name(execution_name: str, number: int) -> str:
    """The name of re-run `number` of `execution_name`, cut to 80 characters if need be.

    The business key keeps as much of its start as fits, so the suffix always survives.
    """
    if number < 1:
        raise ValueError("re-runs are numbered from 1")
    suffix = f"{RERUN_SEPARATOR}{number}"
    return rerun_base(execution_name)[: MAX_NAME_LENGTH - len(suffix)] + suffix
