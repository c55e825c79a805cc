"""Build the model's tables, queues, topics, subscriptions, buckets, parameters and secrets."""

from __future__ import annotations

import json
import re
from typing import Any

from sluice.template.context import BuildContext
from sluice.template.errors import TemplateError
from sluice.template.model import (
    BucketNotification,
    BucketSpec,
    FunctionSpec,
    QueueSpec,
    SecretSpec,
    SsmParameterSpec,
    StateMachineSpec,
    SubscriptionSpec,
    TableSpec,
    TopicSpec,
)
from sluice.template.values import (
    as_tuple,
    boolean,
    integer,
    json_object,
    optional_text,
    text,
)

# CloudFormation AWS::SQS::Queue properties that are SQS queue attributes of the same name.
_QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)
_TOPIC_ATTRIBUTES = ("DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId")
_SIMPLE_TABLE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}
_SECRET_ARN = re.compile(r"^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$")
# A policy matches a secret's random ARN suffix with `-*`, `*` or `-??????`.
_SECRET_SUFFIX_WILDCARD = re.compile(r"(-\?{6}|-?\*)$")
_NOTIFICATION_KINDS = (
    ("LambdaConfigurations", "Function", "lambda"),
    ("QueueConfigurations", "Queue", "queue"),
    ("TopicConfigurations", "Topic", "topic"),
)

# SQS defaults: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
_DEFAULT_VISIBILITY_TIMEOUT = 30
_DEFAULT_RETENTION = 345600


def build_tables(context: BuildContext) -> dict[str, TableSpec]:
    """Every DynamoDB table (`AWS::DynamoDB::Table` and SAM's `SimpleTable`)."""
    tables = {}
    for logical_id in context.of_type("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
        properties = context.properties(logical_id)
        if context.type_of(logical_id) == "AWS::Serverless::SimpleTable":
            properties = _simple_table_properties(properties)
        throughput = properties.get("ProvisionedThroughput")
        billing = properties.get("BillingMode") or (
            "PROVISIONED" if throughput else "PAY_PER_REQUEST"
        )
        ttl = properties.get("TimeToLiveSpecification") or {}
        stream = properties.get("StreamSpecification") or {}
        tables[logical_id] = TableSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            attribute_definitions=tuple(properties.get("AttributeDefinitions") or ()),
            key_schema=tuple(properties.get("KeySchema") or ()),
            billing_mode=text(billing),
            provisioned_throughput=_throughput(throughput, logical_id),
            global_secondary_indexes=_indexes(properties.get("GlobalSecondaryIndexes"), logical_id),
            local_secondary_indexes=_indexes(properties.get("LocalSecondaryIndexes"), logical_id),
            ttl_attribute=(
                optional_text(ttl.get("AttributeName"))
                if boolean(ttl.get("Enabled"), default=False)
                else None
            ),
            stream_view_type=optional_text(stream.get("StreamViewType")),
        )
    return tables


def _simple_table_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """The `AWS::DynamoDB::Table` properties SAM generates for a SimpleTable."""
    key = properties.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    converted = {
        "AttributeDefinitions": [
            {"AttributeName": key["Name"], "AttributeType": _SIMPLE_TABLE_TYPES[key["Type"]]}
        ],
        "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
    }
    if "ProvisionedThroughput" in properties:
        converted["ProvisionedThroughput"] = properties["ProvisionedThroughput"]
    return converted


def _throughput(value: Any, logical_id: str) -> dict[str, int] | None:
    if not value:
        return None
    return {
        key: integer(value[key], f"Table '{logical_id}' ProvisionedThroughput.{key}")
        for key in ("ReadCapacityUnits", "WriteCapacityUnits")
    }


def _indexes(value: Any, logical_id: str) -> tuple[dict[str, Any], ...]:
    indexes = []
    for index in as_tuple(value):
        index = dict(index)
        throughput = _throughput(index.pop("ProvisionedThroughput", None), logical_id)
        if throughput is not None:
            index["ProvisionedThroughput"] = throughput
        indexes.append(index)
    return tuple(indexes)


def build_queues(context: BuildContext) -> dict[str, QueueSpec]:
    """Every SQS queue, with its redrive policy pointing at the resolved DLQ ARN."""
    queues = {}
    for logical_id in context.of_type("AWS::SQS::Queue"):
        properties = context.properties(logical_id)
        where = f"Queue '{logical_id}'"
        attributes = {
            name: text(properties[name]) for name in _QUEUE_ATTRIBUTES if name in properties
        }
        redrive = json_object(properties.get("RedrivePolicy"), f"{where} RedrivePolicy")
        dead_letter, max_receives = None, None
        if redrive is not None:
            dead_letter = context.target(redrive.get("deadLetterTargetArn"))
            max_receives = integer(redrive.get("maxReceiveCount"), f"{where} maxReceiveCount")
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": max_receives}
            )
        allow = json_object(properties.get("RedriveAllowPolicy"), f"{where} RedriveAllowPolicy")
        if allow is not None:
            attributes["RedriveAllowPolicy"] = json.dumps(allow)
        queues[logical_id] = QueueSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            url=context.ref(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            fifo=boolean(properties.get("FifoQueue"), default=False),
            visibility_timeout=integer(
                properties.get("VisibilityTimeout", _DEFAULT_VISIBILITY_TIMEOUT),
                f"{where} VisibilityTimeout",
            ),
            message_retention_period=integer(
                properties.get("MessageRetentionPeriod", _DEFAULT_RETENTION),
                f"{where} MessageRetentionPeriod",
            ),
            attributes=attributes,
            dead_letter_target=dead_letter,
            max_receive_count=max_receives,
        )
    return queues


