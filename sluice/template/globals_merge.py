"""Apply a SAM template's `Globals` section to its serverless resources, as SAM merges them.

Rules (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html):
scalars and intrinsic functions set on the resource win; maps are merged key by key,
recursively; lists are concatenated, the global entries first (so global `Layers` come before
the function's own), except `Function.Architectures`, which the resource's value replaces.
"""

from __future__ import annotations

import copy
from typing import Any

from sluice.template.errors import UnsupportedTemplateFeature

_SECTIONS = ("Function", "Api", "HttpApi", "SimpleTable", "StateMachine", "LayerVersion")
_REPLACED = {("Function", "Architectures")}


def apply_globals(template: dict[str, Any]) -> dict[str, Any]:
    """Return the template's resources with `Globals` merged into each matching resource."""
    sections = template.get("Globals") or {}
    for section in sections:
        if section not in _SECTIONS:
            raise UnsupportedTemplateFeature(
                f"Globals section '{section}' is not a SAM Globals section "
                f"(supported: {', '.join(_SECTIONS)})"
            )
    merged: dict[str, Any] = {}
    for logical_id, resource in template["Resources"].items():
        resource = copy.deepcopy(resource)
        kind = str(resource.get("Type", ""))
        section = kind.removeprefix("AWS::Serverless::")
        if kind.startswith("AWS::Serverless::") and section in sections:
            resource["Properties"] = _merge_section(
                section, sections[section] or {}, resource.get("Properties") or {}
            )
        merged[logical_id] = resource
    return merged


def _merge_section(section: str, global_properties: dict, local_properties: dict) -> dict:
    """Merge one resource's properties over its section's global properties."""
    result = copy.deepcopy(global_properties)
    for key, local in local_properties.items():
        if key in result and (section, key) not in _REPLACED:
            result[key] = _merge_values(result[key], local)
        else:
            result[key] = local
    return result


def _merge_values(global_value: Any, local_value: Any) -> Any:
    """Merge one property: maps recursively, lists global-first, anything else local-wins."""
    if _is_map(global_value) and _is_map(local_value):
        result = dict(global_value)
        for key, local in local_value.items():
            result[key] = _merge_values(result[key], local) if key in result else local
        return result
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def _is_map(value: Any) -> bool:
    """Whether `value` is a plain map (an intrinsic function counts as a scalar, as in SAM)."""
    if not isinstance(value, dict):
        return False
    return not (len(value) == 1 and _is_intrinsic_name(next(iter(value))))


def _is_intrinsic_name(key: str) -> bool:
    """Whether a map key names an intrinsic function."""
    return key == "Ref" or key.startswith("Fn::")
