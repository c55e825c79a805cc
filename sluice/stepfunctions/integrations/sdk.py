"""Service integrations that are one boto3 call: SQS, DynamoDB, SNS, EventBridge, AWS SDK.

https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import ClientError

from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.integrations.clients import json_safe
from sluice.stepfunctions.integrations.errors import service_error

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _snake(action: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", action).lower()


def _as_text(value: Any) -> Any:
    """Step Functions sends a JSON object given as a message body as its JSON text."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _call(call: TaskCall, client_name: str, label: str, arguments: dict[str, Any]) -> Any:
    client = call.integrations.client(client_name, call.region)
    try:
        response = getattr(client, _snake(call.resource.action))(**arguments)
    except ClientError as error:
        raise service_error(label, error) from error
    except AttributeError as error:
        raise StatesError(
            "States.Runtime", f"Unsupported action '{call.resource.action}' for {label}"
        ) from error
    response.pop("ResponseMetadata", None)
    return json_safe(response)


def sqs(call: TaskCall) -> Any:
    """`sqs:sendMessage` (and other SQS actions): the message body is sent as text."""
    arguments = dict(call.argument_object())
    if "MessageBody" in arguments:
        arguments["MessageBody"] = _as_text(arguments["MessageBody"])
    return _call(call, "sqs", "SQS", arguments)


def dynamodb(call: TaskCall) -> Any:
    """`dynamodb:putItem/getItem/updateItem/deleteItem`."""
    return _call(call, "dynamodb", "DynamoDB", call.argument_object())


def sns(call: TaskCall) -> Any:
    """`sns:publish`: the message is sent as text."""
    arguments = dict(call.argument_object())
    if "Message" in arguments:
        arguments["Message"] = _as_text(arguments["Message"])
    return _call(call, "sns", "SNS", arguments)


def eventbridge(call: TaskCall) -> Any:
    """`events:putEvents`: each entry's Detail is sent as text."""
    arguments = dict(call.argument_object())
    arguments["Entries"] = [
        {**entry, "Detail": _as_text(entry["Detail"])} if "Detail" in entry else entry
        for entry in arguments.get("Entries", [])
    ]
    return _call(call, "events", "EventBridge", arguments)


def aws_sdk(call: TaskCall) -> Any:
    """`arn:aws:states:::aws-sdk:<service>:<action>`: any boto3 call by its API name."""
    service = call.resource.service.split(":", 1)[1]
    label = service[:1].upper() + service[1:]
    return _call(call, service, label, call.argument_object())
