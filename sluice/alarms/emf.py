"""Custom metrics from the embedded metric format (EMF) documents functions print.

On AWS, CloudWatch Logs extracts metrics from any log line that is an EMF document: a JSON
object whose `_aws.CloudWatchMetrics` lists directives (Namespace, Dimensions as lists of
member names, Metrics by Name and Unit), the members holding dimension values and metric
values (a number, or an array of numbers, each one sample). Powertools' `Metrics` prints one
such line per flush. `EmfMetrics` reads function output lines (from the function log router)
and records each metric once per dimension set.

Samples are stamped with the local cloud's time when the line is written: Powertools stamps
`_aws.Timestamp` with the wall clock, which a time scale leaves behind.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sluice.alarms.metric_store import MetricKey, MetricStore
from sluice.clock import Clock

logger = logging.getLogger(__name__)

_MARKER = '"_aws"'


@dataclass(frozen=True)
class EmfSample:
    """One value of one metric an EMF document carries."""

    key: MetricKey
    value: float
    unit: str | None


def parse_emf(line: str) -> list[EmfSample]:
    """The samples an output line carries: none for a line that is not an EMF document."""
    if _MARKER not in line:
        return []
    try:
        document = json.loads(line)
    except ValueError:
        return []
    if not isinstance(document, dict):
        return []
    metadata = document.get("_aws")
    directives = metadata.get("CloudWatchMetrics") if isinstance(metadata, dict) else None
    if not isinstance(directives, list):
        return []
    samples: list[EmfSample] = []
    for directive in directives:
        samples += _directive_samples(document, directive)
    return samples


def _directive_samples(document: dict[str, Any], directive: Any) -> list[EmfSample]:
    if not isinstance(directive, dict) or not isinstance(directive.get("Namespace"), str):
        return []
    dimension_sets = directive.get("Dimensions") or [[]]
    samples = []
    for metric in directive.get("Metrics") or ():
        if not isinstance(metric, dict) or metric.get("Name") not in document:
            continue
        name = str(metric["Name"])
        values = _numbers(document[name])
        unit = metric.get("Unit") if isinstance(metric.get("Unit"), str) else None
        for members in dimension_sets:
            dimensions = _dimensions(document, members)
            if dimensions is None:
                continue
            key = MetricKey.of(directive["Namespace"], name, dimensions)
            samples += [EmfSample(key, value, unit) for value in values]
    return samples


def _numbers(value: Any) -> list[float]:
    items = value if isinstance(value, list) else [value]
    return [
        float(item)
        for item in items
        if isinstance(item, int | float) and not isinstance(item, bool)
    ]


def _dimensions(document: dict[str, Any], members: Any) -> dict[str, str] | None:
    """The dimension set's values; None when a member is missing or not a string (invalid)."""
    if not isinstance(members, list):
        return None
    values = {}
    for member in members:
        value = document.get(member)
        if not isinstance(value, str):
            return None
        values[str(member)] = value
    return values


class EmfMetrics:
    """A function-output listener that records EMF documents' metrics in the store."""

    def __init__(self, store: MetricStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def __call__(self, function_name: str, line: str) -> None:
        """Record the metrics of one line `function_name` printed."""
        samples = parse_emf(line)
        if not samples:
            return
        now = self.clock.now().timestamp()
        for sample in samples:
            self.store.put(sample.key, sample.value, now, sample.unit)
        logger.debug("%s: %d EMF samples", function_name, len(samples))
