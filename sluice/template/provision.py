"""Create a loaded template's AWS resources on moto (or any AWS-compatible endpoint).

Creates tables, queues (dead-letter queues first, so redrive policies resolve), buckets,
topics with their SQS subscriptions, SSM parameters, secrets, event buses and rules.
Re-running it is safe: existing resources are left in place or updated to the template.

Deliberately not provisioned, because the local cloud delivers them itself: rule and
schedule targets, bucket notifications, and SNS subscriptions to Lambda functions (moto would
try to invoke its own Lambda service). IAM does not apply locally.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from sluice.template.aws_clients import AwsClients
from sluice.template.model import QueueSpec, SubscriptionSpec, TableSpec, TemplateModel

# Attributes SQS only accepts when a queue is created.
_CREATE_ONLY_QUEUE_ATTRIBUTES = ("FifoQueue",)


@dataclass
class ProvisionReport:
    """Names of what was provisioned, and referenced secrets nobody supplied a value for."""

    tables: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    subscriptions: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    event_buses: list[str] = field(default_factory=list)
    event_rules: list[str] = field(default_factory=list)
    missing_secrets: list[str] = field(default_factory=list)


def provision(
    model: TemplateModel, clients: AwsClients, secret_values: Mapping[str, str] | None = None
) -> ProvisionReport:
    """Create (or update) every resource of `model`; `secret_values` maps secret name to value."""
    report = ProvisionReport()
    for table in model.tables.values():
        _table(clients.dynamodb, table)
        report.tables.append(table.name)
    for queue in _dead_letter_queues_first(model.queues):
        _queue(clients.sqs, queue)
        report.queues.append(queue.name)
    for bucket in model.buckets.values():
        _bucket(clients.s3, bucket.name, model.stack.region)
        report.buckets.append(bucket.name)
    for topic in model.topics.values():
        clients.sns.create_topic(Name=topic.name, Attributes=dict(topic.attributes))
        report.topics.append(topic.name)
    for subscription in model.subscriptions.values():
        if subscription.protocol == "sqs":
            _subscribe(clients.sns, subscription)
            report.subscriptions.append(subscription.logical_id)
    for parameter in model.ssm_parameters.values():
        extra = {"Description": parameter.description} if parameter.description else {}
        clients.ssm.put_parameter(
            Name=parameter.name,
            Value=parameter.value,
            Type=parameter.type,
            Overwrite=True,
            **extra,
        )
        report.parameters.append(parameter.name)
    _secrets(clients.secretsmanager, model, dict(secret_values or {}), report)
    for bus in model.event_buses.values():
        _event_bus(clients.events, bus.name)
        report.event_buses.append(bus.name)
    for rule in model.event_rules.values():
        arguments: dict[str, Any] = {
            "Name": rule.name,
            "EventBusName": rule.bus_name,
            "State": rule.state,
        }
        if rule.event_pattern is not None:
            arguments["EventPattern"] = json.dumps(rule.event_pattern)
        if rule.schedule_expression is not None:
            arguments["ScheduleExpression"] = rule.schedule_expression
        if rule.description:
            arguments["Description"] = rule.description
        clients.events.put_rule(**arguments)
        report.event_rules.append(rule.name)
    return report


def _table(dynamodb: Any, table: TableSpec) -> None:
    if not _exists(lambda: dynamodb.describe_table(TableName=table.name)):
        arguments: dict[str, Any] = {
            "TableName": table.name,
            "AttributeDefinitions": list(table.attribute_definitions),
            "KeySchema": list(table.key_schema),
            "BillingMode": table.billing_mode,
        }
        if table.provisioned_throughput:
            arguments["ProvisionedThroughput"] = dict(table.provisioned_throughput)
        if table.global_secondary_indexes:
            arguments["GlobalSecondaryIndexes"] = list(table.global_secondary_indexes)
        if table.local_secondary_indexes:
            arguments["LocalSecondaryIndexes"] = list(table.local_secondary_indexes)
        if table.stream_view_type:
            arguments["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": table.stream_view_type,
            }
        dynamodb.create_table(**arguments)
    if table.ttl_attribute:
        status = dynamodb.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            dynamodb.update_time_to_live(
                TableName=table.name,
                TimeToLiveSpecification={"AttributeName": table.ttl_attribute, "Enabled": True},
            )


def _dead_letter_queues_first(queues: Mapping[str, QueueSpec]) -> list[QueueSpec]:
    """Queues ordered so that every queue comes after the dead-letter queue it redrives to."""
    ordered: list[QueueSpec] = []

    def visit(queue: QueueSpec, trail: tuple[str, ...]) -> None:
        if queue in ordered or queue.logical_id in trail:
            return
        target = queue.dead_letter_target
        if target is not None and target.logical_id in queues:
            visit(queues[target.logical_id], (*trail, queue.logical_id))
        ordered.append(queue)

    for queue in queues.values():
        visit(queue, ())
    return ordered


def _queue(sqs: Any, queue: QueueSpec) -> None:
    try:
        url = sqs.get_queue_url(QueueName=queue.name)["QueueUrl"]
    except ClientError as error:
        if not _is_missing(error):
            raise
        sqs.create_queue(QueueName=queue.name, Attributes=dict(queue.attributes))
        return
    updatable = {
        name: value
        for name, value in queue.attributes.items()
        if name not in _CREATE_ONLY_QUEUE_ATTRIBUTES
    }
    if updatable:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=updatable)


def _bucket(s3: Any, name: str, region: str) -> None:
    if _exists(lambda: s3.head_bucket(Bucket=name)):
        return
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})


def _subscribe(sns: Any, subscription: SubscriptionSpec) -> None:
    topic_arn, endpoint = subscription.topic.arn, subscription.endpoint
    existing = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    if any(item["Protocol"] == "sqs" and item["Endpoint"] == endpoint for item in existing):
        return
    attributes = {"RawMessageDelivery": "true" if subscription.raw_message_delivery else "false"}
    if subscription.filter_policy is not None:
        attributes["FilterPolicy"] = json.dumps(subscription.filter_policy)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=endpoint, Attributes=attributes)


def _secrets(
    secretsmanager: Any, model: TemplateModel, supplied: dict[str, str], report: ProvisionReport
) -> None:
    values: dict[str, str | None] = {
        secret.name: secret.secret_string for secret in model.secrets.values()
    }
    values.update(supplied)
    for name in model.referenced_secret_names:
        if name not in values:
            report.missing_secrets.append(name)
    for name, value in values.items():
        if value is None:
            report.missing_secrets.append(name)
        if _exists(lambda name=name: secretsmanager.describe_secret(SecretId=name)):
            if value is not None:
                secretsmanager.put_secret_value(SecretId=name, SecretString=value)
        elif value is None:
            secretsmanager.create_secret(Name=name)
        else:
            secretsmanager.create_secret(Name=name, SecretString=value)
        report.secrets.append(name)


def _event_bus(events: Any, name: str) -> None:
    if not _exists(lambda: events.describe_event_bus(Name=name)):
        events.create_event_bus(Name=name)


def _exists(describe: Any) -> bool:
    """Whether a describe call finds its resource (False on a not-found error)."""
    try:
        describe()
    except ClientError as error:
        if _is_missing(error):
            return False
        raise
    return True


def _is_missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    missing = ("NotFound", "NonExistent", "DoesNotExist")
    return any(part in code for part in missing) or code == "404" or status == 404
