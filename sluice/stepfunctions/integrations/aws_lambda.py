"""Lambda: a bare function ARN (result is the payload) and `lambda:invoke` (result wrapped).

https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
"""

from __future__ import annotations

import uuid
from typing import Any

from sluice.stepfunctions.integrations.call import TaskCall
from sluice.stepfunctions.integrations.clients import json_safe


def invoke_function(call: TaskCall) -> Any:
    """Invoke the function named by a bare Lambda ARN with the state's payload."""
    return json_safe(
        call.integrations.invoke_lambda(call.resource.arn, call.arguments, call.region)
    )


def invoke(call: TaskCall) -> dict[str, Any]:
    """`arn:aws:states:::lambda:invoke`: call `FunctionName` with `Payload`, wrap the result."""
    arguments = call.argument_object()
    payload = arguments.get("Payload", {})
    result = json_safe(
        call.integrations.invoke_lambda(str(arguments["FunctionName"]), payload, call.region)
    )
    request_id = str(uuid.uuid4())
    headers = {
        "Connection": "keep-alive",
        "Content-Type": "application/json",
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
    }
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": result,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }
