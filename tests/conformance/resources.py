"""Creates a case's AWS resources (queues, tables, objects, topics) inside the active moto mock."""

from __future__ import annotations

from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer

from .case import BUCKET, REGION, Resources

_SERIALIZER = TypeSerializer()


def client(service: str) -> Any:
    """Return a boto3 client for `service` in the conformance region (inside the moto mock)."""
    return boto3.client(service, region_name=REGION)


def create_resources(resources: Resources) -> None:
    """Create every queue, table (with its items), S3 object and topic of `resources`."""
    if resources.queues:
        sqs = client("sqs")
        for name in resources.queues:
            sqs.create_queue(QueueName=name)
    if resources.tables:
        dynamodb = client("dynamodb")
        for name in resources.tables:
            dynamodb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for item in resources.items.get(name, ()):
                typed = {key: _SERIALIZER.serialize(value) for key, value in item.items()}
                dynamodb.put_item(TableName=name, Item=typed)
    if resources.objects:
        s3 = client("s3")
        s3.create_bucket(Bucket=BUCKET)
        for key, body in resources.objects.items():
            s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
    if resources.topics:
        sns = client("sns")
        for name in resources.topics:
            sns.create_topic(Name=name)
