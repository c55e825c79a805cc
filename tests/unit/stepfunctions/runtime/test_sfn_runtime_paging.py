"""Paged listings: opaque nextToken values that only continue the listing they came from."""

from __future__ import annotations

import pytest

from sluice.stepfunctions.errors import InvalidToken, ValidationException

CHAIN = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    },
}


def _history(harness, execution: str, **request: object) -> dict:
    return harness.service.get_execution_history({"executionArn": execution, **request})


def test_paging_through_a_history_returns_every_event_once_in_order(harness):
    """GIVEN a finished execution WHEN its history is read two events a page THEN the pages
    join up to the whole history and the tokens are not plain offsets."""
    execution = harness.wait(harness.start(harness.create(CHAIN)))["executionArn"]
    whole = [event["id"] for event in harness.history(execution)]

    seen, tokens, request = [], [], {"maxResults": 2}
    while True:
        page = _history(harness, execution, **request)
        seen += [event["id"] for event in page["events"]]
        if "nextToken" not in page:
            break
        tokens.append(page["nextToken"])
        request = {"maxResults": 2, "nextToken": page["nextToken"]}

    assert seen == whole
    assert tokens and not any(token.isdigit() for token in tokens)


def test_a_tampered_token_is_refused(harness):
    """GIVEN a token with one character changed WHEN used THEN InvalidToken."""
    execution = harness.wait(harness.start(harness.create(CHAIN)))["executionArn"]
    token = _history(harness, execution, maxResults=1)["nextToken"]
    tampered = ("B" if token[0] != "B" else "C") + token[1:]

    with pytest.raises(InvalidToken):
        _history(harness, execution, maxResults=1, nextToken=tampered)


@pytest.mark.parametrize("token", ["2", "", "not.a-token", "a.b.c", 7])
def test_a_token_never_issued_is_refused(harness, token):
    """GIVEN a made-up token WHEN used THEN InvalidToken."""
    execution = harness.wait(harness.start(harness.create(CHAIN)))["executionArn"]

    with pytest.raises(InvalidToken):
        _history(harness, execution, nextToken=token)


def test_a_token_of_another_listing_is_refused(harness):
    """GIVEN a token from one execution's history WHEN used for another's THEN InvalidToken."""
    machine = harness.create(CHAIN)
    first = harness.wait(harness.start(machine, name="first"))["executionArn"]
    second = harness.wait(harness.start(machine, name="second"))["executionArn"]
    token = _history(harness, first, maxResults=1)["nextToken"]

    with pytest.raises(InvalidToken):
        _history(harness, second, maxResults=1, nextToken=token)


def test_a_page_size_over_1000_is_refused(harness):
    """GIVEN maxResults 1001 WHEN listing THEN ValidationException."""
    with pytest.raises(ValidationException):
        harness.service.list_state_machines({"maxResults": 1001})
