"""CloudWatch's simple statistics over one period's samples.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
"""

from __future__ import annotations

from collections.abc import Sequence

from sluice.alarms.definitions import Statistic


def aggregate(statistic: Statistic, values: Sequence[float]) -> float | None:
    """The statistic of `values`; None for a period with no samples (a missing datapoint)."""
    if not values:
        return None
    if statistic is Statistic.SAMPLE_COUNT:
        return float(len(values))
    if statistic is Statistic.SUM:
        return float(sum(values))
    if statistic is Statistic.AVERAGE:
        return float(sum(values)) / len(values)
    if statistic is Statistic.MINIMUM:
        return float(min(values))
    return float(max(values))
