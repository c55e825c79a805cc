"""The local Step Functions engine."""

from sluice.stepfunctions.integrations import Integrations, LambdaFunctionError
from sluice.stepfunctions.service import StepFunctionsService
from sluice.stepfunctions.store import Store

__all__ = ["Integrations", "LambdaFunctionError", "StepFunctionsService", "Store"]
