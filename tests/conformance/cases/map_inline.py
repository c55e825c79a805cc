"""Inline Map: ItemsPath, ItemSelector with `$$.Map.Item`, MaxConcurrency, failures, Iterator."""

from __future__ import annotations

from ..case import Case, Expected, function_arn
from ..lambdas import computes, echo, fails_when
from ..matchers import Contains

_MAP = "https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html"
_ITEM_SELECTOR = (
    "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html"
)


def _map(processor_state: dict, **fields: object) -> dict:
    """A machine with one inline Map whose processor is one state."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Item",
                    "States": {"Item": {**processor_state, "End": True}},
                },
                **fields,
                "End": True,
            }
        },
    }


CASES = (
    Case(
        name="map_items_path_and_item_selector_with_context",
        doc=_ITEM_SELECTOR,
        definition=_map(
            {"Type": "Task", "Resource": function_arn("line")},
            ItemsPath="$.order.lines",
            ItemSelector={
                "index.$": "$$.Map.Item.Index",
                "sku.$": "$$.Map.Item.Value.sku",
                "order.$": "$.order.id",
            },
        ),
        input={"order": {"id": "o-1", "lines": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}},
        lambdas={"line": computes(lambda e: f"{e['order']}/{e['index']}/{e['sku']}")},
        expected=Expected(output=["o-1/0/a", "o-1/1/b", "o-1/2/c"], calls={"line": 3}),
    ),
    Case(
        name="map_max_concurrency_one_keeps_order",
        doc=_MAP,
        definition=_map({"Type": "Task", "Resource": function_arn("square")}, MaxConcurrency=1),
        input=[1, 2, 3, 4, 5],
        lambdas={"square": computes(lambda n: n * n)},
        expected=Expected(output=[1, 4, 9, 16, 25], calls={"square": 5}),
    ),
    Case(
        name="map_max_concurrency_two_with_result_path",
        doc=_MAP,
        definition=_map(
            {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}},
            ItemsPath="$.numbers",
            MaxConcurrency=2,
            ResultSelector={"count.$": "States.ArrayLength($)", "all.$": "$[*].twice"},
            ResultPath="$.doubled",
        ),
        input={"numbers": [{"n": 1}, {"n": 2}, {"n": 3}]},
        expected=Expected(
            output={
                "numbers": [{"n": 1}, {"n": 2}, {"n": 3}],
                "doubled": {"count": 3, "all": [2, 4, 6]},
            }
        ),
    ),
    Case(
        name="map_over_empty_array_outputs_empty_array",
        doc=_MAP,
        definition=_map({"Type": "Task", "Resource": function_arn("never")}),
        input=[],
        lambdas={"never": echo()},
        expected=Expected(output=[], calls={"never": 0}),
    ),
    Case(
        name="map_item_failure_fails_the_map",
        doc=_MAP,
        definition=_map(
            {"Type": "Task", "Resource": function_arn("check")},
            ItemsPath="$.skus",
        ),
        input={"skus": ["ok-1", "bad", "ok-2"]},
        lambdas={"check": fails_when(lambda sku: sku == "bad", "ProviderRejected", echo())},
        expected=Expected(status="FAILED", error="ProviderRejected", cause=Contains("bad")),
    ),
    Case(
        name="map_legacy_iterator_and_parameters",
        doc=_MAP,
        definition={
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "Parameters": {"value.$": "$$.Map.Item.Value", "tag.$": "$.tag"},
                    "Iterator": {
                        "StartAt": "Item",
                        "States": {"Item": {"Type": "Pass", "End": True}},
                    },
                    "End": True,
                }
            },
        },
        input={"items": [1, 2], "tag": "t"},
        expected=Expected(output=[{"value": 1, "tag": "t"}, {"value": 2, "tag": "t"}]),
    ),
)
