"""The ERP dispatcher on the local cloud: the template's queue, DLQ, mapping, function and ERP.

Requests go onto the ERP request queue as the workflows send them; the template's SQS event
source mapping feeds the dispatcher; the simulated ERP records every request; the dispatcher's
function log (see `FunctionLog`) says how each receive of a message ended.
- done: a request is performed once and its message deleted; a duplicate delivery of the
  same envelope (same idempotencyKey) has a single effect at the ERP;
- deferred: a 429 with Retry-After hides the message for the Retry-After, then it is done;
- answered: a waiting workflow (a small state machine on `sqs:sendMessage.waitForTaskToken`)
  gets SendTaskSuccess with the result, or SendTaskFailure with the error's name;
- poison: a message that can never succeed and has no task token reaches the DLQ after the
  queue's maxReceiveCount receives, its reason logged at each one, the ERP asked only once for
  the one it rejects; nothing else is lost.

Time: the dispatcher hides a poison message for its poison delay (30 s by default), not the
queue's VisibilityTimeout (720 s), so its 10 receives (maxReceiveCount) take about 5 minutes
of clock time, where ten visibility timeouts would take 2 hours. The longest wait left is the
copy received while its twin is in progress, hidden for the rest of its invocation (at most the
dispatcher's 120 s function timeout, plus 1 s): TIME_SCALE 25 fits it in under 5 s and the
poison in about 12 s, while the function timeout still lasts 4.8 real seconds on a loaded
machine. The
poison scenario runs last, so the 429 scenario's throttle cannot turn one of its receives into
a deferral.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from sluice.cloud.local_cloud import LocalCloud
from sluice.simulators import ErpSimulator
from sluice_shared.settings import DEFAULT_DISPATCH_POISON_DELAY_SECONDS
from tests.fixtures.events import load_event
from tests.workflows.support import event_types, eventually, running_cloud

TIME_SCALE = 25
DISPATCHER = "ErpDispatcherFunction"
# The shared layer's Powertools logger is named after POWERTOOLS_SERVICE_NAME (template Globals).
SERVICE_LOGGER = "sluice"
FUNCTION_NAME_VARIABLE = "AWS_LAMBDA_FUNCTION_NAME"
REQUEST_QUEUE = "ErpRequestQueue"
DEAD_LETTER_QUEUE = "ErpRequestDeadLetterQueue"
# The longest a copy received while its twin is in progress stays hidden: the rest of its
# invocation (the dispatcher's 120 s timeout, template.yaml) plus 1 s; and maxReceiveCount.
TWIN_WAIT = 121
MAX_RECEIVE_COUNT = 10
# Retry-After of the ERP's 429: longer than the dispatcher's first-deferral floor (30 s), so the
# wait is the provider's.
RETRY_AFTER = 120
# Real seconds to wait for work that takes no clock time (plus the clock time it needs).
PATIENCE = 15.0
# How long the dispatcher hides a poison message (the template leaves the default), in clock
# seconds. The poison bound is 42 real seconds: ten visibility timeouts would take 288.
POISON_DELAY = DEFAULT_DISPATCH_POISON_DELAY_SECONDS
POISON_TIMEOUT = MAX_RECEIVE_COUNT * POISON_DELAY / TIME_SCALE + 30.0
CALLBACK_MACHINE = "sluice-dev-dispatch-callback-test"
TASK_EVENTS = {"TaskSubmitted", "TaskSucceeded", "TaskFailed", "TaskTimedOut"}
COMPANIONS = 5

DONE_LINE = "request done"
NOT_DONE_LINE = "request not done; the message stays on the queue"
POISON_LINE = "poison message: it reaches the DLQ after maxReceiveCount"


class FunctionLog(logging.Handler):
    """The JSON lines one function writes through the shared layer's logger, as its log has them.

    Lambda sends what a function prints to its log; the local cloud's `FunctionLogRouter` files
    it by the invocation's `AWS_LAMBDA_FUNCTION_NAME`. Under pytest that route is not reliable:
    the Powertools logger keeps the stdout of the first logger made in the process (often
    pytest's capture), so this handler on the same logger files lines the same way instead.
    """

    def __init__(self, function_name: str) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(LambdaPowertoolsFormatter())
        self._function_name = function_name
        self._lines: list[dict[str, Any]] = []
        self._lines_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the line when the invocation writing it is the function's."""
        if os.environ.get(FUNCTION_NAME_VARIABLE) != self._function_name:
            return
        line = json.loads(self.format(record))
        with self._lines_lock:
            self._lines.append(line)

    def lines(self) -> list[dict[str, Any]]:
        """Every line so far, oldest first."""
        with self._lines_lock:
            return list(self._lines)


class ErpRequests:
    """The ERP request queue and its DLQ, the dispatcher's log, and the simulated ERP."""

    def __init__(self, cloud: LocalCloud, log: FunctionLog) -> None:
        assert cloud.model is not None
        self.cloud = cloud
        self.erp: ErpSimulator = cloud.simulators.erp
        self.queue_url_in_template = cloud.model.queues[REQUEST_QUEUE].url
        self._sqs = boto3.client(
            "sqs", endpoint_url=cloud.moto_url, region_name=cloud.model.stack.region
        )
        self.url = self._url(REQUEST_QUEUE)
        self.dlq_url = self._url(DEAD_LETTER_QUEUE)
        self._log = log
        self._customers = 0

    def _url(self, logical_id: str) -> str:
        assert self.cloud.model is not None
        name = self.cloud.model.queues[logical_id].name
        return str(self._sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def new_customer(self) -> str:
        """A customer seeded in the ERP (each test its own), by id."""
        self._customers += 1
        return str(self.erp.add_customer(f"dispatch-{self._customers}@example.com")["id"])

    def send(self, body: dict[str, Any] | str) -> str:
        """Put one message on the request queue (a dict as JSON); its message id."""
        text = body if isinstance(body, str) else json.dumps(body)
        return str(self._sqs.send_message(QueueUrl=self.url, MessageBody=text)["MessageId"])

    def depth(self, url: str | None = None) -> int:
        """Messages on a queue (the request queue by default), visible or in flight."""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=url or self.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    def dead_letters(self) -> list[str]:
        """The bodies on the DLQ (received and made visible again at once)."""
        messages = self._sqs.receive_message(
            QueueUrl=self.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=0
        ).get("Messages", [])
        return sorted(message["Body"] for message in messages)

    def drained(self, timeout: float = PATIENCE) -> bool:
        """Whether the request queue empties within `timeout` real seconds."""
        return eventually(lambda: self.depth() == 0, timeout)

    def log_lines(self, message_id: str, message: str | None = None) -> list[dict[str, Any]]:
        """The dispatcher's JSON log lines about one message (with that `message`), in order."""
        return [
            line
            for line in self._log.lines()
            if line.get("messageId") == message_id and message in (None, line.get("message"))
        ]

    def logged(self, message_id: str, message: str, timeout: float = PATIENCE) -> bool:
        """Whether the dispatcher logs `message` about the message within `timeout` seconds."""
        return eventually(lambda: bool(self.log_lines(message_id, message)), timeout)

    def posts(self, customer_id: str) -> list[Any]:
        """The ERP's journal of `POST /customers/{id}/orders` for one customer."""
        return self.erp.requests("POST", f"/customers/{customer_id}/orders")


def record_order(customer_id: str, number: int, **changes: Any) -> dict[str, Any]:
    """The sample `customers.recordOrder` envelope for a customer, with its own keys."""
    sample = json.loads(load_event("dispatcher/record-order.json")["Records"][0]["body"])
    envelope = {
        **sample,
        "idempotencyKey": f"order-dispatch-{number}-customer-update",
        "businessKey": f"order-dispatch-{number}",
        "payload": {**sample["payload"], "customerId": customer_id, "salesOrderId": f"SO-{number}"},
    }
    return {**envelope, **changes}


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud of the real template, with quiet simulators."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def erp_requests(cloud: LocalCloud) -> Iterator[ErpRequests]:
    """The module's view of the ERP request queue, DLQ, dispatcher log and ERP."""
    log = FunctionLog(cloud.function_name(DISPATCHER))
    service_logger = logging.getLogger(SERVICE_LOGGER)
    service_logger.addHandler(log)
    try:
        yield ErpRequests(cloud, log)
    finally:
        service_logger.removeHandler(log)


@pytest.fixture(autouse=True)
def _nothing_left_behind(erp_requests: ErpRequests) -> Iterator[None]:
    """Each test leaves the request queue empty and the ERP idle and answering normally."""
    yield
    assert erp_requests.drained(), f"{erp_requests.depth()} messages left on the queue"
    erp_requests.erp.resume()
    assert erp_requests.erp.wait_until_idle(PATIENCE)


# Done once


def test_when_a_request_is_queued_then_the_erp_gets_it_once_and_the_message_is_deleted(
    erp_requests,
):
    customer = erp_requests.new_customer()
    envelope = record_order(customer, 1)

    message_id = erp_requests.send(envelope)

    assert erp_requests.logged(message_id, DONE_LINE)
    assert erp_requests.drained()
    [post] = erp_requests.posts(customer)
    assert (post.status, post.idempotency_key) == (201, envelope["idempotencyKey"])
    assert [entry["externalReference"] for entry in erp_requests.erp.order_history(customer)] == [
        envelope["businessKey"]
    ]
    [done] = erp_requests.log_lines(message_id, DONE_LINE)
    assert (done["receiveCount"], done["businessKey"]) == (1, envelope["businessKey"])


def test_when_the_same_envelope_is_delivered_again_then_the_erp_sees_one_effect(erp_requests):
    customer = erp_requests.new_customer()
    envelope = record_order(customer, 2)
    first = erp_requests.send(envelope)
    assert erp_requests.logged(first, DONE_LINE)

    duplicate = erp_requests.send(envelope)

    assert erp_requests.logged(duplicate, DONE_LINE)
    assert erp_requests.drained()
    assert len(erp_requests.erp.order_history(customer)) == 1
    assert len(erp_requests.posts(customer)) == 1


def test_when_two_copies_arrive_together_then_both_are_deleted_and_the_erp_sees_one_effect(
    erp_requests,
):
    """A copy received while the other is in progress is hidden until that invocation ends."""
    customer = erp_requests.new_customer()
    envelope = record_order(customer, 3)

    copies = [erp_requests.send(envelope), erp_requests.send(envelope)]

    timeout = PATIENCE + TWIN_WAIT / TIME_SCALE
    assert all(erp_requests.logged(copy, DONE_LINE, timeout) for copy in copies)
    assert erp_requests.drained()
    assert len(erp_requests.erp.order_history(customer)) == 1
    assert [post.status for post in erp_requests.posts(customer)] == [201]


# Deferred by a 429


@dataclass(frozen=True)
class Throttled:
    """A request whose first ERP call got 429 + Retry-After: its ERP calls and log lines."""

    message_id: str
    customer: str
    posts: list[Any]
    deferred: list[dict[str, Any]]
    done: list[dict[str, Any]]


@pytest.fixture(scope="module")
def throttled(erp_requests: ErpRequests) -> Throttled:
    """The ERP at its cap (1, one held request) answers the dispatcher 429; then it frees up."""
    erp = erp_requests.erp
    customer = erp_requests.new_customer()
    with erp.configured(concurrency_cap=1, retry_after_seconds=RETRY_AFTER):
        erp.pause()
        holder = threading.Thread(target=_hold_a_connection, args=(erp,), daemon=True)
        holder.start()
        try:
            assert erp.wait_for_in_flight(1, PATIENCE)
            message_id = erp_requests.send(record_order(customer, 4))
            assert eventually(lambda: bool(erp_requests.posts(customer)), PATIENCE)
        finally:
            erp.resume()
            holder.join(PATIENCE)
    assert erp_requests.logged(message_id, DONE_LINE, PATIENCE + RETRY_AFTER / TIME_SCALE)
    return Throttled(
        message_id=message_id,
        customer=customer,
        posts=erp_requests.posts(customer),
        deferred=erp_requests.log_lines(message_id, NOT_DONE_LINE),
        done=erp_requests.log_lines(message_id, DONE_LINE),
    )


def _hold_a_connection(erp: ErpSimulator) -> None:
    """One ERP request that stays in flight while the ERP is paused."""
    answer = requests.get(
        f"{erp.url}/customers",
        headers={"Authorization": f"Bearer {erp.settings.api_key}"},
        timeout=PATIENCE,
    )
    answer.raise_for_status()


def test_given_a_429_then_the_message_is_deferred_by_the_retry_after_not_failed(throttled):
    [deferred] = throttled.deferred
    assert deferred["receiveCount"] == 1
    assert deferred["errorType"] == "MessageDeferred"
    assert f"visible again in {RETRY_AFTER} s" in deferred["reason"]


def test_given_a_429_then_the_erp_is_not_asked_again_before_the_retry_after(throttled):
    """Asked again once the Retry-After passed: not before, and long before the queue's 720 s
    visibility timeout would have let it back."""
    first, second = throttled.posts
    waited = (second.arrived_at - first.arrived_at).total_seconds()
    assert (first.status, second.status) == (429, 201)
    assert RETRY_AFTER <= waited < 2 * RETRY_AFTER


def test_given_a_429_then_the_next_receive_is_done_and_nothing_reaches_the_dlq(
    throttled, erp_requests
):
    [done] = throttled.done
    assert done["receiveCount"] == 2
    assert len(erp_requests.erp.order_history(throttled.customer)) == 1
    assert erp_requests.dead_letters() == []


# Answered to a waiting workflow


@pytest.fixture(scope="module")
def callback_machine(cloud: LocalCloud, erp_requests: ErpRequests) -> str:
    """A state machine that sends its input as an envelope with its task token and waits."""
    assert cloud.engine is not None and cloud.model is not None
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "SendAndWait",
        "States": {
            "SendAndWait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Arguments": {
                    "QueueUrl": erp_requests.queue_url_in_template,
                    "MessageBody": {
                        "provider": "{% $states.input.provider %}",
                        "operation": "{% $states.input.operation %}",
                        "idempotencyKey": "{% $states.input.idempotencyKey %}",
                        "businessKey": "{% $states.input.businessKey %}",
                        "payload": "{% $states.input.payload %}",
                        "taskToken": "{% $states.context.Task.Token %}",
                    },
                },
                "TimeoutSeconds": 3600,
                "End": True,
            }
        },
    }
    created = cloud.engine.create_state_machine(
        {
            "name": CALLBACK_MACHINE,
            "definition": json.dumps(definition),
            "roleArn": f"arn:aws:iam::{cloud.model.stack.account_id}:role/{CALLBACK_MACHINE}",
            "type": "STANDARD",
        }
    )
    return str(created["stateMachineArn"])


