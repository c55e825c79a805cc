"""A Map batch becomes one storefront request on the queue; its levels are recorded as sent."""

from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from sluice_shared.inventory.errors import StepInputInvalid
from sluice_shared.inventory.queueing import queue_levels
from sluice_shared.inventory.steps import QueueLevelsInput, parse_step
from tests.fixtures.events import load_event

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def queue(world, event: dict) -> int:
    """Queue the batch of `event`; how many levels were queued."""
    step = parse_step(QueueLevelsInput, event)
    result = queue_levels(
        step,
        sqs=boto3.client("sqs"),
        queue_url=world.queue_url,
        levels=world.levels(),
        clock=lambda: NOW,
    )
    return result.queued


def test_given_a_batch_when_queued_then_one_set_levels_envelope_carries_all_levels(
    inventory_world,
):
    event = load_event("inventory/queue-levels.json")
    assert queue(inventory_world, event) == 3
    [message] = inventory_world.messages()
    assert message["provider"] == "storefront"
    assert message["operation"] == "inventory.setLevels"
    assert message["businessKey"] == event["businessKey"]
    assert message["idempotencyKey"].startswith(event["businessKey"] + "-levels-")
    assert message["payload"] == {
        "levels": [
            {"sku": "TEE-BLK-M", "available": 12},
            {"sku": "TEE-BLK-L", "available": 0},
            {"sku": "MUG-WHT", "available": 40},
        ]
    }


def test_given_a_batch_when_queued_then_its_levels_are_recorded_as_sent(inventory_world):
    event = load_event("inventory/queue-levels.json")
    queue(inventory_world, event)
    assert inventory_world.levels().last_sent(["TEE-BLK-M", "TEE-BLK-L", "MUG-WHT"]) == {
        "TEE-BLK-M": 12,
        "TEE-BLK-L": 0,
        "MUG-WHT": 40,
    }


def test_given_a_retried_batch_when_queued_again_then_the_request_keeps_its_key(inventory_world):
    event = load_event("inventory/queue-levels.json")
    queue(inventory_world, event)
    queue(inventory_world, event)
    first, second = inventory_world.messages()
    assert first["idempotencyKey"] == second["idempotencyKey"]


def test_given_a_queue_that_refuses_when_queued_then_nothing_is_recorded_as_sent(
    inventory_world,
):
    event = load_event("inventory/queue-levels.json")
    step = parse_step(QueueLevelsInput, event)
    with pytest.raises(ClientError):
        queue_levels(
            step,
            sqs=boto3.client("sqs"),
            queue_url=inventory_world.queue_url + "-missing",
            levels=inventory_world.levels(),
        )
    assert inventory_world.levels().last_sent(["TEE-BLK-M"]) == {}


def test_given_a_batch_over_the_storefront_limit_when_parsed_then_the_input_is_invalid():
    event = load_event("inventory/queue-levels.json")
    event["levels"] = [{"sku": f"S{index}", "available": "1"} for index in range(251)]
    with pytest.raises(StepInputInvalid, match="levels"):
        parse_step(QueueLevelsInput, event)
