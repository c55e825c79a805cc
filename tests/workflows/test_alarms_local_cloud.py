"""CloudWatch alarms on the local cloud, end to end to Slack.

The template's alarms are evaluated every simulated minute from metrics fed as on AWS: SQS
queue metrics sampled from moto, AWS/States counts from the engine's status changes, and the
EMF documents functions print. A state change goes to AlertsTopic (moto's SNS) in
CloudWatch's JSON, then to the alerts queue, the notifier and the Slack simulator.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from sluice.alarms import AlarmState
from sluice.cloud.local_cloud import LocalCloud
from sluice.cloud.settings import CloudSettings
from tests.workflows.support import TEMPLATE, eventually, forget_warm_state

# A simulated minute (one evaluation) takes 6 wall seconds.
TIME_SCALE = 10
ALARM_TIMEOUT = 40.0
DLQ_ALARM = "sluice-dev-erp-requests-dlq"
SILENCE_ALARM = "sluice-dev-integration-silence"
ORDERS_FAILED_ALARM = "sluice-dev-orders-failed"
WEEK_SECONDS = 7 * 86_400


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The real template on a local cloud that evaluates its alarms."""
    forget_warm_state()
    settings = CloudSettings(template=TEMPLATE, time_scale=TIME_SCALE, state_dir=None, alarms=True)
    with LocalCloud(settings) as local_cloud:
        yield local_cloud


def _client(cloud: LocalCloud, service: str) -> Any:
    assert cloud.model is not None
    return boto3.client(service, endpoint_url=cloud.moto_url, region_name=cloud.model.stack.region)


def _wait_for_state(cloud: LocalCloud, name: str, state: AlarmState) -> None:
    assert cloud.alarms is not None
    reached = eventually(lambda: cloud.alarms.state(name) is state, ALARM_TIMEOUT)
    assert reached, f"{name} never went to {state}: {cloud.alarms.status(name)}"


def _slack(cloud: LocalCloud, name: str, state: str) -> list[dict[str, Any]]:
    """The Slack messages that say alarm `name` is in `state`."""
    title = f"Alarm {name} is {state}"
    return [m for m in cloud.simulators.slack.messages if m["text"].startswith(title)]


def _wait_for_slack(cloud: LocalCloud, name: str, state: str, count: int) -> list[dict]:
    arrived = eventually(lambda: len(_slack(cloud, name, state)) >= count, ALARM_TIMEOUT)
    assert arrived, f"no Slack message for {name} {state}: {cloud.simulators.slack.messages}"
    return _slack(cloud, name, state)


def _moto_state(cloud: LocalCloud, name: str) -> str:
    answer = _client(cloud, "cloudwatch").describe_alarms(AlarmNames=[name])
    return answer["MetricAlarms"][0]["StateValue"]


@pytest.fixture
def erp_dlq_url(cloud: LocalCloud) -> str:
    """GIVEN the ERP request DLQ alarm has evaluated the empty DLQ (OK)."""
    assert cloud.model is not None
    _wait_for_state(cloud, DLQ_ALARM, AlarmState.OK)
    name = cloud.model.queues["ErpRequestDeadLetterQueue"].name
    return _client(cloud, "sqs").get_queue_url(QueueName=name)["QueueUrl"]


def test_a_dead_lettered_erp_request_alarms_once_in_slack_and_clears_with_ok(cloud, erp_dlq_url):
    sqs = _client(cloud, "sqs")
    sqs.send_message(QueueUrl=erp_dlq_url, MessageBody=json.dumps({"operation": "Upsert"}))

    _wait_for_state(cloud, DLQ_ALARM, AlarmState.ALARM)
    [alarm] = _wait_for_slack(cloud, DLQ_ALARM, "ALARM", 1)
    assert _moto_state(cloud, DLQ_ALARM) == "ALARM"
    text = json.dumps(alarm)
    assert "sluice dlq-redrive" in text
    assert "was greater than the threshold (0.0)" in text
    assert "wait in the dead-letter queue" in text

    [message] = sqs.receive_message(QueueUrl=erp_dlq_url, WaitTimeSeconds=1)["Messages"]
    sqs.delete_message(QueueUrl=erp_dlq_url, ReceiptHandle=message["ReceiptHandle"])

    _wait_for_state(cloud, DLQ_ALARM, AlarmState.OK)
    [ok] = _wait_for_slack(cloud, DLQ_ALARM, "OK", 1)
    assert "was not greater than the threshold (0.0)" in json.dumps(ok)
    assert _moto_state(cloud, DLQ_ALARM) == "OK"
    assert len(_slack(cloud, DLQ_ALARM, "ALARM")) == 1


@contextmanager
def _function_output_routed(cloud: LocalCloud) -> Iterator[None]:
    """Function output through the cloud's log router (hence its EMF to the alarms).

    The cloud installs the router on `sys.stdout` when it starts, but pytest puts its own
    capture back on `sys.stdout` at every test phase; `sluice up` has no such capture.
    """
    assert cloud.function_logs is not None
    captured = sys.stdout
    sys.stdout = cloud.function_logs  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = captured


def _run_silence_check(cloud: LocalCloud) -> list[dict[str, Any]]:
    assert cloud.runtime is not None
    with _function_output_routed(cloud):
        result = cloud.runtime.invoke(cloud.function_name("CheckIntegrationSilenceFunction"), {})
    assert result.function_error is None, result.payload
    return result.payload["silent"]


def test_a_silent_integration_in_the_checks_emf_raises_the_dead_mans_switch(cloud):
    assert cloud.model is not None
    assert _run_silence_check(cloud) == []
    _wait_for_state(cloud, SILENCE_ALARM, AlarmState.OK)
    # Before the first check, missing data (treated as breaching) may have alarmed already.
    earlier = len(_slack(cloud, SILENCE_ALARM, "ALARM"))

    governor = cloud.model.tables["GovernorTable"].name
    a_week_ago = cloud.clock.now().timestamp() - WEEK_SECONDS
    _client(cloud, "dynamodb").put_item(
        TableName=governor,
        Item={
            "pk": {"S": "erp#default"},
            "sk": {"S": "state"},
            "watchingSince": {"N": str(round(a_week_ago))},
        },
    )
    [silence] = _run_silence_check(cloud)
    assert silence["integration"] == "erp#default"

    _wait_for_state(cloud, SILENCE_ALARM, AlarmState.ALARM)
    assert "[1.0 (" in cloud.alarms.status(SILENCE_ALARM).reason
    *_, latest = _wait_for_slack(cloud, SILENCE_ALARM, "ALARM", earlier + 1)
    assert "[1.0 (" in json.dumps(latest)
    assert "Check the provider's status page" in json.dumps(latest)


def test_a_failed_order_execution_raises_the_orders_failed_alarm(cloud):
    assert cloud.engine is not None
    document = {"businessKey": "order-shopify-alarm-1", "source": "shopify", "order": {}}
    arn = cloud.engine.start_execution(
        {
            "stateMachineArn": cloud.state_machine_arn("OrdersStateMachine"),
            "name": "order-shopify-alarm-1",
            "input": json.dumps(document),
        }
    )["executionArn"]
    stopped = eventually(
        lambda: cloud.engine.describe_execution({"executionArn": arn})["status"] != "RUNNING",
        ALARM_TIMEOUT,
    )
    assert stopped and cloud.engine.describe_execution({"executionArn": arn})["status"] == "FAILED"

    _wait_for_state(cloud, ORDERS_FAILED_ALARM, AlarmState.ALARM)
    assert "[1.0 (" in cloud.alarms.status(ORDERS_FAILED_ALARM).reason
