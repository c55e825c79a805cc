"""Answers to workflows waiting on a task token (`sqs:sendMessage.waitForTaskToken`).

When Step Functions says the token is no longer valid (the task timed out, the execution
stopped), the workflow has given up: the answer is dropped and the message deleted, since
retrying cannot reach it. Any other failure raises, so the message is retried.
https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
"""

import json
from collections.abc import Callable
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared.observability import get_logger

# Error codes meaning the task is over and nobody waits for an answer any more.
GONE_ERROR_CODES = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})
# SendTaskFailure limits: error up to 256 characters, cause up to 32,768.
MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32_768


def _token_gone(error: ClientError) -> bool:
    """Whether Step Functions refused because the task is already over."""
    return error.response.get("Error", {}).get("Code") in GONE_ERROR_CODES


class TaskCallbacks:
    """SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat; False when the task is gone."""

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    def succeed(self, token: str, output: dict[str, Any]) -> bool:
        """Complete the task with `output`."""
        return self._send(
            "SendTaskSuccess",
            lambda: self._client.send_task_success(taskToken=token, output=json.dumps(output)),
        )

    def fail(self, token: str, error: str, cause: str) -> bool:
        """Fail the task with the error name its Catch matches and a readable cause."""
        return self._send(
            "SendTaskFailure",
            lambda: self._client.send_task_failure(
                taskToken=token, error=error[:MAX_ERROR_LENGTH], cause=cause[:MAX_CAUSE_LENGTH]
            ),
        )

    def heartbeat(self, token: str) -> bool:
        """Tell the task the request is still being worked on."""
        return self._send(
            "SendTaskHeartbeat", lambda: self._client.send_task_heartbeat(taskToken=token)
        )

    def _send(self, action: str, call: Callable[[], object]) -> bool:
        """Make the call; False (logged) when the task is gone, other errors raised."""
        try:
            call()
        except ClientError as error:
            if not _token_gone(error):
                raise
            get_logger().warning(
                "the workflow no longer waits for this task; answer dropped",
                extra={"action": action, "errorCode": error.response["Error"]["Code"]},
            )
            return False
        return True
