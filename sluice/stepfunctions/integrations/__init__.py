"""Task integrations: how Task states reach Lambda, SQS, DynamoDB, SNS, EventBridge, S3, SFN."""

from sluice.stepfunctions.integrations.clients import Integrations, LambdaInvoker
from sluice.stepfunctions.integrations.errors import LambdaFunctionError

__all__ = ["Integrations", "LambdaFunctionError", "LambdaInvoker"]
