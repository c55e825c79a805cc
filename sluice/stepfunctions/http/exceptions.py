"""Errors of the AWS JSON 1.0 protocol itself, raised before or around a service operation."""

from __future__ import annotations

from sluice.stepfunctions.errors import ServiceError


class UnknownOperationException(ServiceError):
    """The `X-Amz-Target` header names no Step Functions operation this engine serves."""

    code = "UnknownOperationException"


class SerializationException(ServiceError):
    """The request body is not a JSON object."""

    code = "SerializationException"


class InternalFailure(ServiceError):
    """The engine failed unexpectedly while handling the request."""

    code = "InternalFailure"
    status = 500
