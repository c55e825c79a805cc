"""Edited inputs: valid JSON, within 256 KiB, and keeping the business key."""

import json

import pytest

from sluice.console.inputs import InputRejected, pretty, rerun_input

ORIGINAL = json.dumps({"businessKey": "order-shopify-7", "order": {"total": "1.00"}})


def test_given_a_fixed_order_then_the_input_is_kept_as_compact_json():
    edited = '{\n  "businessKey": "order-shopify-7",\n  "order": {"total": "10.00", "note": "ü"}\n}'

    assert rerun_input(edited, ORIGINAL) == (
        '{"businessKey":"order-shopify-7","order":{"total":"10.00","note":"ü"}}'
    )


def test_given_broken_json_then_the_message_says_where():
    with pytest.raises(InputRejected, match=r"not valid JSON: .*line 2, column"):
        rerun_input('{"businessKey": "order-shopify-7",\n  "order": }', ORIGINAL)


def test_given_an_empty_input_then_it_is_refused():
    with pytest.raises(InputRejected, match="empty"):
        rerun_input("  \n", ORIGINAL)


def test_given_a_changed_business_key_then_it_is_refused_naming_the_key():
    edited = json.dumps({"businessKey": "order-shopify-8", "order": {"total": "10.00"}})

    with pytest.raises(InputRejected, match='Keep businessKey "order-shopify-7"'):
        rerun_input(edited, ORIGINAL)


def test_given_an_input_that_is_no_longer_an_object_then_the_key_is_missing_and_refused():
    with pytest.raises(InputRejected, match="Keep businessKey"):
        rerun_input("[1, 2]", ORIGINAL)


def test_given_an_original_without_business_key_then_any_json_is_accepted():
    assert rerun_input('"just text"', '{"file": "a.csv"}') == '"just text"'


def test_given_more_than_256_kib_then_it_is_refused():
    edited = json.dumps({"businessKey": "order-shopify-7", "note": "x" * (256 * 1024)})

    with pytest.raises(InputRejected, match="256 KiB"):
        rerun_input(edited, ORIGINAL)


def test_pretty_indents_json_and_keeps_other_text():
    assert pretty('{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert pretty("not json") == "not json"
    assert pretty(None) == ""
