"""Structural rules the template and the state machines must follow, as reusable checks.

Each check returns a list of human-readable violations (empty when the rule holds), so the
tests can run it on the real files and on deliberately broken ones.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

from sluice_shared.providers.client import REPORT_MARGIN_SECONDS

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def load_template(path: Path = ROOT / "template.yaml") -> dict[str, Any]:
    """Parse the SAM template, short-form intrinsics (`!Ref`, `!Sub`) included."""
    template, matches = decode(str(path))
    if matches:
        raise ValueError(f"cannot parse {path}: {matches}")
    return template


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one CloudFormation/SAM type, by logical id."""
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def iter_states(definition: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict]]:
    """Every state of a definition, nested Parallel branches and Map processors included."""
    for name, state in definition.get("States", {}).items():
        yield prefix + name, state
        for index, branch in enumerate(state.get("Branches", [])):
            yield from iter_states(branch, f"{prefix}{name}.Branches[{index}].")
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from iter_states(processor, f"{prefix}{name}.ItemProcessor.")


def task_violations(definition: dict[str, Any]) -> list[str]:
    """Tasks without Retry, Catch or an explicit TimeoutSeconds (AWS's default is unlimited)."""
    problems = []
    for name, state in iter_states(definition):
        if state.get("Type") != "Task":
            continue
        if not state.get("Retry"):
            problems.append(f"{name}: Task has no Retry")
        if not state.get("Catch"):
            problems.append(f"{name}: Task has no Catch")
        if "TimeoutSeconds" not in state and "TimeoutSecondsPath" not in state:
            problems.append(f"{name}: Task has no TimeoutSeconds")
        for index, retrier in enumerate(state.get("Retry", [])):
            if "MaxDelaySeconds" not in retrier or retrier.get("JitterStrategy") != "FULL":
                problems.append(f"{name}: Retry[{index}] lacks MaxDelaySeconds or FULL jitter")
    return problems


def catch_paths_end_in_fail(definition: dict[str, Any]) -> list[str]:
    """Catch targets that can reach a Succeed state (a recorded failure must end in Fail)."""
    states = definition.get("States", {})
    problems = []
    for name, state in states.items():
        for catcher in state.get("Catch", []):
            seen: set[str] = set()
            pending = [catcher["Next"]]
            while pending:
                current = pending.pop()
                if current in seen:
                    continue
                seen.add(current)
                target = states[current]
                if target["Type"] == "Succeed" or (target.get("End") and target["Type"] != "Fail"):
                    problems.append(f"{name}: Catch path reaches {current}, which succeeds")
                pending.extend(_successors(target))
    return problems


def _successors(state: dict[str, Any]) -> list[str]:
    successors = [state["Next"]] if "Next" in state else []
    successors += [choice["Next"] for choice in state.get("Choices", [])]
    if "Default" in state:
        successors.append(state["Default"])
    successors += [catcher["Next"] for catcher in state.get("Catch", [])]
    return successors


def shared_roles(template: dict[str, Any]) -> list[str]:
    """Functions that do not get their own role (an explicit Role is shared or hand-made)."""
    functions = resources_of_type(template, "AWS::Serverless::Function")
    globals_role = template.get("Globals", {}).get("Function", {}).get("Role")
    problems = [f"Globals: Function Role {globals_role!r} is shared"] if globals_role else []
    roles: dict[str, str] = {}
    for name, resource in functions.items():
        role = resource.get("Properties", {}).get("Role")
        if role is None:
            continue
        key = json.dumps(role, sort_keys=True)
        if key in roles:
            problems.append(f"{name} shares its role with {roles[key]}")
        roles[key] = name
        problems.append(f"{name}: sets Role; give it SAM Policies so it gets its own role")
    return problems


def ungoverned_provider_callers(template: dict[str, Any]) -> list[str]:
    """Functions that call a provider (they read its settings) without the governor's table."""
    functions = resources_of_type(template, "AWS::Serverless::Function")
    problems = []
    for name, resource in functions.items():
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        calls_provider = any(key.endswith("_SETTINGS_PARAMETER") for key in variables)
        if calls_provider and "GOVERNOR_TABLE_NAME" not in variables:
            problems.append(f"{name}: calls a provider without GOVERNOR_TABLE_NAME")
    return problems


def substitution_violations(template: dict[str, Any]) -> list[str]:
    """ASL placeholders without a DefinitionSubstitution, and substitutions nothing uses."""
    problems = []
    machines = resources_of_type(template, "AWS::Serverless::StateMachine")
    for name, resource in machines.items():
        properties = resource["Properties"]
        text = (ROOT / properties["DefinitionUri"]).read_text()
        used = set(PLACEHOLDER.findall(text))
        given = set(properties.get("DefinitionSubstitutions", {}))
        problems += [f"{name}: ${{{missing}}} has no substitution" for missing in used - given]
        problems += [f"{name}: substitution {unused} is never used" for unused in given - used]
    return problems


