"""Build the model's log groups and alarms (kept as data) and list the ignored resources."""

from __future__ import annotations

from sluice.template.context import BuildContext
from sluice.template.kinds import KINDS
from sluice.template.model import AlarmSpec, IgnoredResource, LogGroupSpec
from sluice.template.values import optional_integer


def build_log_groups(context: BuildContext) -> dict[str, LogGroupSpec]:
    """Every CloudWatch Logs log group."""
    groups = {}
    for logical_id in context.of_type("AWS::Logs::LogGroup"):
        retention = context.properties(logical_id).get("RetentionInDays")
        groups[logical_id] = LogGroupSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            retention_days=optional_integer(retention, f"Log group '{logical_id}' RetentionInDays"),
        )
    return groups


def build_alarms(context: BuildContext) -> dict[str, AlarmSpec]:
    """Every CloudWatch alarm, its properties resolved."""
    return {
        logical_id: AlarmSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            properties=context.properties(logical_id),
        )
        for logical_id in context.of_type("AWS::CloudWatch::Alarm")
    }


def list_ignored(context: BuildContext) -> dict[str, IgnoredResource]:
    """The resources (IAM, resource policies, permissions) that do not apply locally."""
    ignored = {}
    for logical_id, resource in context.resources.items():
        reason = KINDS[str(resource.get("Type"))].ignored_because
        if reason is not None:
            ignored[logical_id] = IgnoredResource(logical_id, str(resource.get("Type")), reason)
    return ignored
