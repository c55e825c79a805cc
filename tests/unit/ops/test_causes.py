"""Causes in plain words: Lambda's errorMessage, never the stack trace."""

import json

from sluice_shared.notifications.causes import MAX_CAUSE_CHARS, NO_CAUSE, readable_cause

LAMBDA_CAUSE = json.dumps(
    {
        "errorMessage": "erp refused the sales order: unknown SKU 'TSHIRT-XL'",
        "errorType": "ProviderRejected",
        "requestId": "b1",
        "stackTrace": ['  File "/var/task/app.py", line 12, in handler\n    raise Rejected'],
    }
)


def test_lambda_json_cause_gives_its_error_message():
    assert readable_cause(LAMBDA_CAUSE) == "erp refused the sales order: unknown SKU 'TSHIRT-XL'"


def test_the_stack_trace_never_appears():
    assert "app.py" not in readable_cause(LAMBDA_CAUSE)


def test_a_cause_without_a_message_drops_the_stack_trace_and_keeps_the_rest():
    cause = json.dumps({"errorType": "KeyError", "stackTrace": ["line 1"]})
    assert readable_cause(cause) == '{"errorType": "KeyError"}'


def test_a_python_traceback_in_text_keeps_only_its_last_line():
    text = "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'sku'"
    assert readable_cause(text) == "KeyError: 'sku'"


def test_plain_text_is_kept_and_long_text_shortened():
    assert readable_cause("erp answered 503") == "erp answered 503"
    assert len(readable_cause("x" * 2000)) == MAX_CAUSE_CHARS


def test_no_cause_says_so():
    assert readable_cause(None) == NO_CAUSE
    assert readable_cause("  ") == NO_CAUSE
