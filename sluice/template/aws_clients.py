"""boto3 clients for the services the template's resources live in, aimed at one endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

# moto accepts any credentials; these keep boto3 from looking for real ones.
_FAKE_KEY = "testing"


@dataclass(frozen=True)
class AwsClients:
    """One boto3 client per service that provisioning writes to."""

    dynamodb: Any
    sqs: Any
    s3: Any
    sns: Any
    ssm: Any
    secretsmanager: Any
    events: Any

    @classmethod
    def for_endpoint(cls, endpoint_url: str, region: str) -> AwsClients:
        """Clients for a moto server (or any AWS-compatible endpoint) in `region`."""
        session = boto3.session.Session(
            aws_access_key_id=_FAKE_KEY,
            aws_secret_access_key=_FAKE_KEY,
            region_name=region,
        )

        def client(service: str) -> Any:
            return session.client(service, endpoint_url=endpoint_url)

        return cls(
            dynamodb=client("dynamodb"),
            sqs=client("sqs"),
            s3=client("s3"),
            sns=client("sns"),
            ssm=client("ssm"),
            secretsmanager=client("secretsmanager"),
            events=client("events"),
        )
