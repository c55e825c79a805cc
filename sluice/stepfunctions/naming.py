"""ARNs and names of state machines, executions and map runs, validated as AWS does."""

from __future__ import annotations

import re

from sluice.stepfunctions.errors import InvalidArn, InvalidName

# https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
_FORBIDDEN_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
_STATES_ARN = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")


def validate_name(name: object) -> str:
    """Return `name` if it is a valid state machine or execution name, else raise InvalidName."""
    if not isinstance(name, str) or not 1 <= len(name) <= 80 or _FORBIDDEN_NAME.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")
    return name


def state_machine_arn(region: str, account_id: str, name: str) -> str:
    """Return the ARN of the state machine `name`."""
    return f"arn:aws:states:{region}:{account_id}:stateMachine:{name}"


def execution_arn(state_machine: str, name: str, express: bool = False) -> str:
    """Return the ARN of execution `name` of the state machine with ARN `state_machine`."""
    prefix, _, machine = state_machine.rpartition(":stateMachine:")
    kind = "express" if express else "execution"
    return f"{prefix}:{kind}:{machine}:{name}"


def map_run_arn(state_machine: str, label: str, run_id: str) -> str:
    """Return the ARN of a distributed Map run labelled `label` in `state_machine`."""
    prefix, _, machine = state_machine.rpartition(":stateMachine:")
    return f"{prefix}:mapRun:{machine}/{label}:{run_id}"


def map_run_state_machine_arn(state_machine: str, label: str) -> str:
    """Return the ARN child executions of a distributed Map run report as their state machine."""
    return f"{state_machine}/{label}"


def parse_arn(arn: object, kind: str) -> tuple[str, str, str]:
    """Split a Step Functions ARN of resource `kind` into (region, account, resource)."""
    match = _STATES_ARN.match(arn) if isinstance(arn, str) else None
    if match is None or match.group(3) not in _kinds(kind):
        raise InvalidArn(f"Invalid Arn: '{arn}'")
    return match.group(1), match.group(2), match.group(4)


def _kinds(kind: str) -> tuple[str, ...]:
    return ("execution", "express") if kind == "execution" else (kind,)
