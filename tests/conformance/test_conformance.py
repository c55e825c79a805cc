"""Runs every conformance case on moto's parser and on sluice's engine, against AWS's docs.

Each engine is compared with the case's `expected` (what AWS documents). Where that is exact,
both engines passing means they also agree with each other; where AWS leaves a value open
(ids, random numbers) a matcher accepts any valid value on either engine.
"""

from __future__ import annotations

import pytest

from .case import Case
from .cases import CASES
from .moto_runner import moto_engine
from .runner import run_case

_CASE_IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=_CASE_IDS)
def test_on_moto(case: Case) -> None:
    """GIVEN a case WHEN moto's parser runs it THEN it gives the documented result, or the
    recorded divergence (so a moto release that fixes it is noticed)."""
    if case.moto_unsupported is not None:
        pytest.skip(f"moto lacks this feature: {case.moto_unsupported}")
    expected = case.divergence.moto if case.divergence is not None else case.expected
    outcome, _ = run_case(case, moto_engine)
    assert outcome.observed(expected) == expected.checked()


@pytest.mark.parametrize("case", CASES, ids=_CASE_IDS)
def test_on_sluice(case: Case) -> None:
    """GIVEN a case WHEN sluice's engine runs it THEN it gives the documented result."""
    pytest.importorskip("sluice.stepfunctions.service")
    from .sluice_runner import sluice_engine

    outcome, first = run_case(case, sluice_engine)
    if case.redrive is not None:
        assert first is not None
        assert first.observed(case.redrive) == case.redrive.checked()
    assert outcome.observed(case.expected) == case.expected.checked()
