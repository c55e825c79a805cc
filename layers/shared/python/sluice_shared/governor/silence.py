"""The dead man's switch: integrations that have had no success for too long.

Silence is measured from the last success the governor recorded, or, for an integration
that never succeeded, from the first time the check looked at it (so a new deployment is not
reported at once). No traffic counts as silence too: a lost webhook subscription or a stuck
queue looks exactly like that, which is what the switch is for.
"""

from dataclasses import dataclass

from sluice_shared.governor.store import GovernorTable


@dataclass(frozen=True)
class Silence:
    """An integration with no success for `silent_seconds`."""

    integration: str
    silent_seconds: float
    last_success_at: float | None

    def to_json(self) -> dict[str, object]:
        """The silence as a JSON object (logs, the check's answer)."""
        return {
            "integration": self.integration,
            "silentSeconds": round(self.silent_seconds),
            "lastSuccessAt": self.last_success_at,
        }


def find_silent_integrations(
    table: GovernorTable, integrations: list[str], threshold_seconds: float, now: float
) -> list[Silence]:
    """The watched `integrations` whose last success is `threshold_seconds` or more ago."""
    silent = []
    for integration in integrations:
        state = table.watch(integration, now)
        since = state.last_success_at or state.watching_since or now
        if now - since >= threshold_seconds:
            silent.append(Silence(integration, now - since, state.last_success_at))
    return silent
