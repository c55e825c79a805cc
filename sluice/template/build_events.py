"""Build the model's event buses, rules, schedules and HTTP APIs with their routes."""

from __future__ import annotations

from typing import Any

from sluice.template.context import BuildContext
from sluice.template.errors import TemplateError
from sluice.template.kinds import bus_name
from sluice.template.model import (
    EventBusSpec,
    EventRuleSpec,
    HttpApiSpec,
    HttpRoute,
    RetryPolicy,
    RuleTarget,
    ScheduleSpec,
)
from sluice.template.sam_events import RouteEvent
from sluice.template.values import json_object, optional_integer, optional_text, text

_API_TYPES = {"AWS::Serverless::HttpApi": "HTTP", "AWS::Serverless::Api": "REST"}
# SAM defaults: HTTP APIs deploy to the `$default` stage with payload format 2.0; REST APIs use
# format 1.0 (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html).
_DEFAULT_STAGE = {"HTTP": "$default", "REST": "Prod"}
_DEFAULT_PAYLOAD_FORMAT = {"HTTP": "2.0", "REST": "1.0"}


def build_event_buses(context: BuildContext) -> dict[str, EventBusSpec]:
    """Every custom event bus."""
    return {
        logical_id: EventBusSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
        )
        for logical_id in context.of_type("AWS::Events::EventBus")
    }


def build_event_rules(context: BuildContext) -> dict[str, EventRuleSpec]:
    """Every EventBridge rule, declared or generated for a SAM event."""
    rules = {}
    for logical_id in context.of_type("AWS::Events::Rule"):
        properties = context.properties(logical_id)
        where = f"Rule '{logical_id}'"
        pattern = json_object(properties.get("EventPattern"), f"{where} EventPattern")
        schedule = optional_text(properties.get("ScheduleExpression"))
        if pattern is None and schedule is None:
            raise TemplateError(f"{where} has neither an EventPattern nor a ScheduleExpression")
        rules[logical_id] = EventRuleSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            bus_name=bus_name(properties.get("EventBusName")),
            event_pattern=pattern,
            schedule_expression=schedule,
            state=text(properties.get("State", "ENABLED")),
            description=optional_text(properties.get("Description")),
            targets=tuple(
                _target(context, entry, text(entry.get("Id")), where)
                for entry in properties.get("Targets") or []
            ),
        )
    return rules


def build_schedules(context: BuildContext) -> dict[str, ScheduleSpec]:
    """Every EventBridge Scheduler schedule, declared or generated for a SAM ScheduleV2 event."""
    schedules = {}
    for logical_id in context.of_type("AWS::Scheduler::Schedule"):
        properties = context.properties(logical_id)
        where = f"Schedule '{logical_id}'"
        schedules[logical_id] = ScheduleSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            group_name=text(properties.get("GroupName", "default")),
            expression=text(properties.get("ScheduleExpression")),
            timezone=optional_text(properties.get("ScheduleExpressionTimezone")),
            state=text(properties.get("State", "ENABLED")),
            target=_target(context, properties.get("Target") or {}, logical_id, where),
        )
    return schedules


def _target(context: BuildContext, entry: dict[str, Any], target_id: str, where: str) -> RuleTarget:
    """One rule or schedule target, its ARN tied to the template resource it names."""
    if "Arn" not in entry:
        raise TemplateError(f"{where} has a target without an Arn")
    retry = entry.get("RetryPolicy")
    dead_letter = (entry.get("DeadLetterConfig") or {}).get("Arn")
    raw_input = entry.get("Input")
    return RuleTarget(
        target_id=target_id,
        target=context.target(entry["Arn"]),
        input=None if raw_input is None else text(raw_input),
        input_path=optional_text(entry.get("InputPath")),
        input_transformer=entry.get("InputTransformer"),
        retry_policy=None
        if retry is None
        else RetryPolicy(
            maximum_event_age_seconds=optional_integer(
                retry.get("MaximumEventAgeInSeconds"), f"{where} MaximumEventAgeInSeconds"
            ),
            maximum_retry_attempts=optional_integer(
                retry.get("MaximumRetryAttempts"), f"{where} MaximumRetryAttempts"
            ),
        ),
        dead_letter=None if dead_letter is None else context.target(dead_letter),
    )


def build_http_apis(
    context: BuildContext, routes: tuple[RouteEvent, ...]
) -> dict[str, HttpApiSpec]:
    """Every HTTP and REST API with the function routes SAM events put on it."""
    apis = {}
    for logical_id in context.of_type(*_API_TYPES):
        properties = context.properties(logical_id)
        protocol = _API_TYPES[context.type_of(logical_id)]
        apis[logical_id] = HttpApiSpec(
            logical_id=logical_id,
            api_id=context.ref(logical_id),
            endpoint=context.attribute(logical_id, "ApiEndpoint"),
            protocol=protocol,
            stage_name=text(properties.get("StageName", _DEFAULT_STAGE[protocol])),
            description=optional_text(properties.get("Description")),
            routes=tuple(
                _route(context, route, protocol)
                for route in routes
                if route.api_logical_id == logical_id
            ),
            settings=properties,
        )
    for route in routes:
        if route.api_logical_id not in apis:
            raise TemplateError(
                f"Event '{route.event_name}' of function '{route.function_logical_id}' refers to "
                f"API '{route.api_logical_id}', which is not an API of this template"
            )
    return apis


def _route(context: BuildContext, route: RouteEvent, protocol: str) -> HttpRoute:
    where = f"Resources.{route.function_logical_id}.Properties.Events.{route.event_name}"
    properties = context.resolver.resolve(route.properties, where)
    path = properties.get("Path")
    method = properties.get("Method")
    if path is None and method is None and protocol == "HTTP":
        path, method = "$default", "ANY"
    if path is None or method is None:
        raise TemplateError(f"{where} needs both a Path and a Method")
    return HttpRoute(
        function_logical_id=route.function_logical_id,
        event_name=route.event_name,
        method="ANY"
        if text(method).lower() in ("any", "x-amazon-apigateway-any-method")
        else text(method).upper(),
        path=text(path),
        payload_format_version=text(
            properties.get("PayloadFormatVersion", _DEFAULT_PAYLOAD_FORMAT[protocol])
        ),
        timeout_millis=optional_integer(
            properties.get("TimeoutInMillis"), f"{where} TimeoutInMillis"
        ),
    )
