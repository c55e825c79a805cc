"""Build the model's layers, functions, state machines and SQS event source mappings."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from sluice.template.context import BuildContext
from sluice.template.errors import TemplateError, UnsupportedTemplateFeature
from sluice.template.kinds import queue_url
from sluice.template.model import (
    FunctionSpec,
    LayerSpec,
    SqsEventSource,
    StateMachineSpec,
    TargetRef,
)
from sluice.template.values import (
    as_tuple,
    boolean,
    integer,
    json_object,
    optional_integer,
    optional_text,
    text,
)

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
_SQS_ARN = re.compile(r"^arn:[^:]+:sqs:([^:]+):(\d+):(.+)$")

# Lambda's defaults: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
_DEFAULT_TIMEOUT = 3
_DEFAULT_MEMORY = 128
_DEFAULT_BATCH_SIZE = 10


def build_layers(context: BuildContext) -> dict[str, LayerSpec]:
    """Every `AWS::Serverless::LayerVersion`, with its local content directory."""
    layers = {}
    for logical_id in context.of_type("AWS::Serverless::LayerVersion"):
        properties = context.properties(logical_id)
        content = properties.get("ContentUri")
        if not isinstance(content, str):
            raise UnsupportedTemplateFeature(
                f"Layer '{logical_id}' has a ContentUri that is not a local path ({content!r}); "
                "the local cloud runs layers from local directories"
            )
        metadata = context.resources[logical_id].get("Metadata") or {}
        content_uri = _local_path(context, content)
        layers[logical_id] = LayerSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.ref(logical_id),
            content_uri=content_uri,
            python_path=content_uri / "python",
            build_method=metadata.get("BuildMethod"),
            compatible_runtimes=as_tuple(properties.get("CompatibleRuntimes")),
        )
    return layers


def build_functions(context: BuildContext, layers: dict[str, LayerSpec]) -> dict[str, FunctionSpec]:
    """Every `AWS::Serverless::Function` (Globals already merged), resolved."""
    functions = {}
    for logical_id in context.of_type("AWS::Serverless::Function"):
        functions[logical_id] = _function(context, logical_id, layers)
    return functions


def _function(context: BuildContext, logical_id: str, layers: dict[str, LayerSpec]) -> FunctionSpec:
    properties = context.properties(logical_id)
    where = f"Function '{logical_id}'"
    if properties.get("PackageType", "Zip") != "Zip" or "InlineCode" in properties:
        raise UnsupportedTemplateFeature(
            f"{where} is not a Zip package with a local CodeUri; the local cloud runs handler "
            "code from local directories only"
        )
    code_uri = properties.get("CodeUri")
    if not isinstance(code_uri, str):
        raise UnsupportedTemplateFeature(
            f"{where} has a CodeUri that is not a local path ({code_uri!r})"
        )
    handler = str(properties.get("Handler", ""))
    module, _, function_name = handler.rpartition(".")
    if not module or not function_name:
        raise TemplateError(f"{where} has Handler {handler!r}; expected 'module.function'")
    template_layers, external = [], []
    for layer_arn in as_tuple(properties.get("Layers")):
        target = context.target(layer_arn)
        if target.logical_id in layers:
            template_layers.append(layers[target.logical_id])
        else:
            external.append(str(layer_arn))
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    return FunctionSpec(
        logical_id=logical_id,
        name=context.name(logical_id),
        arn=context.attribute(logical_id, "Arn"),
        code_uri=_local_path(context, code_uri),
        handler=handler,
        handler_module=module,
        handler_function=function_name,
        runtime=optional_text(properties.get("Runtime")),
        architectures=tuple(text(item) for item in properties.get("Architectures", ["x86_64"])),
        timeout=integer(properties.get("Timeout", _DEFAULT_TIMEOUT), f"{where} Timeout"),
        memory_size=integer(properties.get("MemorySize", _DEFAULT_MEMORY), f"{where} MemorySize"),
        reserved_concurrency=optional_integer(
            properties.get("ReservedConcurrentExecutions"),
            f"{where} ReservedConcurrentExecutions",
        ),
        environment={name: text(value) for name, value in variables.items()},
        layers=tuple(template_layers),
        external_layer_arns=tuple(external),
        policies=as_tuple(properties.get("Policies")),
        event_invoke_config=properties.get("EventInvokeConfig"),
        dead_letter_queue=properties.get("DeadLetterQueue"),
        description=optional_text(properties.get("Description")),
    )


def build_state_machines(context: BuildContext) -> dict[str, StateMachineSpec]:
    """Every SAM and CloudFormation state machine, its definition substituted."""
    machines = {}
    for logical_id in context.of_type(
        "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"
    ):
        properties = context.properties(logical_id)
        is_sam = context.type_of(logical_id) == "AWS::Serverless::StateMachine"
        definition = _substituted(
            logical_id,
            _definition_text(context, logical_id, properties),
            properties.get("DefinitionSubstitutions") or {},
        )
        machines[logical_id] = StateMachineSpec(
            logical_id=logical_id,
            name=context.name(logical_id),
            arn=context.ref(logical_id),
            type=text(properties.get("Type" if is_sam else "StateMachineType", "STANDARD")),
            definition=definition,
            policies=as_tuple(properties.get("Policies")),
            logging=properties.get("Logging" if is_sam else "LoggingConfiguration"),
            tracing=properties.get("Tracing" if is_sam else "TracingConfiguration"),
        )
    return machines


def _definition_text(context: BuildContext, logical_id: str, properties: dict[str, Any]) -> str:
    if isinstance(properties.get("Definition"), dict):
        return json.dumps(properties["Definition"], indent=2)
    if isinstance(properties.get("DefinitionString"), str):
        return properties["DefinitionString"]
    uri = properties.get("DefinitionUri")
    if isinstance(uri, str):
        path = _local_path(context, uri)
        try:
            return path.read_text(encoding="utf-8")
        except OSError as error:
            raise TemplateError(
                f"State machine '{logical_id}' DefinitionUri {uri}: cannot read {path}: {error}"
            ) from error
    raise UnsupportedTemplateFeature(
        f"State machine '{logical_id}' has no inline Definition, DefinitionString or local "
        "DefinitionUri (S3 locations are not supported by the local cloud)"
    )


def _substituted(logical_id: str, definition: str, substitutions: dict[str, Any]) -> str:
    """Replace `${Key}` placeholders that `DefinitionSubstitutions` names; check it is JSON."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        return text(substitutions[key]) if key in substitutions else match.group(0)

    result = _PLACEHOLDER.sub(substitute, definition)
    try:
        json.loads(result)
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"State machine '{logical_id}' definition is not valid JSON after substitution: {error}"
        ) from None
    return result


