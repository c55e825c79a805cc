"""Event source mapping settings are checked against Lambda's limits."""

import pytest

from sluice.event_sources import SqsEventSourceConfig

ARN = "arn:aws:sqs:eu-west-1:123456789012:erp-requests"


def test_given_a_queue_arn_then_its_name_account_and_region_are_known():
    config = SqsEventSourceConfig("dispatcher", ARN)

    assert (config.queue_name, config.queue_account, config.region) == (
        "erp-requests",
        "123456789012",
        "eu-west-1",
    )


def test_given_report_batch_item_failures_then_the_config_says_so():
    config = SqsEventSourceConfig(
        "dispatcher", ARN, function_response_types=("ReportBatchItemFailures",)
    )

    assert config.reports_batch_item_failures
    assert not SqsEventSourceConfig("dispatcher", ARN).reports_batch_item_failures


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"batch_size": 11}, "needs MaximumBatchingWindowInSeconds"),
        ({"batch_size": 0}, "BatchSize"),
        ({"batch_size": 10_001, "maximum_batching_window_seconds": 1}, "BatchSize"),
        ({"maximum_batching_window_seconds": 301}, "MaximumBatchingWindowInSeconds"),
        ({"maximum_concurrency": 1}, "MaximumConcurrency"),
        ({"maximum_concurrency": 1001}, "MaximumConcurrency"),
        ({"function_response_types": ("Everything",)}, "FunctionResponseTypes"),
    ],
)
def test_given_a_setting_outside_lambdas_limits_then_the_config_is_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        SqsEventSourceConfig("dispatcher", ARN, **settings)


def test_given_something_that_is_not_a_queue_arn_then_the_config_is_refused():
    with pytest.raises(ValueError, match="not an SQS queue ARN"):
        SqsEventSourceConfig("dispatcher", "https://sqs.us-east-1.amazonaws.com/1/erp")


def test_given_batch_size_above_10_with_a_window_then_the_config_is_accepted():
    config = SqsEventSourceConfig("d", ARN, batch_size=100, maximum_batching_window_seconds=1)

    assert config.batch_size == 100