def run_callback(cloud: LocalCloud, machine: str, envelope: dict[str, Any]) -> dict[str, Any]:
    """Start the callback machine with `envelope`; its description once it closed."""
    assert cloud.engine is not None
    started = cloud.engine.start_execution(
        {"stateMachineArn": machine, "name": envelope["businessKey"], "input": json.dumps(envelope)}
    )
    description = cloud.engine.wait_for_execution(started["executionArn"], timeout=PATIENCE)
    assert description["status"] != "RUNNING", "the workflow is still waiting for its answer"
    return description


def task_events(cloud: LocalCloud, execution_arn: str) -> list[str]:
    """The execution's task events after scheduling: the send, then the workflow's answer."""
    assert cloud.engine is not None
    history = cloud.engine.get_execution_history(
        {"executionArn": execution_arn, "maxResults": 1000}
    )
    types = event_types(history["events"])
    return [name for name in types if name in TASK_EVENTS]


def test_given_a_waiting_workflow_when_the_request_is_done_then_it_gets_the_result(
    cloud, callback_machine, erp_requests
):
    customer = erp_requests.new_customer()
    envelope = record_order(customer, 5)

    description = run_callback(cloud, callback_machine, envelope)

    assert description["status"] == "SUCCEEDED"
    [entry] = erp_requests.erp.order_history(customer)
    assert json.loads(description["output"]) == entry
    assert entry["externalReference"] == envelope["businessKey"]
    assert task_events(cloud, description["executionArn"]) == ["TaskSubmitted", "TaskSucceeded"]


