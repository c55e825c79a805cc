"""ItemReader of a distributed Map: items streamed from S3 (JSON, JSONL, CSV, object listings).

https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from sluice.stepfunctions.asl.paths import evaluate_path
from sluice.stepfunctions.errors import StatesError
from sluice.stepfunctions.runtime import processing as io
from sluice.stepfunctions.runtime.state_run import StateRun

if TYPE_CHECKING:
    from sluice.stepfunctions.runtime.states.map_state import MapInput


def _failure(cause: str) -> StatesError:
    return StatesError("States.ItemReaderFailed", cause)


def read_items(run: StateRun, source: MapInput, reader: dict[str, Any]) -> Iterator[Any]:
    """Yield the items the ItemReader describes, reading S3 lazily, up to `MaxItems`."""
    config = reader.get("ReaderConfig", {})
    if run.language == io.JSONATA:
        arguments = io.jsonata(reader.get("Arguments", {}), source.states, run.variables)
        max_items = io.jsonata(config.get("MaxItems", 0), source.states, run.variables)
    else:
        arguments = io.payload(
            reader.get("Parameters", {}), source.effective, run.context, run.variables
        )
        max_items = config.get("MaxItems", 0)
        if "MaxItemsPath" in config:
            max_items = evaluate_path(
                config["MaxItemsPath"], source.effective, run.context, run.variables
            )
    action = reader["Resource"].rsplit(":", 1)[-1]
    client = run.runtime.integrations.client("s3", run.runtime.region)
    if action == "listObjectsV2":
        items = _listed_objects(client, arguments)
    elif action == "getObject":
        items = _object_items(client, arguments, config)
    else:
        raise _failure(f"Unsupported ItemReader resource: '{reader['Resource']}'")
    if max_items:
        items = itertools.islice(items, int(max_items))
    try:
        yield from items
    except (ClientError, BotoCoreError) as error:
        raise _failure(str(error)) from error


def _listed_objects(client: Any, arguments: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator("list_objects_v2").paginate(**arguments):
        for item in page.get("Contents", []):
            yield {
                "Etag": item.get("ETag"),
                "Key": item["Key"],
                "LastModified": item["LastModified"].isoformat(),
                "Size": item.get("Size", 0),
                "StorageClass": item.get("StorageClass", "STANDARD"),
            }


def _object_items(client: Any, arguments: dict[str, Any], config: dict[str, Any]) -> Iterator[Any]:
    body = client.get_object(**arguments)["Body"]
    input_type = config.get("InputType", "JSON")
    if input_type == "JSON":
        items = json.load(body)
        if not isinstance(items, list):
            raise _failure("The ItemReader JSON object is not an array")
        yield from items
    elif input_type == "JSONL":
        for line in body.iter_lines():
            if line.strip():
                yield json.loads(line)
    elif input_type == "CSV":
        yield from _csv_rows(body, config)
    else:
        raise _failure(f"Unsupported ItemReader InputType: '{input_type}'")


def _csv_rows(body: Any, config: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Rows as objects keyed by the header, decoded as the object streams in."""
    lines = codecs.iterdecode(body.iter_lines(keepends=True), "utf-8-sig")
    delimiter = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}[
        config.get("CSVDelimiter", "COMMA")
    ]
    rows = csv.reader(lines, delimiter=delimiter)
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = list(config["CSVHeaders"])
    else:
        headers = next(rows, None)
        if headers is None:
            return
    for row in rows:
        if row:
            yield dict(zip(headers, row, strict=False))
