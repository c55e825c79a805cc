"""Read one environment of a SAM CLI `samconfig.toml`: stack name, region, parameter overrides."""

from __future__ import annotations

import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sluice.template.errors import TemplateError

# SAM CLI reads a command's own table first, then the environment's `global` table.
# https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-config.html
_COMMAND_TABLES = ("deploy", "global")


@dataclass(frozen=True)
class SamConfigEnvironment:
    """The settings one samconfig environment gives the local cloud."""

    name: str
    stack_name: str | None = None
    region: str | None = None
    parameter_overrides: dict[str, str] = field(default_factory=dict)


def read_environment(path: Path, environment: str) -> SamConfigEnvironment:
    """Return `environment`'s settings from the samconfig file at `path`."""
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(f"Cannot read samconfig {path}: {error}") from error
    tables = config.get(environment)
    if not isinstance(tables, dict):
        known = ", ".join(sorted(key for key, value in config.items() if isinstance(value, dict)))
        raise TemplateError(
            f"samconfig {path} has no environment '{environment}' (it has: {known})"
        )
    return SamConfigEnvironment(
        name=environment,
        stack_name=_setting(tables, "stack_name"),
        region=_setting(tables, "region"),
        parameter_overrides=parse_parameter_overrides(
            _setting(tables, "parameter_overrides") or [], f"samconfig {path} [{environment}]"
        ),
    )


def parse_parameter_overrides(overrides: str | list[str], origin: str) -> dict[str, str]:
    """Parse SAM CLI parameter overrides: `Key=Value` items, as a list or one spaced string.

    The CloudFormation form `ParameterKey=Key,ParameterValue=Value` is accepted too.
    """
    items = shlex.split(overrides) if isinstance(overrides, str) else list(overrides)
    parsed: dict[str, str] = {}
    for item in items:
        key, value = _split_override(str(item), origin)
        parsed[key] = value
    return parsed


def _split_override(item: str, origin: str) -> tuple[str, str]:
    """Split one override item into its parameter name and value."""
    if item.startswith("ParameterKey="):
        key_part, separator, value_part = item.partition(",ParameterValue=")
        if separator:
            return key_part.removeprefix("ParameterKey="), value_part
    key, separator, value = item.partition("=")
    if not separator or not key:
        raise TemplateError(f"Parameter override '{item}' in {origin} is not Key=Value")
    return key, value


def _setting(tables: dict[str, Any], name: str) -> Any:
    """Return a setting from the first command table that has it."""
    for command in _COMMAND_TABLES:
        parameters = tables.get(command, {}).get("parameters", {})
        if name in parameters:
            return parameters[name]
    return None
