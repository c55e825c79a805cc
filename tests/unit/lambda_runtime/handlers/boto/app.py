"""Reports what boto3 takes from the environment: the region and the endpoint."""

import boto3


def handler(event, context):
    """Build a client as handler code does and say where it would send requests."""
    client = boto3.client("sqs")
    return {"region": client.meta.region_name, "endpoint": client.meta.endpoint_url}
