"""Runs are named by the snapshot's content: bucket, key and ETag."""

import re

from sluice_shared.inventory.naming import run_key

VALID_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def test_given_the_same_file_twice_when_named_then_both_get_the_same_run_key():
    assert run_key("b", "incoming/a.csv", "abc") == run_key("b", "incoming/a.csv", "abc")


def test_given_a_listing_etag_in_quotes_when_named_then_it_matches_the_notification_etag():
    assert run_key("b", "incoming/a.csv", '"abc"') == run_key("b", "incoming/a.csv", "abc")


def test_given_new_content_under_the_same_key_when_named_then_the_run_key_differs():
    assert run_key("b", "incoming/a.csv", "abc") != run_key("b", "incoming/a.csv", "abd")


def test_given_any_key_when_named_then_the_run_key_is_a_valid_execution_name():
    name = run_key("bucket", "incoming/stock: 2026/11/23 #1.csv", "9f-2")
    assert VALID_NAME.match(name)
    assert name.startswith("inventory-")
