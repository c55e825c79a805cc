"""Report arithmetic: percentiles of end-to-end latency, webhook redelivery rules."""

import pytest

from sluice.cloud.report import Report
from sluice.cloud.traffic import _should_redeliver


def test_percentiles_of_latency():
    report = Report(latency_seconds=[float(n) for n in range(1, 101)])
    assert report.percentile(0.5) == pytest.approx(50.5)
    assert report.percentile(0.99) == pytest.approx(99.01)


def test_no_latency_means_no_percentile():
    assert Report().percentile(0.5) is None


@pytest.mark.parametrize(
    ("status", "redeliver"),
    [
        (0, True),
        (429, True),
        (500, True),
        (503, True),
        (200, False),
        (202, False),
        (400, False),
        (401, False),
        (413, False),
    ],
)
def test_storefronts_redeliver_only_unanswered_throttled_or_failed_webhooks(status, redeliver):
    assert _should_redeliver(status) is redeliver
