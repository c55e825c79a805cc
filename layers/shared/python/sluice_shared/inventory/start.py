"""Start the inventory run of a snapshot, named by its content, at most once.

`StartExecution` with the run key as name: a second drop of the same file (or the sync
schedule finding it) answers `ExecutionAlreadyExists`, which means already handled. The
input is the same bytes for the same object, so a start racing a running one is
idempotent too.
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from sluice_shared.inventory.naming import normalize_etag, run_key
from sluice_shared.observability import count, get_logger

OBJECT_CREATED = "ObjectCreated:"


@dataclass(frozen=True)
class Snapshot:
    """One snapshot object: where it is and which content (ETag)."""

    bucket: str
    key: str
    etag: str

    @classmethod
    def from_notification_record(cls, record: dict[str, Any]) -> "Snapshot":
        """The object of an S3 event notification record (its key arrives URL-encoded)."""
        s3 = record["s3"]
        return cls(
            bucket=s3["bucket"]["name"],
            key=unquote_plus(s3["object"]["key"]),
            etag=normalize_etag(s3["object"]["eTag"]),
        )

    @property
    def run_key(self) -> str:
        """The run's business key (its execution name)."""
        return run_key(self.bucket, self.key, self.etag)

    def execution_input(self) -> str:
        """The workflow input: the same bytes for the same object."""
        document = {
            "businessKey": self.run_key,
            "bucket": self.bucket,
            "key": self.key,
            "etag": normalize_etag(self.etag),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class StartOutcome:
    """What starting a snapshot's run did."""

    run_key: str
    key: str
    execution_arn: str
    started: bool

    def to_json(self) -> dict[str, Any]:
        """The outcome as a handler returns it."""
        return {
            "runKey": self.run_key,
            "key": self.key,
            "executionArn": self.execution_arn,
            "started": self.started,
        }


def _execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution called `name` of this state machine has."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


def start_run(
    stepfunctions: BaseClient, state_machine_arn: str, snapshot: Snapshot
) -> StartOutcome:
    """Start the snapshot's run; `started` is False when a closed run of that name exists.

    A start while that run is still running returns it (StartExecution is idempotent for the
    same name and input), so `started` is then True for the one running run.
    """
    name = snapshot.run_key
    try:
        answer = stepfunctions.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=snapshot.execution_input()
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
            raise
        return StartOutcome(name, snapshot.key, _execution_arn(state_machine_arn, name), False)
    return StartOutcome(name, snapshot.key, str(answer["executionArn"]), True)


def created_snapshots(event: dict[str, Any]) -> list[Snapshot]:
    """The objects an S3 notification event reports as created (test events have none)."""
    return [
        Snapshot.from_notification_record(record)
        for record in event.get("Records") or []
        if str(record.get("eventName", "")).startswith(OBJECT_CREATED)
    ]


def start_notified_runs(
    event: dict[str, Any], stepfunctions: BaseClient, state_machine_arn: str
) -> list[StartOutcome]:
    """Start the run of every snapshot an S3 notification reports; count and log each."""
    outcomes = []
    for snapshot in created_snapshots(event):
        outcome = start_run(stepfunctions, state_machine_arn, snapshot)
        count("InventoryRunsStarted" if outcome.started else "InventoryDropsDuplicate")
        get_logger().info("snapshot handled", extra=outcome.to_json())
        outcomes.append(outcome)
    return outcomes
