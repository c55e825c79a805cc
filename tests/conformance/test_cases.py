"""Checks on the conformance cases themselves: enough of them, named once, each backed by a doc."""

from __future__ import annotations

from collections import Counter

from .cases import CASES

_DOC_PREFIX = "https://docs.aws.amazon.com/step-functions/"


def test_suite_has_at_least_sixty_cases() -> None:
    """GIVEN the conformance suite THEN it holds at least 60 cases."""
    assert len(CASES) >= 60


def test_case_names_are_unique() -> None:
    """GIVEN every case THEN no two share a name (test ids stay distinct)."""
    repeated = [name for name, count in Counter(c.name for c in CASES).items() if count > 1]
    assert repeated == []


def test_every_case_and_divergence_links_aws_documentation() -> None:
    """GIVEN every case THEN its expected result and any moto divergence cite an AWS doc."""
    links = [case.doc for case in CASES] + [
        case.divergence.doc for case in CASES if case.divergence is not None
    ]
    assert [link for link in links if not link.startswith(_DOC_PREFIX)] == []


def test_no_case_is_both_divergent_and_unsupported_on_moto() -> None:
    """GIVEN every case THEN moto either runs it (maybe with a recorded divergence) or skips it."""
    both = [c.name for c in CASES if c.divergence is not None and c.moto_unsupported is not None]
    assert both == []


def test_redrive_cases_run_on_sluice_alone() -> None:
    """GIVEN the redrive cases THEN they are marked unsupported on moto (no RedriveExecution)."""
    assert [c.name for c in CASES if c.redrive is not None and c.moto_unsupported is None] == []