def budget_violations(
    samconfig: dict[str, Any], template: dict[str, Any], provider: str = "Erp"
) -> list[str]:
    """Environments where dispatcher B x R plus the sync budget exceeds the provider's cap."""
    problems = []
    for env, values in _environments(samconfig, template).items():
        cap = int(values[f"{provider}ConnectionCap"])
        batch = int(values[f"{provider}DispatcherBatchSize"])
        concurrency = int(values[f"{provider}DispatcherConcurrency"])
        sync = int(values[f"{provider}SyncBudget"])
        if batch * concurrency + sync > cap:
            problems.append(
                f"{env}: {batch} x {concurrency} + {sync} = {batch * concurrency + sync} "
                f"exceeds the {provider} cap of {cap}"
            )
    return problems


def dispatcher_timeout_violations(
    samconfig: dict[str, Any], template: dict[str, Any], provider: str = "Erp"
) -> list[str]:
    """Environments where the dispatcher's timeouts do not fit together.

    With the parameters of each environment (and the template's defaults) resolved: the
    request queue's VisibilityTimeout must be at least six times the dispatcher's function
    timeout (AWS's guidance for SQS event sources), and a dispatched call's read timeout
    (`asyncTimeoutSeconds`) plus its connect timeout and the client's report margin must fit
    in the function timeout, so its answer is reported before the invocation ends.
    """
    resources = template["Resources"]
    function = resources[f"{provider}DispatcherFunction"]["Properties"]
    queue = resources[f"{provider}RequestQueue"]["Properties"]
    settings = resources[f"{provider}SettingsParameter"]["Properties"]
    mappings = template.get("Mappings", {})
    problems = []
    for env, values in _environments(samconfig, template).items():
        try:
            timeout = float(resolve(function["Timeout"], values, mappings))
            visibility = float(resolve(queue["VisibilityTimeout"], values, mappings))
            calls = json.loads(resolve(settings["Value"], values, mappings))
        except KeyError as missing:
            problems.append(f"{env}: no mapped value for {missing}")
            continue
        if visibility < 6 * timeout:
            problems.append(
                f"{env}: the {provider} request queue's VisibilityTimeout {visibility:g} s is "
                f"under six times the dispatcher's {timeout:g} s timeout"
            )
        read, connect = calls.get("asyncTimeoutSeconds"), calls["connectTimeoutSeconds"]
        if read is None or read + connect + REPORT_MARGIN_SECONDS > timeout:
            problems.append(
                f"{env}: asyncTimeoutSeconds {read} + connect {connect} + report margin "
                f"{REPORT_MARGIN_SECONDS:g} s do not fit in the dispatcher's {timeout:g} s timeout"
            )
    return problems


def resolve(value: Any, parameters: dict[str, Any], mappings: dict[str, Any]) -> Any:
    """`value` with the intrinsics a parameter-driven property uses resolved: `Ref` to a
    parameter, `Fn::FindInMap` and `Fn::Sub` (with or without its variables map).

    A missing parameter, mapping key or variable raises `KeyError`.
    """
    if not isinstance(value, dict) or len(value) != 1:
        return value
    [(function, argument)] = value.items()
    if function == "Ref":
        return parameters[argument]
    if function == "Fn::FindInMap":
        table, top, second = (str(resolve(key, parameters, mappings)) for key in argument)
        return mappings[table][top][second]
    if function == "Fn::Sub":
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        names = parameters | {
            name: resolve(variable, parameters, mappings) for name, variable in variables.items()
        }
        return PLACEHOLDER.sub(lambda match: str(names[match.group(1)]), text)
    return value


def _environments(samconfig: dict[str, Any], template: dict[str, Any]) -> dict[str, dict]:
    """The template's parameter values by environment: its defaults, then each samconfig
    environment's overrides over them."""
    defaults = {
        name: parameter.get("Default") for name, parameter in template["Parameters"].items()
    }
    return {"template defaults": defaults} | {
        env: defaults | _overrides(config)
        for env, config in samconfig.items()
        if isinstance(config, dict)
    }


def _overrides(config: dict[str, Any]) -> dict[str, str]:
    raw = config.get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    items = raw.split() if isinstance(raw, str) else raw
    return dict(item.split("=", 1) for item in items)


def load_samconfig(path: Path = ROOT / "samconfig.toml") -> dict[str, Any]:
    """samconfig.toml as a dict of environments."""
    return tomllib.loads(path.read_text())


def load_definition(relative: str) -> dict[str, Any]:
    """An ASL file of the repository, parsed."""
    return json.loads((ROOT / relative).read_text())
