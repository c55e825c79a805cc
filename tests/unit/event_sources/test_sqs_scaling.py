"""MaximumConcurrency, batching windows, and the reserved-concurrency trap that fills the DLQ."""

from sluice.event_sources import SqsEventSourceConfig
from tests.unit.event_sources.support import (
    consumer,
    depth,
    dlq_bodies,
    make_queue,
    seen_records,
    send,
)
from tests.unit.lambda_runtime.support import eventually


def test_given_maximum_concurrency_3_under_load_then_exactly_3_invocations_run_at_once(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs, visibility_timeout=600)
    runtime.deploy(consumer("consumer", timeout_seconds=900))
    send(sqs, queue["url"], [{"action": "hold", "gate": "open"} for _ in range(12)])
    config = SqsEventSourceConfig("consumer", queue["arn"], batch_size=1, maximum_concurrency=3)
    mapping = mapping_factory(config)

    mapping.start()
    assert eventually(lambda: probe.peak("consumer") == 3)
    in_flight_while_held = depth(sqs, queue["url"])
    probe.event("open").set()

    assert eventually(lambda: mapping.metrics().deleted == 12)
    assert in_flight_while_held == (9, 3)
    assert probe.peak("consumer") == 3
    assert mapping.metrics().max_concurrent_invocations == 3
    assert runtime.metrics("consumer").peak_concurrency == 3


def test_given_a_batching_window_then_batches_above_10_are_gathered_over_several_receives(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"n": n} for n in range(30)])
    config = SqsEventSourceConfig(
        "consumer", queue["arn"], batch_size=25, maximum_batching_window_seconds=30
    )
    mapping = mapping_factory(config, default_concurrency=1)

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 30)
    assert probe.notes("consumer:batches") == ["25", "5"]


def test_given_a_batching_window_then_messages_sent_during_it_join_the_batch(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"n": 0}])
    config = SqsEventSourceConfig(
        "consumer", queue["arn"], batch_size=3, maximum_batching_window_seconds=60
    )
    mapping = mapping_factory(config, default_concurrency=1)

    mapping.start()
    assert eventually(lambda: depth(sqs, queue["url"]) == (0, 1))
    send(sqs, queue["url"], [{"n": 1}, {"n": 2}])

    assert eventually(lambda: mapping.metrics().deleted == 3)
    assert probe.notes("consumer:batches") == ["3"]


def test_given_no_batching_window_then_each_batch_is_what_one_receive_returned(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs)
    runtime.deploy(consumer("consumer"))
    send(sqs, queue["url"], [{"n": n} for n in range(12)])
    mapping = mapping_factory(SqsEventSourceConfig("consumer", queue["arn"], batch_size=10))

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 12)
    assert sorted(int(size) for size in probe.notes("consumer:batches"))[-1] <= 10


def test_given_reserved_below_maximum_concurrency_then_unprocessed_messages_reach_the_dlq(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs, visibility_timeout=20, max_receive_count=2)
    runtime.deploy(consumer("consumer", timeout_seconds=900, reserved_concurrency=1))
    ids = send(sqs, queue["url"], [{"action": "hold", "gate": "open", "n": n} for n in range(6)])
    config = SqsEventSourceConfig("consumer", queue["arn"], batch_size=1, maximum_concurrency=4)
    mapping = mapping_factory(config)

    mapping.start()
    assert eventually(lambda: len(dlq_bodies(sqs, queue["dlq_url"])) >= 3)
    probe.event("open").set()
    mapping.stop(5)

    processed = {record["messageId"] for record in seen_records(probe, "consumer")}
    never_processed = {n for n, message_id in enumerate(ids) if message_id not in processed}
    dead = {body["n"] for body in dlq_bodies(sqs, queue["dlq_url"])}
    assert mapping.metrics().throttled_batches > 0
    assert runtime.metrics("consumer").throttles == mapping.metrics().throttled_batches
    assert len(dead & never_processed) >= len(dead) - 1 >= 2


def test_given_reserved_concurrency_at_least_maximum_concurrency_then_nothing_is_throttled(
    sqs, runtime, probe, mapping_factory
):
    queue = make_queue(sqs, visibility_timeout=60, max_receive_count=2)
    runtime.deploy(consumer("consumer", reserved_concurrency=2))
    send(sqs, queue["url"], [{"n": n} for n in range(8)])
    config = SqsEventSourceConfig("consumer", queue["arn"], batch_size=1, maximum_concurrency=2)
    mapping = mapping_factory(config)

    mapping.start()

    assert eventually(lambda: mapping.metrics().deleted == 8)
    assert mapping.metrics().throttled_batches == 0
    assert dlq_bodies(sqs, queue["dlq_url"]) == []