def build_sqs_event_sources(
    context: BuildContext, functions: dict[str, FunctionSpec]
) -> dict[str, SqsEventSource]:
    """Every event source mapping (declared or from a SAM SQS event): all must read SQS."""
    sources = {}
    for logical_id in context.of_type("AWS::Lambda::EventSourceMapping"):
        properties = context.properties(logical_id)
        where = f"Event source mapping '{logical_id}'"
        queue = context.target(properties.get("EventSourceArn"))
        match = _SQS_ARN.match(queue.arn)
        if match is None:
            raise UnsupportedTemplateFeature(
                f"{where} reads {queue.arn}; the local cloud supports SQS event sources only"
            )
        function = _mapped_function(context, functions, properties.get("FunctionName"), where)
        scaling = properties.get("ScalingConfig") or {}
        sources[logical_id] = SqsEventSource(
            logical_id=logical_id,
            function_logical_id=function,
            queue=queue,
            queue_url=_queue_url(context, queue, match),
            batch_size=integer(
                properties.get("BatchSize", _DEFAULT_BATCH_SIZE), f"{where} BatchSize"
            ),
            maximum_batching_window_seconds=integer(
                properties.get("MaximumBatchingWindowInSeconds", 0),
                f"{where} MaximumBatchingWindowInSeconds",
            ),
            maximum_concurrency=optional_integer(
                scaling.get("MaximumConcurrency"), f"{where} ScalingConfig.MaximumConcurrency"
            ),
            function_response_types=tuple(
                text(kind) for kind in as_tuple(properties.get("FunctionResponseTypes"))
            ),
            enabled=boolean(properties.get("Enabled"), default=True),
            filter_criteria=json_object(
                properties.get("FilterCriteria"), f"{where} FilterCriteria"
            ),
        )
    return sources


def _mapped_function(
    context: BuildContext, functions: dict[str, FunctionSpec], name: Any, where: str
) -> str:
    for function in functions.values():
        if str(name) in (function.name, function.arn):
            return function.logical_id
    raise TemplateError(f"{where} targets {name!r}, which is not a function of this template")


def _queue_url(context: BuildContext, queue: TargetRef, match: re.Match[str]) -> str:
    if queue.logical_id is not None:
        return context.ref(queue.logical_id)
    region, account, name = match.groups()
    return queue_url(replace(context.resolver.stack, region=region, account_id=account), name)


def _local_path(context: BuildContext, uri: str) -> Path:
    """A path from the template, relative to the template's directory."""
    return (context.template_dir / uri).resolve()
