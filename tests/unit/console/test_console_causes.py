"""Causes shown readable: a Lambda error's message first, its stack trace kept apart."""

import json

from sluice.console.causes import readable_cause


def test_given_a_lambda_error_cause_then_the_message_and_trace_are_split():
    cause = json.dumps(
        {
            "errorMessage": "erp: service unavailable (HTTP 503)",
            "errorType": "ProviderUnavailable",
            "stackTrace": ['  File "client.py", line 163\n', '  File "erp.py", line 87\n'],
        }
    )

    readable = readable_cause(cause)

    assert readable.message == "erp: service unavailable (HTTP 503)"
    assert readable.trace == ('  File "client.py", line 163', '  File "erp.py", line 87')
    assert readable.raw == cause


def test_given_a_plain_text_cause_then_it_is_the_message():
    readable = readable_cause("The Lambda function ran past its timeout. ")

    assert (readable.message, readable.trace) == ("The Lambda function ran past its timeout.", ())


def test_given_json_that_is_not_a_lambda_error_then_the_text_is_kept_whole():
    assert readable_cause('{"reason": "x"}').message == '{"reason": "x"}'


def test_given_no_cause_then_the_message_is_empty():
    assert readable_cause(None).message == ""
