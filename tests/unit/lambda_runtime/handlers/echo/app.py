"""Returns the event and what the context says, plus an id fixed when the module loaded."""

import uuid

LOADED_AS = str(uuid.uuid4())


def handler(event, context):
    """Echo the event with the context's fields."""
    return {
        "event": event,
        "loadedAs": LOADED_AS,
        "awsRequestId": context.aws_request_id,
        "functionName": context.function_name,
        "functionVersion": context.function_version,
        "invokedFunctionArn": context.invoked_function_arn,
        "memoryLimitInMb": context.memory_limit_in_mb,
        "logGroupName": context.log_group_name,
        "logStreamName": context.log_stream_name,
        "remainingMillis": context.get_remaining_time_in_millis(),
        "clientContext": context.client_context,
        "cognitoIdentityId": context.identity.cognito_identity_id,
    }
