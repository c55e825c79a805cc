"""All five provider simulators started together from one settings object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType

from sluice.clock import Clock, RealClock
from sluice.simulators.base import Simulator
from sluice.simulators.erp import ErpSimulator
from sluice.simulators.latency import LognormalLatency, MixtureLatency
from sluice.simulators.payments import DEFAULT_DECLINES, PaymentGatewaySimulator
from sluice.simulators.settings import SimulatorSettings
from sluice.simulators.slack import SlackSimulator
from sluice.simulators.storefront import DEFAULT_WEBHOOK_SECRET, StorefrontSimulator
from sluice.simulators.warehouse import WarehouseSimulator

# What the providers in DESIGN.md look like: ERP requests take a couple of seconds and now
# and then minutes; the others answer in well under a second.
REALISTIC_ERP_LATENCY = MixtureLatency(
    (
        (0.97, LognormalLatency(p50=1.5, p99=8.0)),
        (0.03, LognormalLatency(p50=30.0, p99=150.0, ceiling=300.0)),
    )
)
REALISTIC_FAST_LATENCY = LognormalLatency(p50=0.15, p99=1.2)


@dataclass(frozen=True)
class SimulatorsSettings:
    """Settings of every simulator, the storefront's webhook secret and the payment declines."""

    erp: SimulatorSettings = field(default_factory=ErpSimulator.default_settings)
    warehouse: SimulatorSettings = field(default_factory=WarehouseSimulator.default_settings)
    storefront: SimulatorSettings = field(default_factory=StorefrontSimulator.default_settings)
    payments: SimulatorSettings = field(default_factory=PaymentGatewaySimulator.default_settings)
    slack: SimulatorSettings = field(default_factory=SlackSimulator.default_settings)
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET
    declines: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DECLINES))

    @classmethod
    def realistic(cls, seed: int = 0) -> SimulatorsSettings:
        """Provider-like latencies (no faults), each simulator seeded from `seed`."""
        defaults = cls()
        return replace(
            defaults,
            erp=replace(defaults.erp, latency=REALISTIC_ERP_LATENCY, seed=seed),
            warehouse=replace(defaults.warehouse, latency=REALISTIC_FAST_LATENCY, seed=seed + 1),
            storefront=replace(defaults.storefront, latency=REALISTIC_FAST_LATENCY, seed=seed + 2),
            payments=replace(defaults.payments, latency=REALISTIC_FAST_LATENCY, seed=seed + 3),
            slack=replace(defaults.slack, latency=REALISTIC_FAST_LATENCY, seed=seed + 4),
        )


class Simulators:
    """The storefront, ERP, warehouse, payment gateway and Slack sink, on one clock."""

    def __init__(
        self, settings: SimulatorsSettings | None = None, *, clock: Clock | None = None
    ) -> None:
        chosen = settings or SimulatorsSettings()
        shared_clock = clock or RealClock()
        self.settings = chosen
        self.erp = ErpSimulator(chosen.erp, clock=shared_clock)
        self.warehouse = WarehouseSimulator(chosen.warehouse, clock=shared_clock)
        self.storefront = StorefrontSimulator(
            chosen.storefront, clock=shared_clock, webhook_secret=chosen.webhook_secret
        )
        self.payments = PaymentGatewaySimulator(
            chosen.payments, clock=shared_clock, declines=chosen.declines
        )
        self.slack = SlackSimulator(chosen.slack, clock=shared_clock)

    @property
    def all(self) -> dict[str, Simulator]:
        """Each simulator by provider name (`erp`, `warehouse`, `storefront`, ...)."""
        simulators: list[Simulator] = [
            self.erp,
            self.warehouse,
            self.storefront,
            self.payments,
            self.slack,
        ]
        return {simulator.name: simulator for simulator in simulators}

    @property
    def urls(self) -> dict[str, str]:
        """Each simulator's base URL by provider name."""
        return {name: simulator.url for name, simulator in self.all.items()}

    @property
    def api_keys(self) -> dict[str, str]:
        """The API key each authenticated simulator expects, by provider name."""
        return {
            name: simulator.settings.api_key
            for name, simulator in self.all.items()
            if simulator.settings.api_key is not None
        }

    @property
    def slack_webhook_url(self) -> str:
        """The incoming-webhook URL to give the notifier."""
        return self.slack.webhook_url

    def start(self) -> dict[str, str]:
        """Start every simulator; return their URLs."""
        started: list[Simulator] = []
        try:
            for simulator in self.all.values():
                simulator.start()
                started.append(simulator)
        except BaseException:
            for simulator in started:
                simulator.stop()
            raise
        return self.urls

    def stop(self) -> None:
        """Stop every simulator."""
        for simulator in self.all.values():
            simulator.stop()

    def reset(self) -> None:
        """Reset every simulator to its state at construction."""
        for simulator in self.all.values():
            simulator.reset()

    def __enter__(self) -> Simulators:
        """Start every simulator."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop every simulator."""
        self.stop()
