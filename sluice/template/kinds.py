"""What each supported resource type returns for `Ref` and `Fn::GetAtt`, and how it is named.

Return values follow the CloudFormation resource reference ("Return values" of each type):
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sluice.template.naming import generated_id, generated_uuid, stable_suffix
from sluice.template.stack import StackContext


@dataclass(frozen=True)
class Identity:
    """A resource as its return values see it: logical id, physical name, stack, properties."""

    logical_id: str
    name: str
    stack: StackContext
    prop: Callable[[str], Any]


Value = Callable[[Identity], Any]


@dataclass(frozen=True)
class Kind:
    """How one resource type is named and what its `Ref` and attributes return."""

    ref: Value
    attributes: Mapping[str, Value] = field(default_factory=dict)
    name_property: str | None = None
    max_name_length: int = 255
    lowercase_name: bool = False
    name_is_logical_id: bool = False
    fifo_property: str | None = None
    ignored_because: str | None = None


def _name(identity: Identity) -> str:
    """The physical name (the `Ref` of most named resources)."""
    return identity.name


def _function_arn(identity: Identity) -> str:
    return identity.stack.arn("lambda", f"function:{identity.name}")


def _state_machine_arn(identity: Identity) -> str:
    return identity.stack.arn("states", f"stateMachine:{identity.name}")


def _layer_arn(identity: Identity) -> str:
    return identity.stack.arn("lambda", f"layer:{identity.name}:1")


def _api_id(identity: Identity) -> str:
    return generated_id(identity.stack.stack_name, identity.logical_id)


def _api_endpoint(identity: Identity) -> str:
    stack = identity.stack
    return f"https://{_api_id(identity)}.execute-api.{stack.region}.{stack.url_suffix}"


def _table_arn(identity: Identity) -> str:
    return identity.stack.arn("dynamodb", f"table/{identity.name}")


def _table_stream_arn(identity: Identity) -> str:
    return f"{_table_arn(identity)}/stream/1970-01-01T00:00:00.000"


def queue_url(stack: StackContext, name: str) -> str:
    """The URL CloudFormation returns for a queue (moto accepts it as a QueueUrl too)."""
    return f"https://sqs.{stack.region}.{stack.url_suffix}/{stack.account_id}/{name}"


def _queue_url(identity: Identity) -> str:
    return queue_url(identity.stack, identity.name)


def _queue_arn(identity: Identity) -> str:
    return identity.stack.arn("sqs", identity.name)


def _topic_arn(identity: Identity) -> str:
    return identity.stack.arn("sns", identity.name)


def _subscription_arn(identity: Identity) -> str:
    topic = identity.prop("TopicArn")
    return f"{topic}:{generated_uuid(identity.stack.stack_name, identity.logical_id)}"


def _bucket_arn(identity: Identity) -> str:
    return f"arn:{identity.stack.partition}:s3:::{identity.name}"


def _bucket_domain(identity: Identity) -> str:
    return f"{identity.name}.s3.{identity.stack.url_suffix}"


def _bucket_regional_domain(identity: Identity) -> str:
    return f"{identity.name}.s3.{identity.stack.region}.{identity.stack.url_suffix}"


def _bucket_website(identity: Identity) -> str:
    return f"http://{identity.name}.s3-website-{identity.stack.region}.{identity.stack.url_suffix}"


def _secret_arn(identity: Identity) -> str:
    suffix = stable_suffix(identity.stack.stack_name, identity.logical_id, length=6)
    return identity.stack.arn("secretsmanager", f"secret:{identity.name}-{suffix}")


def bus_name(value: Any) -> str:
    """The name of an event bus given by name or ARN (`default` when not given)."""
    text = str(value or "default")
    return text.rpartition("event-bus/")[2] if text.startswith("arn:") else text


def _rule_arn(identity: Identity) -> str:
    bus = bus_name(identity.prop("EventBusName"))
    path = identity.name if bus == "default" else f"{bus}/{identity.name}"
    return identity.stack.arn("events", f"rule/{path}")


def _bus_arn(identity: Identity) -> str:
    return identity.stack.arn("events", f"event-bus/{identity.name}")


def _schedule_arn(identity: Identity) -> str:
    group = identity.prop("GroupName") or "default"
    return identity.stack.arn("scheduler", f"schedule/{group}/{identity.name}")


def _log_group_arn(identity: Identity) -> str:
    return identity.stack.arn("logs", f"log-group:{identity.name}:*")


def _alarm_arn(identity: Identity) -> str:
    return identity.stack.arn("cloudwatch", f"alarm:{identity.name}")


def _generated_uuid(identity: Identity) -> str:
    return generated_uuid(identity.stack.stack_name, identity.logical_id)


def _role_arn(identity: Identity) -> str:
    return identity.stack.arn("iam", f"role/{identity.name}", regional=False)


def _managed_policy_arn(identity: Identity) -> str:
    return identity.stack.arn("iam", f"policy/{identity.name}", regional=False)


def _role_id(identity: Identity) -> str:
    return "AROA" + stable_suffix(identity.stack.stack_name, identity.logical_id, length=17)


_IAM = "IAM does not apply locally: every local call is allowed"
_ACCESS_POLICY = "resource policies do not apply locally: every local call is allowed"

_FUNCTION = Kind(
    ref=_name,
    attributes={"Arn": _function_arn},
    name_property="FunctionName",
    max_name_length=64,
)
_STATE_MACHINE = Kind(
    ref=_state_machine_arn,
    attributes={"Arn": _state_machine_arn, "Name": _name},
    name_property="Name",
    max_name_length=80,
)
_TABLE = Kind(
    ref=_name,
    attributes={"Arn": _table_arn, "StreamArn": _table_stream_arn},
    name_property="TableName",
)
_API = Kind(
    ref=_api_id,
    attributes={"ApiEndpoint": _api_endpoint, "ApiId": _api_id, "RootResourceId": _api_id},
)

KINDS: dict[str, Kind] = {
    "AWS::Serverless::Function": _FUNCTION,
    "AWS::Serverless::StateMachine": _STATE_MACHINE,
    "AWS::StepFunctions::StateMachine": Kind(
        ref=_state_machine_arn,
        attributes={"Arn": _state_machine_arn, "Name": _name},
        name_property="StateMachineName",
        max_name_length=80,
    ),
    "AWS::Serverless::LayerVersion": Kind(
        ref=_layer_arn, name_property="LayerName", name_is_logical_id=True, max_name_length=140
    ),
    "AWS::Serverless::HttpApi": _API,
    "AWS::Serverless::Api": _API,
    "AWS::Serverless::SimpleTable": _TABLE,
    "AWS::DynamoDB::Table": _TABLE,
    "AWS::SQS::Queue": Kind(
        ref=_queue_url,
        attributes={"Arn": _queue_arn, "QueueName": _name, "QueueUrl": _queue_url},
        name_property="QueueName",
        max_name_length=80,
        fifo_property="FifoQueue",
    ),
    "AWS::SNS::Topic": Kind(
        ref=_topic_arn,
        attributes={"TopicArn": _topic_arn, "TopicName": _name},
        name_property="TopicName",
        max_name_length=256,
        fifo_property="FifoTopic",
    ),
    "AWS::SNS::Subscription": Kind(ref=_subscription_arn, attributes={"Arn": _subscription_arn}),
    "AWS::S3::Bucket": Kind(
        ref=_name,
        attributes={
            "Arn": _bucket_arn,
            "DomainName": _bucket_domain,
            "RegionalDomainName": _bucket_regional_domain,
            "WebsiteURL": _bucket_website,
        },
        name_property="BucketName",
        max_name_length=63,
        lowercase_name=True,
    ),
    "AWS::SSM::Parameter": Kind(
        ref=_name,
        attributes={"Type": lambda it: it.prop("Type"), "Value": lambda it: it.prop("Value")},
        name_property="Name",
        max_name_length=2048,
    ),
    "AWS::SecretsManager::Secret": Kind(
        ref=_secret_arn, attributes={"Id": _secret_arn}, name_property="Name", max_name_length=512
    ),
    "AWS::Events::Rule": Kind(
        ref=_name, attributes={"Arn": _rule_arn}, name_property="Name", max_name_length=64
    ),
    "AWS::Events::EventBus": Kind(
        ref=_name, attributes={"Arn": _bus_arn, "Name": _name}, name_property="Name"
    ),
    "AWS::Scheduler::Schedule": Kind(
        ref=_name, attributes={"Arn": _schedule_arn}, name_property="Name", max_name_length=64
    ),
    "AWS::Lambda::EventSourceMapping": Kind(
        ref=_generated_uuid, attributes={"Id": _generated_uuid}
    ),
    "AWS::Logs::LogGroup": Kind(
        ref=_name,
        attributes={"Arn": _log_group_arn},
        name_property="LogGroupName",
        max_name_length=512,
    ),
    "AWS::CloudWatch::Alarm": Kind(
        ref=_name, attributes={"Arn": _alarm_arn}, name_property="AlarmName"
    ),
    "AWS::IAM::Role": Kind(
        ref=_name,
        attributes={"Arn": _role_arn, "RoleId": _role_id},
        name_property="RoleName",
        max_name_length=64,
        ignored_because=_IAM,
    ),
    "AWS::IAM::ManagedPolicy": Kind(
        ref=_managed_policy_arn,
        attributes={"PolicyArn": _managed_policy_arn},
        name_property="ManagedPolicyName",
        max_name_length=128,
        ignored_because=_IAM,
    ),
    "AWS::IAM::Policy": Kind(ref=_generated_uuid, ignored_because=_IAM),
    "AWS::Lambda::Permission": Kind(ref=_generated_uuid, ignored_because=_ACCESS_POLICY),
    "AWS::SQS::QueuePolicy": Kind(ref=_generated_uuid, ignored_because=_ACCESS_POLICY),
    "AWS::SNS::TopicPolicy": Kind(ref=_generated_uuid, ignored_because=_ACCESS_POLICY),
    "AWS::S3::BucketPolicy": Kind(ref=_generated_uuid, ignored_because=_ACCESS_POLICY),
    "AWS::Events::EventBusPolicy": Kind(ref=_generated_uuid, ignored_because=_ACCESS_POLICY),
}
