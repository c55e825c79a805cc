"""A small IAM policy evaluator for identity policies: Allow/Deny, wildcards, NotAction absent.

Enough to check a managed policy statically: a request is allowed when some Allow statement
matches its action and resource and no Deny does. Actions match case-insensitively, resources
case-sensitively; `*` matches any run of characters (`:` and `/` included), `?` one.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


def wildcard_matches(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """Whether `value` matches an IAM pattern with `*` and `?`."""
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags) is not None


def _listed(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _statement_matches(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    unsupported = {"NotAction", "NotResource", "Condition", "Principal"} & set(statement)
    if unsupported:
        raise ValueError(f"evaluator does not handle {sorted(unsupported)}")
    actions = _listed(statement["Action"])
    resources = _listed(statement["Resource"])
    return any(wildcard_matches(p, action, case_sensitive=False) for p in actions) and any(
        wildcard_matches(p, resource) for p in resources
    )


def is_allowed(document: Mapping[str, Any], action: str, resource: str) -> bool:
    """The decision for one request under one policy document (implicit deny by default)."""
    statements = _listed_statements(document["Statement"])
    matching = [s for s in statements if _statement_matches(s, action, resource)]
    if any(s["Effect"] == "Deny" for s in matching):
        return False
    return any(s["Effect"] == "Allow" for s in matching)


def _listed_statements(value: Any) -> list[Mapping[str, Any]]:
    return [value] if isinstance(value, Mapping) else list(value)
