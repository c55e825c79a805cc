"""Rules and schedules from template data: SAM `Schedule`, `ScheduleV2` and `EventBridgeRule`
function events, and `AWS::Events::Rule` resources (properties already resolved).

https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventbridgerule.html
https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-schedule.html
https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-schedulev2.html
A SAM `DeadLetterConfig` of `Type: SQS` makes SAM create the queue; pass that queue's ARN as
`generated_dead_letter_arn`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sluice.entrypoints.eventbridge import DEFAULT_BUS, ENABLED, Rule, Schedule
from sluice.entrypoints.targets import RetryPolicy, Target

DISABLED = "DISABLED"


def _dead_letter_arn(
    properties: Mapping[str, Any], generated_dead_letter_arn: str | None
) -> str | None:
    config = properties.get("DeadLetterConfig")
    if not config:
        return None
    if config.get("Arn"):
        return str(config["Arn"])
    if generated_dead_letter_arn is None:
        raise ValueError("DeadLetterConfig Type: SQS needs the ARN of the queue SAM generates")
    return generated_dead_letter_arn


def _state(properties: Mapping[str, Any]) -> str:
    if "State" in properties:
        return str(properties["State"])
    return ENABLED if properties.get("Enabled", True) else DISABLED


def _function_target(
    target_id: str,
    function_arn: str,
    properties: Mapping[str, Any],
    generated_dead_letter_arn: str | None,
) -> Target:
    return Target(
        target_id=target_id,
        arn=function_arn,
        input=properties.get("Input"),
        input_path=properties.get("InputPath"),
        input_transformer=properties.get("InputTransformer"),
        retry_policy=RetryPolicy.from_properties(properties.get("RetryPolicy")),
        dead_letter_arn=_dead_letter_arn(properties, generated_dead_letter_arn),
    )


def rule_from_sam_eventbridge_rule(
    rule_name: str,
    function_arn: str,
    properties: Mapping[str, Any],
    generated_dead_letter_arn: str | None = None,
) -> Rule:
    """The rule of a SAM function's `EventBridgeRule` event."""
    target_id = str((properties.get("Target") or {}).get("Id", f"{rule_name}LambdaTarget"))
    return Rule(
        name=str(properties.get("RuleName", rule_name)),
        targets=(_function_target(target_id, function_arn, properties, generated_dead_letter_arn),),
        event_pattern=properties["Pattern"],
        bus_name=str(properties.get("EventBusName", DEFAULT_BUS)),
        state=_state(properties),
    )


def rule_from_sam_schedule(
    rule_name: str,
    function_arn: str,
    properties: Mapping[str, Any],
    generated_dead_letter_arn: str | None = None,
) -> Rule:
    """The scheduled rule of a SAM function's `Schedule` event."""
    return Rule(
        name=str(properties.get("Name", rule_name)),
        targets=(
            _function_target(
                f"{rule_name}LambdaTarget", function_arn, properties, generated_dead_letter_arn
            ),
        ),
        schedule_expression=str(properties["Schedule"]),
        state=_state(properties),
    )


def schedule_from_sam_schedule_v2(
    schedule_name: str,
    function_arn: str,
    properties: Mapping[str, Any],
    generated_dead_letter_arn: str | None = None,
) -> Schedule:
    """The EventBridge Scheduler schedule of a SAM function's `ScheduleV2` event."""
    return Schedule(
        name=str(properties.get("Name", schedule_name)),
        expression=str(properties["ScheduleExpression"]),
        target=_function_target(schedule_name, function_arn, properties, generated_dead_letter_arn),
        timezone=properties.get("ScheduleExpressionTimezone"),
        group_name=str(properties.get("GroupName", "default")),
        state=str(properties.get("State", ENABLED)),
    )


def rule_from_events_rule(logical_id: str, properties: Mapping[str, Any]) -> Rule:
    """The rule of an `AWS::Events::Rule` resource."""
    targets = tuple(
        Target(
            target_id=str(target["Id"]),
            arn=str(target["Arn"]),
            input=target.get("Input"),
            input_path=target.get("InputPath"),
            input_transformer=target.get("InputTransformer"),
            retry_policy=RetryPolicy.from_properties(target.get("RetryPolicy")),
            dead_letter_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
        )
        for target in properties.get("Targets") or []
    )
    return Rule(
        name=str(properties.get("Name", logical_id)),
        targets=targets,
        event_pattern=properties.get("EventPattern"),
        schedule_expression=properties.get("ScheduleExpression"),
        bus_name=str(properties.get("EventBusName", DEFAULT_BUS)).rsplit("event-bus/", 1)[-1],
        state=str(properties.get("State", ENABLED)),
    )
