"""Retry-After in both forms: delta-seconds and HTTP-date."""

from datetime import UTC, datetime

from sluice_shared.providers.retry_after import parse_retry_after

NOW = datetime(2025, 3, 14, 9, 0, 0, tzinfo=UTC)


def test_delta_seconds():
    """GIVEN `120` WHEN parsed THEN 120 seconds."""
    assert parse_retry_after("120", NOW) == 120


def test_http_date_in_the_future():
    """GIVEN a date 90 s ahead WHEN parsed THEN 90 seconds."""
    assert parse_retry_after("Fri, 14 Mar 2025 09:01:30 GMT", NOW) == 90


def test_http_date_in_the_past_means_now():
    """GIVEN a date already passed WHEN parsed THEN 0, never negative."""
    assert parse_retry_after("Fri, 14 Mar 2025 08:00:00 GMT", NOW) == 0


def test_absent_header():
    """GIVEN no header WHEN parsed THEN None."""
    assert parse_retry_after(None, NOW) is None


def test_unreadable_header():
    """GIVEN neither a number nor a date WHEN parsed THEN None."""
    assert parse_retry_after("soon", NOW) is None


def test_negative_number_is_unreadable():
    """GIVEN `-5` (not delta-seconds) WHEN parsed THEN None."""
    assert parse_retry_after("-5", NOW) is None
