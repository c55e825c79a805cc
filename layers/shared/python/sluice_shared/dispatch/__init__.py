"""The dispatcher: performs async provider requests from SQS within the provider's budget."""

from sluice_shared.dispatch.dispatcher import BatchResult, Dispatcher
from sluice_shared.dispatch.envelope import RequestEnvelope, parse_envelope
from sluice_shared.dispatch.errors import AccountUnknown, OperationUnknown, RequestInvalid
from sluice_shared.dispatch.registry import OperationRegistry, default_registry

__all__ = [
    "AccountUnknown",
    "BatchResult",
    "Dispatcher",
    "OperationRegistry",
    "OperationUnknown",
    "RequestEnvelope",
    "RequestInvalid",
    "default_registry",
    "parse_envelope",
]
