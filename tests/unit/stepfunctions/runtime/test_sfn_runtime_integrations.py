"""Service integrations on moto: SQS, DynamoDB, SNS, EventBridge, child executions, S3 maps."""

from __future__ import annotations

import json
import random

import boto3
import pytest
from moto import mock_aws

from sluice.clock import VirtualClock
from sluice.stepfunctions.integrations import Integrations
from sluice.stepfunctions.service import StepFunctionsService

ROLE = "arn:aws:iam::123456789012:role/r"
REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


@pytest.fixture
def service(aws):
    return StepFunctionsService(
        clock=VirtualClock(),
        rng=random.Random(2),
        integrations=Integrations(
            lambda_invoker=lambda name, payload: payload, boto3_session_factory=lambda: aws
        ),
    )


def _run(service, definition, data=None, name="m"):
    machine = service.create_state_machine(
        {"name": name, "definition": json.dumps(definition), "roleArn": ROLE}
    )["stateMachineArn"]
    execution = service.start_execution(
        {"stateMachineArn": machine, "input": json.dumps(data or {})}
    )["executionArn"]
    return service.wait_for_execution(execution, 10)


def test_sqs_send_message_sends_an_object_body_as_json(service, aws):
    queue = aws.client("sqs").create_queue(QueueName="erp-requests")["QueueUrl"]
    definition = {
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "End": True,
                "Parameters": {"QueueUrl": queue, "MessageBody": {"id.$": "$.id"}},
            }
        },
    }
    done = _run(service, definition, {"id": "o-1"})
    assert "MessageId" in json.loads(done["output"])
    message = aws.client("sqs").receive_message(QueueUrl=queue)["Messages"][0]
    assert json.loads(message["Body"]) == {"id": "o-1"}


def test_sqs_errors_are_named_after_the_service(service):
    definition = {
        "StartAt": "S",
        "States": {
            "S": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "End": True,
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/missing",
                    "MessageBody": "x",
                },
            }
        },
    }
    assert _run(service, definition)["error"].startswith("SQS.")


def test_dynamodb_put_then_get_item(service, aws):
    aws.client("dynamodb").create_table(
        TableName="orders",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Next": "Get",
                "ResultPath": None,
                "Parameters": {
                    "TableName": "orders",
                    "Item": {"pk": {"S.$": "$.id"}, "state": {"S": "new"}},
                },
            },
            "Get": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:getItem",
                "End": True,
                "Parameters": {"TableName": "orders", "Key": {"pk": {"S.$": "$.id"}}},
                "OutputPath": "$.Item.state.S",
            },
        },
    }
    assert json.loads(_run(service, definition, {"id": "o-2"})["output"]) == "new"


def test_dynamodb_conditional_failure_is_catchable_by_name(service, aws):
    aws.client("dynamodb").create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    aws.client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}})
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "End": True,
                "Parameters": {
                    "TableName": "t",
                    "Item": {"pk": {"S": "a"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                },
                "Catch": [
                    {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "Dup"}
                ],
            },
            "Dup": {"Type": "Pass", "Result": "duplicate", "End": True},
        },
    }
    assert json.loads(_run(service, definition)["output"]) == "duplicate"


def test_sns_publish_and_eventbridge_put_events(service, aws):
    topic = aws.client("sns").create_topic(Name="alerts")["TopicArn"]
    definition = {
        "StartAt": "Sns",
        "States": {
            "Sns": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Next": "Events",
                "ResultPath": "$.sns",
                "Parameters": {"TopicArn": topic, "Message": {"a": 1}},
            },
            "Events": {
                "Type": "Task",
                "Resource": "arn:aws:states:::events:putEvents",
                "End": True,
                "ResultPath": "$.events",
                "Parameters": {
                    "Entries": [{"Source": "sluice", "DetailType": "Billed", "Detail": {"id": 1}}]
                },
            },
        },
    }
    output = json.loads(_run(service, definition)["output"])
    assert "MessageId" in output["sns"]
    assert output["events"]["FailedEntryCount"] == 0


def test_start_execution_sync_runs_a_child_on_the_same_engine(service):
    child = service.create_state_machine(
        {
            "name": "child",
            "roleArn": ROLE,
            "definition": json.dumps(
                {
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "Result": {"ok": 1}, "End": True}},
                }
            ),
        }
    )["stateMachineArn"]
    definition = {
        "StartAt": "Run",
        "States": {
            "Run": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "End": True,
                "Parameters": {"StateMachineArn": child, "Input": {"x": 1}},
                "OutputPath": "$.Output",
            }
        },
    }
    assert json.loads(_run(service, definition, name="parent")["output"]) == {"ok": 1}


def _distributed(reader, **extra):
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "End": True,
                "ItemReader": reader,
                **extra,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "I",
                    "States": {"I": {"Type": "Pass", "End": True}},
                },
            }
        },
    }


def test_distributed_map_reads_csv_rows_from_s3_as_child_executions(service, aws):
    aws.client("s3").create_bucket(Bucket="drops")
    aws.client("s3").put_object(Bucket="drops", Key="inv.csv", Body=b"sku,qty\nA,1\nB,2\nC,3\n")
    reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 2},
        "Parameters": {"Bucket": "drops", "Key": "inv.csv"},
    }
    machine = service.create_state_machine(
        {"name": "inv", "roleArn": ROLE, "definition": json.dumps(_distributed(reader))}
    )
    execution = service.start_execution({"stateMachineArn": machine["stateMachineArn"]})
    done = service.wait_for_execution(execution["executionArn"], 10)
    assert json.loads(done["output"]) == [{"sku": "A", "qty": "1"}, {"sku": "B", "qty": "2"}]
    runs = service.list_map_runs({"executionArn": execution["executionArn"]})["mapRuns"]
    described = service.describe_map_run({"mapRunArn": runs[0]["mapRunArn"]})
    assert described["status"] == "SUCCEEDED"
    assert described["executionCounts"]["succeeded"] == 2
    children = service.list_executions({"mapRunArn": runs[0]["mapRunArn"]})["executions"]
    assert len(children) == 2


def test_distributed_map_batches_json_items(service, aws):
    aws.client("s3").create_bucket(Bucket="items-bucket")
    aws.client("s3").put_object(
        Bucket="items-bucket", Key="items.json", Body=json.dumps([1, 2, 3]).encode()
    )
    reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "items-bucket", "Key": "items.json"},
    }
    definition = _distributed(
        reader, ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"run": "r1"}}
    )
    output = json.loads(_run(service, definition)["output"])
    assert output == [
        {"Items": [1, 2], "BatchInput": {"run": "r1"}},
        {"Items": [3], "BatchInput": {"run": "r1"}},
    ]


def test_distributed_map_fails_when_failures_exceed_the_tolerance(service, aws):
    aws.client("s3").create_bucket(Bucket="items-bucket")
    aws.client("s3").put_object(
        Bucket="items-bucket", Key="i.json", Body=json.dumps([1, 0, 0]).encode()
    )
    reader = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "items-bucket", "Key": "i.json"},
    }
    definition = _distributed(reader, ToleratedFailureCount=1)
    definition["States"]["M"]["ItemProcessor"]["States"] = {
        "I": {
            "Type": "Choice",
            "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "F"}],
            "Default": "OK",
        },
        "F": {"Type": "Fail", "Error": "Zero"},
        "OK": {"Type": "Succeed"},
    }
    done = _run(service, definition)
    assert done["error"] == "States.ExceedToleratedFailureThreshold"
