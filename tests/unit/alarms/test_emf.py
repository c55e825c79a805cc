"""Custom metrics come from the EMF documents functions print, as CloudWatch Logs extracts them."""

import io
import json
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)

from sluice.alarms import EmfMetrics, MetricKey, MetricStore, parse_emf
from sluice.clock import VirtualClock
from sluice.cloud.function_logs import FunctionLogRouter

START = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
SILENT = MetricKey.of("Sluice", "SilentIntegrations", {"service": "sluice", "environment": "dev"})


@pytest.fixture
def powertools_line(capsys) -> str:
    """GIVEN the line Powertools prints for SilentIntegrations = 2 (as the silence check does).

    A provider of its own: `Metrics` instances share their metrics and dimensions.
    """
    provider = AmazonCloudWatchEMFProvider(
        metric_set={},
        dimension_set={},
        namespace="Sluice",
        service="sluice",
        default_dimensions={"environment": "dev"},
    )
    provider.add_metric(name="SilentIntegrations", unit=MetricUnit.Count, value=2)
    provider.flush_metrics()
    [line] = capsys.readouterr().out.splitlines()
    return line


def test_a_powertools_metric_line_is_one_sample_of_its_metric(powertools_line):
    [sample] = parse_emf(powertools_line)

    assert (sample.key, sample.value, sample.unit) == (SILENT, 2.0, "Count")


def test_every_value_of_an_array_and_every_dimension_set_is_a_sample():
    document = {
        "_aws": {
            "Timestamp": 1,
            "CloudWatchMetrics": [
                {
                    "Namespace": "Sluice",
                    "Dimensions": [["service"], ["service", "environment"]],
                    "Metrics": [{"Name": "UnbilledShipments", "Unit": "Count"}],
                }
            ],
        },
        "service": "sluice",
        "environment": "dev",
        "UnbilledShipments": [1, 1, 3],
    }

    samples = parse_emf(json.dumps(document))

    by_key = {}
    for sample in samples:
        by_key.setdefault(sample.key, []).append(sample.value)
    assert by_key == {
        MetricKey.of("Sluice", "UnbilledShipments", {"service": "sluice"}): [1.0, 1.0, 3.0],
        MetricKey.of("Sluice", "UnbilledShipments", {"service": "sluice", "environment": "dev"}): [
            1.0,
            1.0,
            3.0,
        ],
    }


@pytest.mark.parametrize(
    "line",
    [
        '{"level":"INFO","message":"order accepted"}',
        'plain text mentioning "_aws"',
        '{"_aws": {"CloudWatchMetrics": "not a list"}}',
        '{"_aws": {"CloudWatchMetrics": [{"Namespace": "Sluice", "Dimensions": [["service"]], '
        '"Metrics": [{"Name": "X"}]}]}, "X": 1}',
    ],
)
def test_lines_that_are_not_valid_emf_carry_no_sample(line):
    assert parse_emf(line) == []


def test_a_function_line_is_recorded_at_the_local_clouds_time(powertools_line, monkeypatch):
    clock = VirtualClock(START)
    store = MetricStore()
    terminal = io.StringIO()
    router = FunctionLogRouter(None, terminal=terminal)
    router.add_listener(EmfMetrics(store, clock))
    clock.advance(90)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "sluice-dev-CheckIntegrationSilence")

    # print() writes the text, then the newline.
    router.write(powertools_line)
    assert store.keys() == []
    router.write("\n")

    at = START.timestamp() + 90
    assert store.values(SILENT, at - 1, at) == [2.0]
    assert terminal.getvalue() == powertools_line + "\n"


def test_output_outside_an_invocation_is_not_read_for_metrics(powertools_line, monkeypatch):
    store = MetricStore()
    router = FunctionLogRouter(None, terminal=io.StringIO())
    router.add_listener(EmfMetrics(store, VirtualClock(START)))
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)

    router.write(powertools_line + "\n")

    assert store.keys() == []