def test_given_a_waiting_workflow_when_the_erp_rejects_the_request_then_it_fails_by_name(
    cloud, callback_machine, erp_requests
):
    """An unknown customer: the ERP answers 404 once; the workflow gets ProviderRejected."""
    envelope = record_order("CUS-UNKNOWN", 6)

    description = run_callback(cloud, callback_machine, envelope)

    assert description["status"] == "FAILED"
    assert description["error"] == "ProviderRejected"
    assert "HTTP 404" in description["cause"]
    assert task_events(cloud, description["executionArn"]) == ["TaskSubmitted", "TaskFailed"]
    assert [post.status for post in erp_requests.posts("CUS-UNKNOWN")] == [404]
    assert erp_requests.drained()
    assert erp_requests.dead_letters() == []


def test_given_a_waiting_workflow_when_the_envelope_is_invalid_then_it_fails_by_name(
    cloud, callback_machine, erp_requests
):
    """A payload without salesOrderId: RequestInvalid, and the ERP is never called."""
    customer = erp_requests.new_customer()
    envelope = record_order(customer, 7, payload={"customerId": customer})

    description = run_callback(cloud, callback_machine, envelope)

    assert description["status"] == "FAILED"
    assert description["error"] == "RequestInvalid"
    assert "salesOrderId" in description["cause"]
    assert erp_requests.posts(customer) == []


