"""Cached boto3 clients, created on first use (never at import) and shared by warm invocations."""

import functools

import boto3
from botocore.client import BaseClient
from botocore.config import Config

# On Lambda one invocation at a time uses a client; the local cloud runs many handlers in one
# process on these shared clients, where botocore's 10 pooled connections would be too few
# (each extra request opened and dropped a connection).
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=64)


@functools.cache
def dynamodb_client() -> BaseClient:
    """The DynamoDB client."""
    return boto3.client("dynamodb", config=_CLIENT_CONFIG)


@functools.cache
def stepfunctions_client() -> BaseClient:
    """The Step Functions client."""
    return boto3.client("stepfunctions", config=_CLIENT_CONFIG)


@functools.cache
def sqs_client() -> BaseClient:
    """The SQS client."""
    return boto3.client("sqs", config=_CLIENT_CONFIG)


def clear_clients() -> None:
    """Forget every cached client (tests start each AWS mock with fresh clients)."""
    dynamodb_client.cache_clear()
    stepfunctions_client.cache_clear()
    sqs_client.cache_clear()
