"""Task integrations: Lambda (ARN and lambda:invoke), SQS (and callbacks), DynamoDB, SNS,
EventBridge, Step Functions."""

from __future__ import annotations

import hashlib

from ..case import (
    ACCOUNT,
    REGION,
    Case,
    Divergence,
    Expected,
    Resources,
    function_arn,
    queue_url,
    state_machine_arn,
    topic_arn,
)
from ..lambdas import computes, raises
from ..matchers import AnyObject, AnyString, Contains, LambdaErrorCause
from ..workers import answers_failure, answers_success

_LAMBDA = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html"
_SQS = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html"
_CALLBACK = (
    "https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html"
    "#connect-wait-token"
)
_DYNAMODB = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html"
_SNS = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html"
_EVENTS = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html"
_STATES = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html"

_CHILD = {
    "StartAt": "Double",
    "States": {
        "Double": {
            "Type": "Pass",
            "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
            "End": True,
        }
    },
}


def _one(state: dict) -> dict:
    """A machine of one Task state."""
    return {"StartAt": "Call", "States": {"Call": {**state, "End": True}}}


def _ddb(action: str, parameters: dict, **fields: object) -> dict:
    """A DynamoDB optimized-integration Task state."""
    return {
        "Type": "Task",
        "Resource": f"arn:aws:states:::dynamodb:{action}",
        "Parameters": {"TableName": "orders", **parameters},
        **fields,
    }


_ORDER_ITEM = {"pk": "o-1", "status": "new", "qty": 2}

_MOTO_START_EXECUTION = Divergence(
    reason=(
        "moto's states:startExecution integration fails with a KeyError on 'StateMachineArn', "
        "the parameter name the documentation gives"
    ),
    doc=_STATES,
    moto=Expected(status="FAILED", error="States.Runtime", cause=Contains("'StateMachineArn'")),
)

