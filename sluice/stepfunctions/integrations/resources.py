"""Task `Resource` ARNs: Lambda functions and `arn:aws:states:::<service>:<action>[.<pattern>]`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sluice.stepfunctions.errors import StatesError

_LAMBDA_FUNCTION = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[^:]+(:.+)?$")
_SERVICE = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]*):(\d{12})?:(.+)$")
_PATTERNS = ("waitForTaskToken", "sync:2", "sync")

REQUEST_RESPONSE = ""
WAIT_FOR_TASK_TOKEN = "waitForTaskToken"
SYNC = "sync"
SYNC2 = "sync:2"


@dataclass(frozen=True)
class TaskResource:
    """A parsed Task resource: a bare Lambda function, or a service action with a pattern."""

    arn: str
    is_lambda_function: bool
    service: str
    action: str
    pattern: str
    region: str

    @property
    def resource_type(self) -> str:
        """`resourceType` in Task* history events (e.g. `lambda`, `sqs`)."""
        return self.service

    @property
    def resource(self) -> str:
        """`resource` in Task* history events (e.g. `invoke.waitForTaskToken`)."""
        return f"{self.action}.{self.pattern}" if self.pattern else self.action


@lru_cache(maxsize=1024)
def parse_resource(arn: str, default_region: str) -> TaskResource:
    """Parse a Task's Resource; `States.Runtime` if it names nothing this engine can call."""
    function = _LAMBDA_FUNCTION.match(arn)
    if function is not None:
        return TaskResource(arn, True, "lambda", "invoke", REQUEST_RESPONSE, function.group(1))
    service = _SERVICE.match(arn)
    if service is None or ":" not in service.group(3):
        raise StatesError("States.Runtime", f"Unsupported Task resource: '{arn}'")
    target = service.group(3)
    pattern = REQUEST_RESPONSE
    for candidate in _PATTERNS:
        if target.endswith(f".{candidate}"):
            pattern = candidate
            target = target[: -len(candidate) - 1]
            break
    name, _, action = target.rpartition(":")
    return TaskResource(arn, False, name, action, pattern, service.group(1) or default_region)
