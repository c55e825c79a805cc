"""Load `template.yaml` into a `TemplateModel`: parameters, Globals, conditions, intrinsics."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sluice.template.build_compute import (
    build_functions,
    build_layers,
    build_sqs_event_sources,
    build_state_machines,
)
from sluice.template.build_events import (
    build_event_buses,
    build_event_rules,
    build_http_apis,
    build_schedules,
)
from sluice.template.build_operations import build_alarms, build_log_groups, list_ignored
from sluice.template.build_storage import (
    build_buckets,
    build_queues,
    build_secrets,
    build_ssm_parameters,
    build_subscriptions,
    build_tables,
    build_topics,
    referenced_secret_names,
)
from sluice.template.context import BuildContext
from sluice.template.errors import UnsupportedTemplateFeature
from sluice.template.globals_merge import apply_globals
from sluice.template.intrinsics import Resolver
from sluice.template.kinds import KINDS
from sluice.template.model import TemplateModel
from sluice.template.parameters import ParameterSource, resolve_parameters
from sluice.template.sam_events import expand_events
from sluice.template.samconfig import SamConfigEnvironment, read_environment
from sluice.template.source import read_template
from sluice.template.stack import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, StackContext

DEFAULT_CONFIG_ENV = "dev"
DEFAULT_STACK_NAME = "sluice-local"
_TRANSFORMS = ("AWS::Serverless-2016-10-31", "AWS::LanguageExtensions")


def load_template(
    template_path: Path | str,
    *,
    config_env: str | None = DEFAULT_CONFIG_ENV,
    samconfig_path: Path | str | None = None,
    parameter_overrides: Mapping[str, Any] | None = None,
    stack_name: str | None = None,
    region: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> TemplateModel:
    """Load a SAM template as the stack the local cloud runs.

    Parameter values: the template's defaults, then `config_env`'s `parameter_overrides` from
    samconfig (`samconfig.toml` next to the template unless `samconfig_path` is given; skipped
    when `config_env` is None or the default file does not exist), then `parameter_overrides`.
    The stack name and region come from the arguments, else from samconfig, else defaults.
    """
    path = Path(template_path).resolve()
    environment = _samconfig_environment(path, config_env, samconfig_path)
    sources = []
    if environment is not None and environment.parameter_overrides:
        sources.append(
            ParameterSource(
                f"samconfig environment '{environment.name}'", environment.parameter_overrides
            )
        )
    if parameter_overrides:
        sources.append(
            ParameterSource(
                "the caller's overrides",
                {name: str(value) for name, value in parameter_overrides.items()},
            )
        )
    stack = StackContext(
        stack_name=stack_name
        or (environment.stack_name if environment else None)
        or DEFAULT_STACK_NAME,
        region=region or (environment.region if environment else None) or DEFAULT_REGION,
        account_id=account_id,
    )
    return build_model(read_template(path), path, stack, sources)


def build_model(
    template: dict[str, Any],
    template_path: Path,
    stack: StackContext,
    sources: list[ParameterSource],
) -> TemplateModel:
    """Build the model of a parsed template loaded as `stack`."""
    _check_transforms(template.get("Transform"))
    parameters = resolve_parameters(template.get("Parameters") or {}, sources)
    mappings = template.get("Mappings") or {}
    conditions = template.get("Conditions") or {}
    resources = apply_globals(template)
    evaluator = Resolver(stack, parameters, mappings, conditions, resources={})
    active, excluded = {}, {}
    for logical_id, resource in resources.items():
        condition = resource.get("Condition")
        if condition is None or evaluator.condition(
            str(condition), f"Resources.{logical_id}.Condition"
        ):
            active[logical_id] = resource
        else:
            excluded[logical_id] = str(condition)
    _check_types(active)
    expansion = expand_events(active)
    resolver = Resolver(stack, parameters, mappings, conditions, expansion.resources, excluded)
    context = BuildContext(resolver, expansion.resources, template_path.parent)

    layers = build_layers(context)
    functions = build_functions(context, layers)
    machines = build_state_machines(context)
    secrets = build_secrets(context)
    return TemplateModel(
        stack=stack,
        template_path=template_path,
        parameters=parameters,
        functions=functions,
        layers=layers,
        state_machines=machines,
        tables=build_tables(context),
        queues=build_queues(context),
        topics=build_topics(context),
        subscriptions=build_subscriptions(context),
        buckets=build_buckets(context),
        ssm_parameters=build_ssm_parameters(context),
        secrets=secrets,
        referenced_secret_names=referenced_secret_names(functions, machines, secrets),
        event_buses=build_event_buses(context),
        event_rules=build_event_rules(context),
        schedules=build_schedules(context),
        http_apis=build_http_apis(context, expansion.routes),
        sqs_event_sources=build_sqs_event_sources(context, functions),
        log_groups=build_log_groups(context),
        alarms=build_alarms(context),
        ignored=list_ignored(context),
        outputs=_outputs(template.get("Outputs") or {}, resolver),
    )


def _samconfig_environment(
    template_path: Path, config_env: str | None, samconfig_path: Path | str | None
) -> SamConfigEnvironment | None:
    if config_env is None:
        return None
    if samconfig_path is not None:
        return read_environment(Path(samconfig_path), config_env)
    default = template_path.parent / "samconfig.toml"
    return read_environment(default, config_env) if default.is_file() else None


def _check_transforms(transform: Any) -> None:
    names = transform if isinstance(transform, list) else [transform] if transform else []
    for name in names:
        if name not in _TRANSFORMS:
            raise UnsupportedTemplateFeature(
                f"Transform {name} is not supported by the local cloud "
                f"(supported: {', '.join(_TRANSFORMS)})"
            )


def _check_types(resources: Mapping[str, Mapping[str, Any]]) -> None:
    for logical_id, resource in resources.items():
        kind = resource.get("Type")
        if kind not in KINDS:
            raise UnsupportedTemplateFeature(
                f"Resource '{logical_id}' has type {kind}, which the local cloud does not "
                f"support (supported: {', '.join(sorted(KINDS))})"
            )


def _outputs(outputs: Mapping[str, Any], resolver: Resolver) -> dict[str, Any]:
    resolved = {}
    for name, output in outputs.items():
        condition = output.get("Condition")
        if condition is not None and not resolver.condition(str(condition), f"Outputs.{name}"):
            continue
        resolved[name] = resolver.resolve(output.get("Value"), f"Outputs.{name}.Value")
    return resolved
