"""Distributed Map: child executions, ItemReader (S3 JSON and CSV), ItemBatcher, tolerated
failures, MaxConcurrency."""

from __future__ import annotations

import json

from ..case import BUCKET, Case, Divergence, Expected, Resources, function_arn
from ..lambdas import computes, echo, fails_when
from ..matchers import Undocumented

_DISTRIBUTED = "https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html"
_READER = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html"
_BATCHER = "https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html"
_THRESHOLD = "https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html"
_NO_BATCHER = "moto's ASL parser rejects ItemBatcher in a Map state at CreateStateMachine"
_NO_PERCENTAGE = "moto's ASL parser rejects ToleratedFailurePercentage at CreateStateMachine"
_NO_TOLERANCE = (
    "moto's parser accepts ToleratedFailureCount but ignores it ('declarations currently have "
    "no effect on the program evaluation')"
)

_ORDERS = [{"id": "o-1", "qty": 1}, {"id": "o-2", "qty": 2}, {"id": "o-3", "qty": 3}]
_CSV = "sku,qty\nw-1,5\nw-2,0\nw-3,7\n"


def _distributed(processor_state: dict, **fields: object) -> dict:
    """A machine with one distributed Map (standard child executions) over `fields`' items."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Item",
                    "States": {"Item": {**processor_state, "End": True}},
                },
                **fields,
                "End": True,
            }
        },
    }


def _s3_reader(key: str, reader_config: dict) -> dict:
    """An ItemReader reading `key` from the conformance bucket."""
    return {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": reader_config,
        "Parameters": {"Bucket": BUCKET, "Key": key},
    }


_TASK = {"Type": "Task", "Resource": function_arn("process")}

CASES = (
    Case(
        name="distributed_map_over_input_items",
        doc=_DISTRIBUTED,
        definition=_distributed(_TASK, ItemsPath="$.orders", MaxConcurrency=2),
        input={"orders": _ORDERS},
        lambdas={"process": computes(lambda order: order["qty"] * 10)},
        expected=Expected(output=[10, 20, 30], calls={"process": 3}),
    ),
    Case(
        name="distributed_map_item_reader_s3_json",
        doc=_READER,
        definition=_distributed(
            _TASK,
            ItemReader=_s3_reader("orders.json", {"InputType": "JSON"}),
            ItemSelector={"order.$": "$$.Map.Item.Value.id", "index.$": "$$.Map.Item.Index"},
        ),
        resources=Resources(objects={"orders.json": json.dumps(_ORDERS)}),
        lambdas={"process": computes(lambda e: f"{e['index']}:{e['order']}")},
        expected=Expected(output=["0:o-1", "1:o-2", "2:o-3"], calls={"process": 3}),
    ),
    Case(
        name="distributed_map_item_reader_s3_csv_first_row_headers",
        doc=_READER,
        definition=_distributed(
            {"Type": "Pass"},
            ItemReader=_s3_reader(
                "stock.csv", {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}
            ),
        ),
        resources=Resources(objects={"stock.csv": _CSV}),
        expected=Expected(
            output=[
                {"sku": "w-1", "qty": "5"},
                {"sku": "w-2", "qty": "0"},
                {"sku": "w-3", "qty": "7"},
            ]
        ),
    ),
    Case(
        name="distributed_map_item_reader_s3_csv_given_headers",
        doc=_READER,
        definition=_distributed(
            {"Type": "Pass"},
            ItemReader=_s3_reader(
                "rows.csv",
                {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["sku", "qty"]},
            ),
        ),
        resources=Resources(objects={"rows.csv": "w-1,5\nw-2,0\n"}),
        expected=Expected(output=[{"sku": "w-1", "qty": "5"}, {"sku": "w-2", "qty": "0"}]),
    ),
    Case(
        name="distributed_map_item_batcher_with_batch_input",
        doc=_BATCHER,
        definition=_distributed(
            _TASK,
            ItemsPath="$.orders",
            ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run"}},
        ),
        input={"orders": _ORDERS, "run": "r-1"},
        lambdas={"process": echo()},
        expected=Expected(
            output=[
                {"BatchInput": {"run": "r-1"}, "Items": _ORDERS[:2]},
                {"BatchInput": {"run": "r-1"}, "Items": _ORDERS[2:]},
            ],
            calls={"process": 2},
        ),
        moto_unsupported=_NO_BATCHER,
    ),
    Case(
        name="distributed_map_item_failure_exceeds_zero_tolerance",
        doc=_THRESHOLD,
        definition=_distributed(_TASK, ItemsPath="$.skus"),
        input={"skus": ["ok-1", "bad", "ok-2"]},
        lambdas={"process": fails_when(lambda sku: sku == "bad", "ProviderRejected", echo())},
        expected=Expected(
            status="FAILED", error="States.ExceedToleratedFailureThreshold", cause=Undocumented()
        ),
        divergence=Divergence(
            reason=(
                "moto's parser ignores failed child executions of a distributed Map (null in "
                "their place) instead of failing the Map Run past the default threshold of 0"
            ),
            doc=_THRESHOLD,
            moto=Expected(output=["ok-1", None, "ok-2"]),
        ),
    ),
    Case(
        name="distributed_map_tolerated_failure_count_absorbs_failures",
        doc=_THRESHOLD,
        definition=_distributed(
            _TASK, ItemsPath="$.skus", ToleratedFailureCount=1, ResultPath=None
        ),
        input={"skus": ["ok-1", "bad", "ok-2"]},
        lambdas={"process": fails_when(lambda sku: sku == "bad", "ProviderRejected", echo())},
        expected=Expected(output={"skus": ["ok-1", "bad", "ok-2"]}, calls={"process": 3}),
        moto_unsupported=_NO_TOLERANCE,
    ),
    Case(
        name="distributed_map_tolerated_failure_count_exceeded",
        doc=_THRESHOLD,
        definition=_distributed(_TASK, ItemsPath="$.skus", ToleratedFailureCount=1),
        input={"skus": ["bad-1", "ok", "bad-2"]},
        lambdas={
            "process": fails_when(lambda sku: sku.startswith("bad"), "ProviderRejected", echo())
        },
        expected=Expected(
            status="FAILED", error="States.ExceedToleratedFailureThreshold", cause=Undocumented()
        ),
        moto_unsupported=_NO_TOLERANCE,
    ),
    Case(
        name="distributed_map_tolerated_failure_percentage_absorbs_failures",
        doc=_THRESHOLD,
        definition=_distributed(
            _TASK, ItemsPath="$.skus", ToleratedFailurePercentage=50, ResultPath=None
        ),
        input={"skus": ["ok-1", "bad-1", "ok-2", "bad-2"]},
        lambdas={
            "process": fails_when(lambda sku: sku.startswith("bad"), "ProviderRejected", echo())
        },
        expected=Expected(output={"skus": ["ok-1", "bad-1", "ok-2", "bad-2"]}),
        moto_unsupported=_NO_PERCENTAGE,
    ),
    Case(
        name="distributed_map_tolerated_failure_percentage_exceeded",
        doc=_THRESHOLD,
        definition=_distributed(_TASK, ItemsPath="$.skus", ToleratedFailurePercentage=25),
        input={"skus": ["ok-1", "bad-1", "ok-2", "bad-2"]},
        lambdas={
            "process": fails_when(lambda sku: sku.startswith("bad"), "ProviderRejected", echo())
        },
        expected=Expected(
            status="FAILED", error="States.ExceedToleratedFailureThreshold", cause=Undocumented()
        ),
        moto_unsupported=_NO_PERCENTAGE,
    ),
)
