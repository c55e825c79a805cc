"""Which messages failed, by the rules of Lambda's partial batch responses."""

import pytest

from sluice.event_sources.batch_response import failed_message_ids

IDS = ["m1", "m2", "m3"]
ALL = set(IDS)


@pytest.mark.parametrize(
    ("payload", "failed"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": None}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "m2"}]}, {"m2"}),
        ({"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}, {"m1", "m3"}),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, ALL),
        ({"batchItemFailures": [{"itemIdentifier": None}]}, ALL),
        ({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, ALL),
        ({"batchItemFailures": [{"messageId": "m1"}]}, ALL),
        ({"batchItemFailures": ["m1"]}, ALL),
        ({"batchItemFailures": {"itemIdentifier": "m1"}}, ALL),
        ("not an object", ALL),
        ([{"itemIdentifier": "m1"}], ALL),
    ],
)
def test_given_report_batch_item_failures_then_the_response_decides_what_failed(payload, failed):
    assert failed_message_ids(payload, None, IDS, reports_items=True) == failed


def test_given_a_function_error_then_every_message_failed_whatever_the_payload():
    payload = {"batchItemFailures": [{"itemIdentifier": "m1"}]}

    assert failed_message_ids(payload, "Unhandled", IDS, reports_items=True) == ALL


def test_given_no_report_batch_item_failures_then_a_success_succeeds_every_message():
    payload = {"batchItemFailures": [{"itemIdentifier": "m1"}]}

    assert failed_message_ids(payload, None, IDS, reports_items=False) == set()


def test_given_no_report_batch_item_failures_then_a_function_error_fails_every_message():
    assert failed_message_ids(None, "Unhandled", IDS, reports_items=False) == ALL