# Poison


@dataclass(frozen=True)
class Poisoned:
    """Poison messages sent with valid companions, once the poison reached the DLQ."""

    malformed: str
    rejected: str
    bodies: list[str]
    customer: str
    companions: list[str]
    dead_letters: list[str]


@pytest.fixture(scope="module")
def poisoned(erp_requests: ErpRequests) -> Poisoned:
    """A body that is no envelope and a request the ERP rejects (no task token), among valid
    requests; waits (bounded, well under ten visibility timeouts) until both poison messages
    are on the DLQ."""
    customer = erp_requests.new_customer()
    malformed_body = load_event("dispatcher/malformed-body.json")["Records"][0]["body"]
    rejected_body = json.dumps(record_order("CUS-MISSING", 8))
    malformed = erp_requests.send(malformed_body)
    rejected = erp_requests.send(rejected_body)
    companions = [
        erp_requests.send(record_order(customer, 100 + number)) for number in range(COMPANIONS)
    ]
    reached = eventually(lambda: erp_requests.depth(erp_requests.dlq_url) == 2, POISON_TIMEOUT)
    assert reached, f"the DLQ holds {erp_requests.depth(erp_requests.dlq_url)} messages"
    return Poisoned(
        malformed=malformed,
        rejected=rejected,
        bodies=sorted([malformed_body, rejected_body]),
        customer=customer,
        companions=companions,
        dead_letters=erp_requests.dead_letters(),
    )