def build_topics(context: BuildContext) -> dict[str, TopicSpec]:
    """Every SNS topic."""
    topics = {}
    for logical_id in context.of_type("AWS::SNS::Topic"):
        properties = context.properties(logical_id)
        topics[logical_id] = TopicSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.ref(logical_id),
            fifo=boolean(properties.get("FifoTopic"), default=False),
            attributes={
                name: text(properties[name]) for name in _TOPIC_ATTRIBUTES if name in properties
            },
        )
    return topics


def build_subscriptions(context: BuildContext) -> dict[str, SubscriptionSpec]:
    """Every SNS subscription: declared, generated for SNS events, or inline on a topic."""
    subscriptions = {}
    for logical_id in context.of_type("AWS::SNS::Subscription"):
        properties = context.properties(logical_id)
        subscriptions[logical_id] = _subscription(context, logical_id, properties)
    for topic_id in context.of_type("AWS::SNS::Topic"):
        inline = as_tuple(context.properties(topic_id).get("Subscription"))
        for index, entry in enumerate(inline):
            logical_id = f"{topic_id}.Subscription[{index}]"
            properties = {**entry, "TopicArn": context.ref(topic_id)}
            subscriptions[logical_id] = _subscription(context, logical_id, properties)
    return subscriptions


def _subscription(context: BuildContext, logical_id: str, properties: dict) -> SubscriptionSpec:
    endpoint = text(properties.get("Endpoint"))
    target = context.target(endpoint)
    return SubscriptionSpec(
        logical_id=logical_id,
        topic=context.target(properties.get("TopicArn")),
        protocol=text(properties.get("Protocol")),
        endpoint=endpoint,
        target=target if target.logical_id is not None else None,
        filter_policy=json_object(
            properties.get("FilterPolicy"), f"Subscription '{logical_id}' FilterPolicy"
        ),
        raw_message_delivery=boolean(properties.get("RawMessageDelivery"), default=False),
    )


def build_buckets(context: BuildContext) -> dict[str, BucketSpec]:
    """Every S3 bucket with its notifications (SAM S3 events included)."""
    buckets = {}
    for logical_id in context.of_type("AWS::S3::Bucket"):
        configuration = context.properties(logical_id).get("NotificationConfiguration") or {}
        notifications = []
        for key, target_key, kind in _NOTIFICATION_KINDS:
            for entry in configuration.get(key) or []:
                notifications.append(
                    BucketNotification(
                        kind=kind,
                        target=context.target(entry.get(target_key)),
                        events=as_tuple(entry.get("Event")),
                        filter_rules=_filter_rules(entry.get("Filter")),
                    )
                )
        eventbridge = configuration.get("EventBridgeConfiguration") or {}
        buckets[logical_id] = BucketSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.attribute(logical_id, "Arn"),
            notifications=tuple(notifications),
            eventbridge_enabled=boolean(eventbridge.get("EventBridgeEnabled"), default=False),
        )
    return buckets


def _filter_rules(value: Any) -> tuple[tuple[str, str], ...]:
    rules = ((value or {}).get("S3Key") or {}).get("Rules") or []
    return tuple((text(rule["Name"]).lower(), text(rule["Value"])) for rule in rules)


def build_ssm_parameters(context: BuildContext) -> dict[str, SsmParameterSpec]:
    """Every SSM parameter, its value resolved."""
    parameters = {}
    for logical_id in context.of_type("AWS::SSM::Parameter"):
        properties = context.properties(logical_id)
        value = properties.get("Value")
        if value is None:
            raise TemplateError(f"SSM parameter '{logical_id}' has no Value")
        parameters[logical_id] = SsmParameterSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            type=text(properties.get("Type", "String")),
            value=",".join(value) if isinstance(value, list) else text(value),
            description=optional_text(properties.get("Description")),
        )
    return parameters


def build_secrets(context: BuildContext) -> dict[str, SecretSpec]:
    """Every `AWS::SecretsManager::Secret` declared in the template."""
    secrets = {}
    for logical_id in context.of_type("AWS::SecretsManager::Secret"):
        properties = context.properties(logical_id)
        secrets[logical_id] = SecretSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.ref(logical_id),
            description=optional_text(properties.get("Description")),
            secret_string=optional_text(properties.get("SecretString")),
        )
    return secrets


def referenced_secret_names(
    functions: dict[str, FunctionSpec],
    machines: dict[str, StateMachineSpec],
    secrets: dict[str, SecretSpec],
) -> tuple[str, ...]:
    """Names of secrets that policies grant access to but the template does not create.

    The suite references secrets created out of band by name (a parameter), so a policy such
    as `AWSSecretsManagerGetSecretValuePolicy` on `arn:...:secret:<name>-*` names them.
    """
    declared = {secret.arn for secret in secrets.values()}
    names: set[str] = set()
    policies = [*(f.policies for f in functions.values()), *(m.policies for m in machines.values())]
    for value in _strings(policies):
        match = _SECRET_ARN.match(value)
        if match is None or value in declared:
            continue
        name = _SECRET_SUFFIX_WILDCARD.sub("", match.group(1))
        if name and "*" not in name and "?" not in name:
            names.add(name)
    return tuple(sorted(names))


def _strings(value: Any) -> list[str]:
    """Every string inside nested lists, tuples and maps."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [item for entry in value.values() for item in _strings(entry)]
    if isinstance(value, list | tuple):
        return [item for entry in value for item in _strings(entry)]
    return []
