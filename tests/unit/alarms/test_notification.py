"""A state change reaches its SNS topic as CloudWatch's notification, which the notifier reads."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from sluice.alarms import AlarmState, AlarmStatus, Transition
from sluice.alarms.notification import AlarmPublisher, alarm_message, alarm_subject
from sluice_shared.notifications import AlertKind, parse_alert
from sluice_shared.notifications.messages import alarm_message as slack_message
from tests.unit.alarms.support import ALARM_ARN, ALARM_NAME, QUEUE, TOPIC, alarm

CONFIGURED = datetime(2024, 5, 3, 9, 0, tzinfo=UTC)
CHANGED = datetime(2024, 5, 3, 10, 1, 2, 345000, tzinfo=UTC)
REASON = "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (03/05/24 10:00:02)] was ..."


def _transition(old: AlarmState, new: AlarmState, **changes) -> Transition:
    return Transition(
        alarm(**changes),
        AlarmStatus(old, "before", "{}", CONFIGURED),
        AlarmStatus(new, REASON, "{}", CHANGED),
    )


def test_the_message_has_cloudwatchs_fields_and_trigger():
    message = alarm_message(_transition(AlarmState.OK, AlarmState.ALARM), CONFIGURED)

    assert {key: message[key] for key in ("AlarmName", "AlarmArn", "Region", "AWSAccountId")} == {
        "AlarmName": ALARM_NAME,
        "AlarmArn": ALARM_ARN,
        "Region": "US East (N. Virginia)",
        "AWSAccountId": "123456789012",
    }
    assert (message["OldStateValue"], message["NewStateValue"]) == ("OK", "ALARM")
    assert message["NewStateReason"] == REASON
    assert message["StateChangeTime"] == "2024-05-03T10:01:02.345+0000"
    assert message["AlarmConfigurationUpdatedTimestamp"] == "2024-05-03T09:00:00.000+0000"
    assert message["Trigger"] == {
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Namespace": "AWS/SQS",
        "StatisticType": "Statistic",
        "Statistic": "MAXIMUM",
        "Unit": None,
        "Dimensions": [{"value": QUEUE, "name": "QueueName"}],
        "Period": 60,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": 0.0,
        "TreatMissingData": "notBreaching",
        "EvaluateLowSampleCountPercentile": "",
    }
    assert message["AlarmActions"] == message["OKActions"] == [TOPIC]


def test_the_subject_names_the_state_the_alarm_and_the_region():
    subject = alarm_subject(_transition(AlarmState.OK, AlarmState.ALARM))

    assert subject == f'ALARM: "{ALARM_NAME}" in US East (N. Virginia)'


@pytest.fixture
def alerts_queue() -> Iterator[str]:
    """GIVEN moto's SNS topic subscribed by an SQS queue, as the template wires AlertsTopic."""
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="sluice-dev-alerts")["TopicArn"]
        assert topic == TOPIC
        url = sqs.create_queue(QueueName="sluice-dev-alerts")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        yield url


def _publish_and_read(transition: Transition, queue_url: str) -> list[str]:
    AlarmPublisher(boto3.client("sns", region_name="us-east-1"), CONFIGURED)(transition)
    sqs = boto3.client("sqs", region_name="us-east-1")
    answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return [message["Body"] for message in answer.get("Messages", [])]


def test_an_alarm_reaches_the_notifier_as_an_alarm_alert_saying_what_to_do(alerts_queue):
    [body] = _publish_and_read(_transition(AlarmState.OK, AlarmState.ALARM), alerts_queue)

    alert = parse_alert(body)

    assert alert is not None and alert.kind is AlertKind.ALARM
    assert (alert.subject, alert.status, alert.region) == (ALARM_NAME, "ALARM", "us-east-1")
    assert alert.metric_name == "ApproximateNumberOfMessagesVisible"
    assert alert.cause == REASON
    text = json.dumps(slack_message(alert))
    assert f"Alarm {ALARM_NAME} is ALARM" in text
    assert "sluice dlq-redrive" in text


def test_back_to_ok_after_alarm_is_an_ok_alert(alerts_queue):
    [body] = _publish_and_read(_transition(AlarmState.ALARM, AlarmState.OK), alerts_queue)

    alert = parse_alert(body)

    assert alert is not None and alert.kind is AlertKind.ALARM_OK


def test_a_new_alarms_first_ok_is_published_but_not_news_to_the_notifier(alerts_queue):
    [body] = _publish_and_read(
        _transition(AlarmState.INSUFFICIENT_DATA, AlarmState.OK), alerts_queue
    )

    assert json.loads(json.loads(body)["Message"])["NewStateValue"] == "OK"
    assert parse_alert(body) is None


def test_a_state_without_actions_publishes_nothing(alerts_queue):
    transition = _transition(AlarmState.OK, AlarmState.INSUFFICIENT_DATA)

    assert _publish_and_read(transition, alerts_queue) == []
