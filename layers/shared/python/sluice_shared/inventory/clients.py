"""Cached S3 and SQS clients for the inventory functions, created on first use."""

import functools

import boto3
from botocore.client import BaseClient
from botocore.config import Config

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


@functools.cache
def s3_client() -> BaseClient:
    """The S3 client."""
    return boto3.client("s3", config=_CLIENT_CONFIG)


@functools.cache
def sqs_client() -> BaseClient:
    """The SQS client."""
    return boto3.client("sqs", config=_CLIENT_CONFIG)


def clear_clients() -> None:
    """Forget the cached clients (tests start each AWS mock with fresh clients)."""
    s3_client.cache_clear()
    sqs_client.cache_clear()
