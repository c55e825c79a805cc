"""Read a SAM template file into plain Python data, short-form intrinsics (`!Ref`) included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.decode import decode

from sluice.template.errors import TemplateError


def read_template(path: Path) -> dict[str, Any]:
    """Parse the YAML or JSON template at `path` with cfn-lint's decoder."""
    if not path.is_file():
        raise TemplateError(f"Template file {path} does not exist")
    template, problems = decode(str(path))
    return _checked(template, problems, str(path))


def _checked(template: Any, problems: list[Any], origin: str) -> dict[str, Any]:
    """Return the decoded template as plain data, or raise with cfn-lint's parse errors."""
    if problems or not isinstance(template, dict):
        details = "; ".join(str(problem) for problem in problems) or "not a mapping"
        raise TemplateError(f"Cannot parse template {origin}: {details}")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError(f"Template {origin} has no Resources section")
    return _plain(template)


def _plain(value: Any) -> Any:
    """Copy cfn-lint's position-carrying nodes into built-in dicts, lists and strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value
