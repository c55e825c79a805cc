"""The Step Functions API of the local engine over HTTP (AWS JSON 1.0 protocol) on loopback."""

from sluice.stepfunctions.http.responses import ApiResponse, StepFunctionsResponses
from sluice.stepfunctions.http.server import StepFunctionsServer

__all__ = ["ApiResponse", "StepFunctionsResponses", "StepFunctionsServer"]
