"""Rules and schedules read from SAM events and `AWS::Events::Rule` properties."""

from __future__ import annotations

import pytest

from sluice.entrypoints.rule_sources import (
    rule_from_events_rule,
    rule_from_sam_eventbridge_rule,
    rule_from_sam_schedule,
    schedule_from_sam_schedule_v2,
)

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:RecordExecutionFailure"
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:ExecutionStoppedQueue"


def test_given_the_templates_execution_stopped_event_then_the_rule_keeps_its_settings():
    properties = {
        "Pattern": {
            "source": ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"status": ["FAILED", "TIMED_OUT", "ABORTED"]},
        },
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
        "DeadLetterConfig": {"Type": "SQS"},
    }

    rule = rule_from_sam_eventbridge_rule(
        "ExecutionStopped", FUNCTION_ARN, properties, generated_dead_letter_arn=DLQ_ARN
    )

    assert rule.event_pattern == properties["Pattern"]
    assert rule.bus_name == "default"
    [target] = rule.targets
    assert target.arn == FUNCTION_ARN
    assert target.dead_letter_arn == DLQ_ARN
    assert target.retry_policy.maximum_retry_attempts == 185
    assert target.retry_policy.maximum_event_age_seconds == 86400


def test_given_a_generated_dlq_without_its_arn_then_reading_fails():
    with pytest.raises(ValueError, match="Type: SQS"):
        rule_from_sam_eventbridge_rule(
            "R", FUNCTION_ARN, {"Pattern": {"source": ["x"]}, "DeadLetterConfig": {"Type": "SQS"}}
        )


def test_given_a_sam_schedule_event_then_a_scheduled_rule_with_its_input():
    rule = rule_from_sam_schedule(
        "Nightly",
        FUNCTION_ARN,
        {"Schedule": "cron(0 2 * * ? *)", "Input": '{"run": "nightly"}', "Enabled": False},
    )

    assert rule.schedule_expression == "cron(0 2 * * ? *)"
    assert rule.state == "DISABLED"
    assert rule.targets[0].input == '{"run": "nightly"}'


def test_given_a_sam_schedule_v2_event_then_a_scheduler_schedule_in_its_time_zone():
    schedule = schedule_from_sam_schedule_v2(
        "Reconcile",
        FUNCTION_ARN,
        {
            "ScheduleExpression": "cron(0 6 * * ? *)",
            "ScheduleExpressionTimezone": "Europe/Paris",
            "RetryPolicy": {"MaximumRetryAttempts": 3},
        },
    )

    assert schedule.timezone == "Europe/Paris"
    assert schedule.target.retry_policy.maximum_retry_attempts == 3
    assert schedule.target.retry_policy.maximum_event_age_seconds == 86400


def test_given_an_events_rule_resource_then_its_targets_and_bus_are_read():
    rule = rule_from_events_rule(
        "BillingRule",
        {
            "EventBusName": "arn:aws:events:us-east-1:123456789012:event-bus/billing",
            "EventPattern": {"source": ["sluice.orders"]},
            "Targets": [
                {
                    "Id": "q",
                    "Arn": "arn:aws:sqs:us-east-1:123456789012:billing",
                    "InputPath": "$.detail",
                },
                {"Id": "f", "Arn": FUNCTION_ARN, "DeadLetterConfig": {"Arn": DLQ_ARN}},
            ],
        },
    )

    assert rule.name == "BillingRule"
    assert rule.bus_name == "billing"
    assert [target.target_id for target in rule.targets] == ["q", "f"]
    assert rule.targets[0].input_path == "$.detail"
    assert rule.targets[1].dead_letter_arn == DLQ_ARN
