"""What a local cloud is made of: template, parameters, time scale, state directory, providers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sluice.simulators import SimulatorsSettings

DEFAULT_STATE_DIR = Path(".sluice")
DEFAULT_CONFIG_ENV = "dev"


@dataclass(frozen=True)
class CloudSettings:
    """How to bring the local cloud up.

    - `template`: the SAM template; `config_env` the samconfig environment whose parameter
      overrides apply (None: template defaults only); `parameter_overrides` win over both.
    - `time_scale`: 1 is real time; 20 makes a 60 s Wait, retry interval, visibility timeout or
      simulated provider latency take 3 s.
    - `state_dir`: where executions (SQLite) and function logs live; None keeps the engine's
      store in memory and logs nowhere (tests).
    - `simulators`: the provider simulators' behaviour (latency, faults, caps).
    - `alarms`: evaluate the template's CloudWatch alarms and publish their state changes to
      SNS, as CloudWatch does (`sluice up` turns it on). Off by default, so tests that count
      Slack messages hear only what they provoke; alarm tests turn it on.
    """

    template: Path = Path("template.yaml")
    config_env: str | None = DEFAULT_CONFIG_ENV
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    time_scale: float = 1.0
    state_dir: Path | None = DEFAULT_STATE_DIR
    simulators: SimulatorsSettings = field(default_factory=SimulatorsSettings)
    account_concurrency: int = 1000
    seed: int = 0
    alarms: bool = False