def test_given_poison_then_the_dlq_holds_exactly_the_poison_messages(poisoned, erp_requests):
    assert poisoned.dead_letters == poisoned.bodies
    assert erp_requests.drained()


def test_given_poison_then_each_receive_up_to_max_receive_count_logs_the_reason(
    poisoned, erp_requests
):
    expected = {poisoned.malformed: "RequestInvalid", poisoned.rejected: "ProviderRejected"}
    for message_id, error_type in expected.items():
        lines = erp_requests.log_lines(message_id, POISON_LINE)
        assert [line["receiveCount"] for line in lines] == list(range(1, MAX_RECEIVE_COUNT + 1))
        assert {line["errorType"] for line in lines} == {error_type}
        assert all(line["level"] == "ERROR" and line["reason"] for line in lines)
        assert {line["visibleAgainInSeconds"] for line in lines} == {POISON_DELAY}
    malformed = erp_requests.log_lines(poisoned.malformed, POISON_LINE)
    assert all(line["reason"].startswith("invalid request envelope") for line in malformed)
    rejected = erp_requests.log_lines(poisoned.rejected, POISON_LINE)
    assert all("CUS-MISSING" in line["reason"] for line in rejected)
    assert all("HTTP 404" in line["reason"] for line in rejected)


def test_given_poison_then_the_erp_was_asked_once_for_the_rejected_one(poisoned, erp_requests):
    """The first receive's rejection is remembered: the later receives do not ask again."""
    statuses = [post.status for post in erp_requests.posts("CUS-MISSING")]
    assert statuses == [404]
    later = erp_requests.log_lines(poisoned.rejected, POISON_LINE)[1:]
    assert [line.get("rejectedAtReceive") for line in later] == [1] * (MAX_RECEIVE_COUNT - 1)


def test_given_poison_then_the_valid_requests_beside_it_were_each_done_once(poisoned, erp_requests):
    history = erp_requests.erp.order_history(poisoned.customer)
    assert sorted(entry["externalReference"] for entry in history) == sorted(
        f"order-dispatch-{100 + number}" for number in range(COMPANIONS)
    )
    for message_id in poisoned.companions:
        [done] = erp_requests.log_lines(message_id, DONE_LINE)
        assert done["receiveCount"] == 1
