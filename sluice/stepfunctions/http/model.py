"""The Step Functions API model from botocore: operations, required members, output shapes."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape


@functools.cache
def service_model() -> ServiceModel:
    """Return botocore's model of the Step Functions API (loaded once)."""
    return botocore.session.get_session().get_service_model("stepfunctions")


def operation_for_target(target: str | None) -> OperationModel | None:
    """Return the operation an `X-Amz-Target` header names (`AWSStepFunctions.<Name>`), or None.

    botocore caches operation models, so unknown names (client input) are never cached here.
    """
    model = service_model()
    prefix, _, name = (target or "").partition(".")
    if prefix != model.metadata["targetPrefix"] or name not in model.operation_names:
        return None
    return model.operation_model(name)


def method_name(operation: OperationModel) -> str:
    """Return the service method that implements `operation` (its name in snake_case)."""
    return xform_name(operation.name)


def missing_members(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Return the paths of the required members absent (or null) in `value`, AWS-style.

    Lists are numbered from 1 and their items named `member`, as AWS names them in
    its validation messages (`tags.1.member.key`).
    """
    if shape is None or value is None:
        return []
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        missing = [_join(path, name) for name in shape.required_members if value.get(name) is None]
        for name, member in shape.members.items():
            missing += missing_members(member, value.get(name), _join(path, name))
        return missing
    if shape.type_name == "list" and isinstance(value, list):
        return [
            absent
            for index, item in enumerate(value, start=1)
            for absent in missing_members(shape.member, item, f"{path}.{index}.member")
        ]
    if shape.type_name == "map" and isinstance(value, dict):
        return [
            absent
            for key, item in value.items()
            for absent in missing_members(shape.value, item, f"{path}.{key}")
        ]
    return []


def to_wire(shape: Shape | None, value: Any) -> Any:
    """Return `value` shaped for the JSON wire: timestamps as epoch seconds, nulls dropped.

    Members the model does not know are passed through unchanged.
    """
    if value is None or shape is None:
        return value
    if shape.type_name == "timestamp":
        return _epoch_seconds(value)
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = shape.members
        return {
            name: to_wire(members.get(name), item)
            for name, item in value.items()
            if item is not None
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [to_wire(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: to_wire(shape.value, item) for key, item in value.items()}
    return value


def _epoch_seconds(value: Any) -> Any:
    """Return a datetime as epoch seconds (a float); numbers and strings pass unchanged."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        raise TypeError(f"naive datetime {value!r} in a response: timestamps must be aware")
    return value.timestamp()


def _join(path: str, name: str) -> str:
    """Return the member path `path.name` (just `name` at the top level)."""
    return f"{path}.{name}" if path else name
