"""Provider simulators for the local cloud: real HTTP servers on loopback with recorded requests.

Each simulator (ERP, warehouse, storefront, payment gateway, Slack sink) shares one pipeline
(`Simulator`): bearer auth, a concurrency cap, a rate limit, sampled latency, injected faults,
Idempotency-Key replay and a journal of every request. `Simulators` runs all five together.
"""

from sluice.simulators.base import Simulator
from sluice.simulators.bundle import Simulators, SimulatorsSettings
from sluice.simulators.erp import ErpSimulator
from sluice.simulators.faults import NO_FAULTS, Fault, Faults
from sluice.simulators.journal import Outcome, RecordedRequest
from sluice.simulators.latency import (
    NO_LATENCY,
    FixedLatency,
    LatencyModel,
    LognormalLatency,
    MixtureLatency,
)
from sluice.simulators.messages import Request, Response
from sluice.simulators.orders import OrderFactory, OrderProblem
from sluice.simulators.payments import PaymentGatewaySimulator
from sluice.simulators.settings import RateLimit, SimulatorSettings
from sluice.simulators.slack import SlackSimulator
from sluice.simulators.storefront import StorefrontSimulator
from sluice.simulators.warehouse import UnknownFulfilment, WarehouseSimulator
from sluice.simulators.webhooks import (
    SIGNATURE_HEADER,
    OrderWebhooks,
    SignedWebhook,
    WebhookKind,
    deliver,
    sign,
)

__all__ = [
    "NO_FAULTS",
    "NO_LATENCY",
    "SIGNATURE_HEADER",
    "ErpSimulator",
    "Fault",
    "Faults",
    "FixedLatency",
    "LatencyModel",
    "LognormalLatency",
    "MixtureLatency",
    "OrderFactory",
    "OrderProblem",
    "OrderWebhooks",
    "Outcome",
    "PaymentGatewaySimulator",
    "RateLimit",
    "RecordedRequest",
    "Request",
    "Response",
    "SignedWebhook",
    "Simulator",
    "SimulatorSettings",
    "Simulators",
    "SimulatorsSettings",
    "SlackSimulator",
    "StorefrontSimulator",
    "UnknownFulfilment",
    "WarehouseSimulator",
    "WebhookKind",
    "deliver",
    "sign",
]