CASES = (
    Case(
        name="lambda_function_arn_result_is_the_payload",
        doc=_LAMBDA,
        definition=_one({"Type": "Task", "Resource": function_arn("total")}),
        input={"lines": [2, 3]},
        lambdas={"total": computes(lambda event: {"total": sum(event["lines"])})},
        expected=Expected(output={"total": 5}, calls={"total": 1}),
    ),
    Case(
        name="lambda_invoke_output_shape",
        doc=_LAMBDA,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "total", "Payload.$": "$"},
            }
        ),
        input={"lines": [2, 3]},
        lambdas={"total": computes(lambda event: {"total": sum(event["lines"])})},
        expected=Expected(
            output={
                "ExecutedVersion": "$LATEST",
                "Payload": {"total": 5},
                "SdkHttpMetadata": AnyObject(),
                "SdkResponseMetadata": AnyObject(),
                "StatusCode": 200,
            }
        ),
        divergence=Divergence(
            reason=(
                "moto's parser returns only StatusCode and Payload: no ExecutedVersion, "
                "SdkHttpMetadata or SdkResponseMetadata"
            ),
            doc=_LAMBDA,
            moto=Expected(output={"StatusCode": 200, "Payload": {"total": 5}}),
        ),
    ),
    Case(
        name="lambda_invoke_payload_selected_by_arn",
        doc=_LAMBDA,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn("total"), "Payload": {"lines": [4]}},
                "ResultSelector": {"result.$": "$.Payload", "status.$": "$.StatusCode"},
            }
        ),
        lambdas={"total": computes(lambda event: {"total": sum(event["lines"])})},
        expected=Expected(output={"result": {"total": 4}, "status": 200}),
    ),
    Case(
        name="lambda_invoke_error_keeps_the_function_error_type",
        doc=_LAMBDA,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "erp", "Payload.$": "$"},
            }
        ),
        lambdas={"erp": raises("ProviderThrottled", "429 from ERP")},
        expected=Expected(
            status="FAILED",
            error="ProviderThrottled",
            cause=LambdaErrorCause("ProviderThrottled", "429 from ERP"),
        ),
    ),
    Case(
        name="sqs_send_message",
        doc=_SQS,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": queue_url("requests"), "MessageBody.$": "$.text"},
                "ResultSelector": {"id.$": "$.MessageId", "md5.$": "$.MD5OfMessageBody"},
            }
        ),
        input={"text": "create order o-1"},
        resources=Resources(queues=("requests",)),
        expected=Expected(
            output={"id": AnyString(), "md5": hashlib.md5(b"create order o-1").hexdigest()}
        ),
    ),
    Case(
        name="sqs_send_message_wait_for_task_token_success",
        doc=_CALLBACK,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url("requests"),
                    "MessageBody": {"taskToken.$": "$$.Task.Token", "order.$": "$.id"},
                },
                "ResultPath": "$.reply",
            }
        ),
        input={"id": "o-1"},
        resources=Resources(queues=("requests",)),
        worker=answers_success("requests", lambda body: {"invoice": f"inv-{body['order']}"}),
        expected=Expected(output={"id": "o-1", "reply": {"invoice": "inv-o-1"}}),
    ),
    Case(
        name="sqs_send_message_wait_for_task_token_failure",
        doc=_CALLBACK,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url("requests"),
                    "MessageBody": {"taskToken.$": "$$.Task.Token"},
                },
            }
        ),
        resources=Resources(queues=("requests",)),
        worker=answers_failure("requests", "ProviderRejected", "invoice refused"),
        expected=Expected(status="FAILED", error="ProviderRejected", cause="invoice refused"),
        divergence=Divergence(
            reason="moto's SendTaskFailure handler drops the request's cause",
            doc="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html",
            moto=Expected(status="FAILED", error="ProviderRejected", cause=None),
        ),
    ),
    Case(
        name="dynamodb_put_item_then_get_item",
        doc=_DYNAMODB,
        definition={
            "StartAt": "Put",
            "States": {
                "Put": _ddb(
                    "putItem",
                    {"Item": {"pk": {"S.$": "$.id"}, "qty": {"N": "3"}}},
                    ResultPath=None,
                    Next="Get",
                ),
                "Get": _ddb(
                    "getItem",
                    {"Key": {"pk": {"S.$": "$.id"}}},
                    ResultSelector={"item.$": "$.Item"},
                    End=True,
                ),
            },
        },
        input={"id": "o-9"},
        resources=Resources(tables=("orders",)),
        expected=Expected(output={"item": {"pk": {"S": "o-9"}, "qty": {"N": "3"}}}),
    ),
    Case(
        name="dynamodb_update_item_returns_new_attributes",
        doc=_DYNAMODB,
        definition=_one(
            _ddb(
                "updateItem",
                {
                    "Key": {"pk": {"S": "o-1"}},
                    "UpdateExpression": "SET #s = :s ADD qty :one",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": {"S": "shipped"}, ":one": {"N": "1"}},
                    "ReturnValues": "ALL_NEW",
                },
                ResultSelector={"attributes.$": "$.Attributes"},
            )
        ),
        resources=Resources(tables=("orders",), items={"orders": (_ORDER_ITEM,)}),
        expected=Expected(
            output={
                "attributes": {"pk": {"S": "o-1"}, "status": {"S": "shipped"}, "qty": {"N": "3"}}
            }
        ),
    ),
    Case(
        name="dynamodb_delete_item_then_get_item_finds_nothing",
        doc=_DYNAMODB,
        definition={
            "StartAt": "Delete",
            "States": {
                "Delete": _ddb(
                    "deleteItem",
                    {"Key": {"pk": {"S": "o-1"}}, "ReturnValues": "ALL_OLD"},
                    ResultSelector={"old.$": "$.Attributes.status.S"},
                    ResultPath="$.deleted",
                    Next="Get",
                ),
                "Get": _ddb(
                    "getItem", {"Key": {"pk": {"S": "o-1"}}}, ResultPath="$.lookup", Next="Check"
                ),
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.lookup.Item", "IsPresent": True, "Next": "Still"}],
                    "Default": "Gone",
                },
                "Still": {"Type": "Fail", "Error": "StillThere"},
                "Gone": {
                    "Type": "Pass",
                    "Parameters": {"old.$": "$.deleted.old", "gone": True},
                    "End": True,
                },
            },
        },
        resources=Resources(tables=("orders",), items={"orders": (_ORDER_ITEM,)}),
        expected=Expected(output={"old": "new", "gone": True}),
    ),
    Case(
        name="dynamodb_conditional_check_failed_is_named_for_the_service",
        doc=_DYNAMODB,
        definition=_one(
            _ddb(
                "putItem",
                {
                    "Item": {"pk": {"S": "o-1"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                },
            )
        ),
        resources=Resources(tables=("orders",), items={"orders": (_ORDER_ITEM,)}),
        expected=Expected(
            status="FAILED",
            error="DynamoDB.ConditionalCheckFailedException",
            cause=Contains("The conditional request failed"),
        ),
    ),
    Case(
        name="sns_publish",
        doc=_SNS,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": topic_arn("alerts"), "Message.$": "$.message"},
                "ResultSelector": {"id.$": "$.MessageId"},
            }
        ),
        input={"message": "order o-1 failed"},
        resources=Resources(topics=("alerts",)),
        expected=Expected(output={"id": AnyString()}),
    ),
    Case(
        name="events_put_events",
        doc=_EVENTS,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {
                    "Entries": [
                        {
                            "Source": "sluice.billing",
                            "DetailType": "ShipmentConfirmed",
                            "Detail": {"order.$": "$.id"},
                        }
                    ]
                },
            }
        ),
        input={"id": "o-1"},
        expected=Expected(output={"Entries": [{"EventId": AnyString()}], "FailedEntryCount": 0}),
    ),
    Case(
        name="states_start_execution",
        doc=_STATES,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {
                    "StateMachineArn": state_machine_arn("child"),
                    "Name": "child-run",
                    "Input": {"n.$": "$.n"},
                },
                "ResultSelector": {"arn.$": "$.ExecutionArn"},
            }
        ),
        input={"n": 4},
        resources=Resources(state_machines={"child": _CHILD}),
        expected=Expected(
            output={"arn": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:child:child-run"}
        ),
        divergence=_MOTO_START_EXECUTION,
    ),
    Case(
        name="states_start_execution_sync_2_returns_the_child_output",
        doc=_STATES,
        definition=_one(
            {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {
                    "StateMachineArn": state_machine_arn("child"),
                    "Input": {"n.$": "$.n"},
                },
                "ResultSelector": {"status.$": "$.Status", "output.$": "$.Output"},
            }
        ),
        input={"n": 4},
        resources=Resources(state_machines={"child": _CHILD}),
        expected=Expected(output={"status": "SUCCEEDED", "output": {"n": 8}}),
        divergence=_MOTO_START_EXECUTION,
    ),
)
