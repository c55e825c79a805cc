"""What the console reads and does, through the Step Functions API only (boto3, any endpoint).

Every call goes through a boto3 `stepfunctions` client, so the console sees exactly what the
`aws` CLI or the AWS console would: never the engine's store or objects. API errors become
`ConsoleError`s whose message is the API's own, for the page to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from sluice.console.inputs import InputRejected, rerun_input
from sluice.console.names import first_rerun_number, rerun_name
from sluice.console.steps import Timeline, timeline

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
PAGE_SIZE = 100
# Re-runs tried past the newest one whose name is taken before giving up.
MAX_RERUN_NAMES = 100
LOCAL_CREDENTIALS = {"aws_access_key_id": "sluice-local", "aws_secret_access_key": "sluice-local"}
# A console page waits on the API: answer quickly or say so.
_CLIENT_CONFIG = Config(
    inject_host_prefix=False,
    connect_timeout=5,
    read_timeout=30,
    retries={"total_max_attempts": 2, "mode": "standard"},
)


class ConsoleError(Exception):
    """Something the page must tell its reader: the API's error, or a request it refused.

    `status` is the HTTP status the page is served with: the API's own 4xx for a request it
    refused, 502 when the API failed or did not answer.
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Workflow:
    """A state machine, by name and ARN."""

    name: str
    arn: str


@dataclass(frozen=True)
class ExecutionQuery:
    """Which executions to list: one workflow (by name) or all, one status or any."""

    workflow: str | None = None
    status: str | None = None
    page_token: str | None = None


@dataclass(frozen=True)
class ExecutionPage:
    """Executions, newest first; `next_token` pages on in one workflow, `more`: others matched."""

    executions: list[dict[str, Any]]
    next_token: str | None
    more: bool


@dataclass(frozen=True)
class ExecutionDetail:
    """An execution's description (DescribeExecution) and its steps (from its history)."""

    description: dict[str, Any]
    workflow: str
    timeline: Timeline


class ExecutionsApi:
    """Lists, describes, redrives and re-runs executions through a Step Functions client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @classmethod
    def for_endpoint(cls, endpoint_url: str, region_name: str) -> ExecutionsApi:
        """An API for the local cloud's Step Functions endpoint (its credentials are local)."""
        session = boto3.session.Session(region_name=region_name, **LOCAL_CREDENTIALS)
        client = session.client("stepfunctions", endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
        return cls(client)

    def workflows(self) -> list[Workflow]:
        """Every state machine, by name."""
        with _api_errors():
            pages = self._client.get_paginator("list_state_machines").paginate()
            machines = [machine for page in pages for machine in page["stateMachines"]]
        found = [Workflow(m["name"], m["stateMachineArn"]) for m in machines]
        return sorted(found, key=lambda workflow: workflow.name)

    def executions(self, query: ExecutionQuery, workflows: list[Workflow]) -> ExecutionPage:
        """The executions `query` asks for, newest first, a page at a time."""
        if query.status is not None and query.status not in STATUSES:
            raise ConsoleError(f"Unknown status {query.status!r}: pick one of the list.")
        if query.workflow is None:
            return self._all_workflows(query, workflows)
        chosen = next((w for w in workflows if w.name == query.workflow), None)
        if chosen is None:
            raise ConsoleError(f"There is no workflow named {query.workflow!r}.")
        page = self._list(chosen, query.status, query.page_token)
        token = page.get("nextToken")
        return ExecutionPage(page["executions"], token, token is not None)

    def _all_workflows(self, query: ExecutionQuery, workflows: list[Workflow]) -> ExecutionPage:
        """The newest executions across workflows: each one's first page, merged."""
        merged: list[dict[str, Any]] = []
        more = False
        for workflow in workflows:
            page = self._list(workflow, query.status, None)
            merged.extend(page["executions"])
            more = more or page.get("nextToken") is not None
        merged.sort(key=lambda execution: execution["startDate"], reverse=True)
        return ExecutionPage(merged[:PAGE_SIZE], None, more or len(merged) > PAGE_SIZE)

    def _list(self, workflow: Workflow, status: str | None, token: str | None) -> dict[str, Any]:
        request: dict[str, Any] = {"stateMachineArn": workflow.arn, "maxResults": PAGE_SIZE}
        if status is not None:
            request["statusFilter"] = status
        if token is not None:
            request["nextToken"] = token
        with _api_errors():
            return dict(self._client.list_executions(**request))

    def execution(self, execution_arn: str) -> ExecutionDetail:
        """An execution's description and the steps of its whole history."""
        with _api_errors():
            description = dict(self._client.describe_execution(executionArn=execution_arn))
            pages = self._client.get_paginator("get_execution_history").paginate(
                executionArn=execution_arn, PaginationConfig={"PageSize": 1000}
            )
            events = [event for page in pages for event in page["events"]]
        workflow = str(description["stateMachineArn"]).rsplit(":", 1)[-1]
        return ExecutionDetail(description, workflow, timeline(events))

    def redrive(self, execution_arn: str) -> datetime:
        """Redrive a failed, timed-out or aborted execution; return the redrive's date."""
        with _api_errors():
            return self._client.redrive_execution(executionArn=execution_arn)["redriveDate"]

    def rerun(self, execution_arn: str, edited_input: str) -> str:
        """Start the execution's workflow again with `edited_input`, under a re-run name.

        The name is `<business key>-rerun-<n>` with the first free n; starting the same input
        again while that re-run still runs returns it (StartExecution is idempotent), so a
        second click does not start a second run.
        """
        with _api_errors():
            original = self._client.describe_execution(executionArn=execution_arn)
        try:
            execution_input = rerun_input(edited_input, original.get("input"))
        except InputRejected as error:
            raise ConsoleError(str(error)) from None
        first = first_rerun_number(original["name"])
        with _api_errors():
            for number in range(first, first + MAX_RERUN_NAMES):
                try:
                    started = self._client.start_execution(
                        stateMachineArn=original["stateMachineArn"],
                        name=rerun_name(original["name"], number),
                        input=execution_input,
                    )
                except ClientError as error:
                    if _code(error) != "ExecutionAlreadyExists":
                        raise
                    continue
                return str(started["executionArn"])
        raise ConsoleError(
            f"{MAX_RERUN_NAMES} re-run names after {original['name']} are taken already."
        )


@contextmanager
def _api_errors() -> Iterator[None]:
    """Turn the API's errors into `ConsoleError`s carrying its code and message."""
    try:
        yield
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", str(error))
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 502))
        raise ConsoleError(f"{_code(error)}: {message}", status if status < 500 else 502) from error
    except BotoCoreError as error:
        raise ConsoleError(f"The Step Functions API did not answer: {error}", 502) from error


def _code(error: ClientError) -> str:
    """The API's error code (`ExecutionNotRedrivable`, ...)."""
    return str(error.response.get("Error", {}).get("Code", "Error"))
