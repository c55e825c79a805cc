"""The typed model of a loaded template: what the local cloud runs and provisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sluice.template.parameters import ParameterValue
from sluice.template.stack import StackContext


@dataclass(frozen=True)
class TargetRef:
    """A resource something points at, by ARN (or URL), with its logical id when it is ours."""

    arn: str
    logical_id: str | None = None
    resource_type: str | None = None


@dataclass(frozen=True)
class LayerSpec:
    """An `AWS::Serverless::LayerVersion` whose content is a local directory."""

    logical_id: str
    name: str
    arn: str
    content_uri: Path
    python_path: Path
    build_method: str | None
    compatible_runtimes: tuple[str, ...]


@dataclass(frozen=True)
class FunctionSpec:
    """An `AWS::Serverless::Function` with Globals applied and every value resolved."""

    logical_id: str
    name: str
    arn: str
    code_uri: Path
    handler: str
    handler_module: str
    handler_function: str
    runtime: str | None
    architectures: tuple[str, ...]
    timeout: int
    memory_size: int
    reserved_concurrency: int | None
    environment: Mapping[str, str]
    layers: tuple[LayerSpec, ...]
    external_layer_arns: tuple[str, ...]
    policies: tuple[Any, ...]
    event_invoke_config: Mapping[str, Any] | None
    dead_letter_queue: Mapping[str, Any] | None
    description: str | None


@dataclass(frozen=True)
class StateMachineSpec:
    """A state machine with its definition text, `DefinitionSubstitutions` applied."""

    logical_id: str
    name: str
    arn: str
    type: str
    definition: str
    policies: tuple[Any, ...]
    logging: Mapping[str, Any] | None
    tracing: Mapping[str, Any] | None


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table, its schema in the shapes boto3's `create_table` takes."""

    logical_id: str
    name: str
    arn: str
    attribute_definitions: tuple[Mapping[str, str], ...]
    key_schema: tuple[Mapping[str, str], ...]
    billing_mode: str
    provisioned_throughput: Mapping[str, int] | None
    global_secondary_indexes: tuple[Mapping[str, Any], ...]
    local_secondary_indexes: tuple[Mapping[str, Any], ...]
    ttl_attribute: str | None
    stream_view_type: str | None


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue; `attributes` are SQS attribute names and string values, as SQS takes them."""

    logical_id: str
    name: str
    url: str
    arn: str
    fifo: bool
    visibility_timeout: int
    message_retention_period: int
    attributes: Mapping[str, str]
    dead_letter_target: TargetRef | None
    max_receive_count: int | None


@dataclass(frozen=True)
class TopicSpec:
    """An SNS topic."""

    logical_id: str
    name: str
    arn: str
    fifo: bool
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class SubscriptionSpec:
    """An SNS subscription (declared, inline on a topic, or generated for an SNS event)."""

    logical_id: str
    topic: TargetRef
    protocol: str
    endpoint: str
    target: TargetRef | None
    filter_policy: Mapping[str, Any] | None
    raw_message_delivery: bool


@dataclass(frozen=True)
class BucketNotification:
    """One S3 notification: which events (and key filter) go to which function/queue/topic."""

    kind: str
    target: TargetRef
    events: tuple[str, ...]
    filter_rules: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BucketSpec:
    """An S3 bucket and its notification configuration (kept as data; see provision.py)."""

    logical_id: str
    name: str
    arn: str
    notifications: tuple[BucketNotification, ...]
    eventbridge_enabled: bool


@dataclass(frozen=True)
class SsmParameterSpec:
    """An SSM parameter with its resolved value."""

    logical_id: str
    name: str
    type: str
    value: str
    description: str | None


@dataclass(frozen=True)
class SecretSpec:
    """An `AWS::SecretsManager::Secret` declared in the template."""

    logical_id: str
    name: str
    arn: str
    description: str | None
    secret_string: str | None


@dataclass(frozen=True)
class EventBusSpec:
    """A custom EventBridge event bus."""

    logical_id: str
    name: str
    arn: str


@dataclass(frozen=True)
class RetryPolicy:
    """How EventBridge or EventBridge Scheduler retries delivery to a target."""

    maximum_event_age_seconds: int | None
    maximum_retry_attempts: int | None


@dataclass(frozen=True)
class RuleTarget:
    """Where a rule or schedule delivers, with its input shaping, retries and dead letters."""

    target_id: str
    target: TargetRef
    input: str | None
    input_path: str | None
    input_transformer: Mapping[str, Any] | None
    retry_policy: RetryPolicy | None
    dead_letter: TargetRef | None


@dataclass(frozen=True)
class EventRuleSpec:
    """An EventBridge rule: an event pattern or a schedule expression, and its targets."""

    logical_id: str
    name: str
    arn: str
    bus_name: str
    event_pattern: Mapping[str, Any] | None
    schedule_expression: str | None
    state: str
    description: str | None
    targets: tuple[RuleTarget, ...]


@dataclass(frozen=True)
class ScheduleSpec:
    """An EventBridge Scheduler schedule (e.g. from a SAM `ScheduleV2` event)."""

    logical_id: str
    name: str
    arn: str
    group_name: str
    expression: str
    timezone: str | None
    state: str
    target: RuleTarget


@dataclass(frozen=True)
class HttpRoute:
    """A route on an API that invokes a function."""

    function_logical_id: str
    event_name: str
    method: str
    path: str
    payload_format_version: str
    timeout_millis: int | None


@dataclass(frozen=True)
class HttpApiSpec:
    """An HTTP API (`AWS::Serverless::HttpApi`) or REST API (`AWS::Serverless::Api`)."""

    logical_id: str
    api_id: str
    endpoint: str
    protocol: str
    stage_name: str
    description: str | None
    routes: tuple[HttpRoute, ...]
    settings: Mapping[str, Any]


@dataclass(frozen=True)
class SqsEventSource:
    """An SQS event source mapping of a function (from an SQS event or a declared mapping)."""

    logical_id: str
    function_logical_id: str
    queue: TargetRef
    queue_url: str
    batch_size: int
    maximum_batching_window_seconds: int
    maximum_concurrency: int | None
    function_response_types: tuple[str, ...]
    enabled: bool
    filter_criteria: Mapping[str, Any] | None


@dataclass(frozen=True)
class LogGroupSpec:
    """A CloudWatch Logs log group."""

    logical_id: str
    name: str
    arn: str
    retention_days: int | None


@dataclass(frozen=True)
class AlarmSpec:
    """A CloudWatch alarm, kept as data (its resolved properties)."""

    logical_id: str
    name: str
    arn: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class IgnoredResource:
    """A resource the local cloud deliberately does not create, and why."""

    logical_id: str
    resource_type: str
    reason: str


@dataclass(frozen=True)
class TemplateModel:
    """Everything the local cloud needs from `template.yaml`, keyed by logical id."""

    stack: StackContext
    template_path: Path
    parameters: Mapping[str, ParameterValue]
    functions: Mapping[str, FunctionSpec] = field(default_factory=dict)
    layers: Mapping[str, LayerSpec] = field(default_factory=dict)
    state_machines: Mapping[str, StateMachineSpec] = field(default_factory=dict)
    tables: Mapping[str, TableSpec] = field(default_factory=dict)
    queues: Mapping[str, QueueSpec] = field(default_factory=dict)
    topics: Mapping[str, TopicSpec] = field(default_factory=dict)
    subscriptions: Mapping[str, SubscriptionSpec] = field(default_factory=dict)
    buckets: Mapping[str, BucketSpec] = field(default_factory=dict)
    ssm_parameters: Mapping[str, SsmParameterSpec] = field(default_factory=dict)
    secrets: Mapping[str, SecretSpec] = field(default_factory=dict)
    referenced_secret_names: tuple[str, ...] = ()
    event_buses: Mapping[str, EventBusSpec] = field(default_factory=dict)
    event_rules: Mapping[str, EventRuleSpec] = field(default_factory=dict)
    schedules: Mapping[str, ScheduleSpec] = field(default_factory=dict)
    http_apis: Mapping[str, HttpApiSpec] = field(default_factory=dict)
    sqs_event_sources: Mapping[str, SqsEventSource] = field(default_factory=dict)
    log_groups: Mapping[str, LogGroupSpec] = field(default_factory=dict)
    alarms: Mapping[str, AlarmSpec] = field(default_factory=dict)
    ignored: Mapping[str, IgnoredResource] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)

    def function_by_arn(self, arn: str) -> FunctionSpec | None:
        """The function with this ARN (or name), if the template declares it."""
        for function in self.functions.values():
            if arn in (function.arn, function.name):
                return function
        return None

    def state_machine_by_arn(self, arn: str) -> StateMachineSpec | None:
        """The state machine with this ARN, if the template declares it."""
        for machine in self.state_machines.values():
            if machine.arn == arn:
                return machine
        return None
