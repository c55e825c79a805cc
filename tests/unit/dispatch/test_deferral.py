"""How long a throttled message is hidden, and how its queue is found."""

import pytest

from sluice_shared.dispatch.deferral import (
    MAX_VISIBILITY_SECONDS,
    deferral_seconds,
    queue_name_and_account,
    retry_seconds,
)


@pytest.mark.parametrize(
    ("retry_after", "receive_count", "expected"),
    [
        (90, 1, 90),
        (5, 1, 30),
        (None, 1, 30),
        (None, 2, 60),
        (None, 4, 240),
        (100, 4, 240),
        (1000, 4, 1000),
    ],
)
def test_deferral_is_the_retry_after_but_never_under_the_receive_count_floor(
    retry_after, receive_count, expected
):
    assert deferral_seconds(retry_after, receive_count) == expected


def test_deferral_stays_within_sqs_twelve_hour_visibility_limit():
    assert deferral_seconds(10 * 24 * 3600, 1) == MAX_VISIBILITY_SECONDS
    assert deferral_seconds(None, 50) == MAX_VISIBILITY_SECONDS
    assert MAX_VISIBILITY_SECONDS < 12 * 3600


@pytest.mark.parametrize(
    ("answered", "receive_count", "expected"),
    [(True, 1, 5), (True, 2, 60), (True, 3, 120), (False, 1, 30), (False, 2, 60)],
)
def test_an_answered_failure_is_retried_sooner_only_at_its_first_receive(
    answered, receive_count, expected
):
    assert retry_seconds(answered, receive_count) == expected


def test_queue_name_and_account_come_from_the_event_source_arn():
    arn = "arn:aws:sqs:us-east-1:123456789012:sluice-dev-erp-requests"
    assert queue_name_and_account(arn) == ("sluice-dev-erp-requests", "123456789012")


def test_a_non_sqs_arn_is_refused():
    with pytest.raises(ValueError, match="not an SQS queue ARN"):
        queue_name_and_account("arn:aws:sns:us-east-1:123456789012:topic")
