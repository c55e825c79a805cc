"""What the model builders share: resolved properties, return values and a reverse ARN index."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sluice.template.intrinsics import Resolver
from sluice.template.kinds import KINDS
from sluice.template.model import TargetRef

_ARN_ATTRIBUTES = ("Arn", "TopicArn", "QueueUrl")


class BuildContext:
    """Access to the expanded, condition-filtered resources of one template, resolved."""

    def __init__(
        self, resolver: Resolver, resources: Mapping[str, Mapping[str, Any]], template_dir: Path
    ) -> None:
        self.resolver = resolver
        self.resources = resources
        self.template_dir = template_dir
        self._properties: dict[str, dict[str, Any]] = {}
        self._index: dict[str, str] | None = None

    def of_type(self, *types: str) -> list[str]:
        """Logical ids of the resources of the given types, in template order."""
        return [
            logical_id
            for logical_id, resource in self.resources.items()
            if resource.get("Type") in types
        ]

    def type_of(self, logical_id: str) -> str:
        """The resource's type."""
        return str(self.resources[logical_id].get("Type"))

    def properties(self, logical_id: str) -> dict[str, Any]:
        """The resource's properties with every intrinsic function resolved."""
        if logical_id not in self._properties:
            raw = self.resources[logical_id].get("Properties") or {}
            self._properties[logical_id] = self.resolver.resolve(
                raw, f"Resources.{logical_id}.Properties"
            )
        return self._properties[logical_id]

    def name(self, logical_id: str) -> str:
        """The resource's physical name."""
        return self.resolver.physical_name(logical_id)

    def ref(self, logical_id: str) -> str:
        """What `Ref` returns for the resource."""
        return str(self.resolver.ref(logical_id, f"Resources.{logical_id}"))

    def attribute(self, logical_id: str, attribute: str) -> str:
        """What `Fn::GetAtt` returns for one of the resource's attributes."""
        return str(self.resolver.get_att(logical_id, attribute, f"Resources.{logical_id}"))

    def target(self, value: Any) -> TargetRef:
        """A resolved ARN, URL or name, tied to the template resource it identifies (if any)."""
        text = str(value)
        logical_id = self._reverse_index().get(text)
        kind = self.type_of(logical_id) if logical_id is not None else None
        return TargetRef(arn=text, logical_id=logical_id, resource_type=kind)

    def _reverse_index(self) -> dict[str, str]:
        if self._index is None:
            index: dict[str, str] = {}
            for logical_id, resource in self.resources.items():
                kind = KINDS[str(resource.get("Type"))]
                if kind.ignored_because is not None:
                    continue
                index.setdefault(self.ref(logical_id), logical_id)
                for attribute in _ARN_ATTRIBUTES:
                    if attribute in kind.attributes:
                        index.setdefault(self.attribute(logical_id, attribute), logical_id)
            self._index = index
        return self._index
