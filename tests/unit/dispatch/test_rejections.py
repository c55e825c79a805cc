"""The memory of rejected messages: per message id, for later receives only, until it expires."""

import boto3
import pytest

from sluice_shared.dispatch.rejections import Rejection, RejectionMemory
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME
from tests.unit.dispatch.support import NOW

REJECTED_AT_FIRST = Rejection(1, "ProviderRejected", "HTTP 404: no customer CUS-MISSING")


@pytest.fixture
def memory(mocked_aws, frozen_time) -> RejectionMemory:
    """A memory in the mocked idempotency table, remembering for an hour."""
    return RejectionMemory(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), 3600)


def test_given_a_remembered_rejection_when_the_message_comes_again_then_it_is_recalled(memory):
    memory.remember("message-1", REJECTED_AT_FIRST)
    assert memory.recall("message-1", 2) == REJECTED_AT_FIRST
    assert memory.recall("message-1", 10) == REJECTED_AT_FIRST


def test_given_a_remembered_rejection_then_another_message_has_none(memory):
    memory.remember("message-1", REJECTED_AT_FIRST)
    assert memory.recall("message-2", 2) is None


def test_given_a_rejection_at_a_receive_then_that_and_earlier_receives_do_not_recall_it(memory):
    """A message back under its old id with its receive count reset is asked again."""
    memory.remember("message-1", Rejection(3, "ProviderRejected", "HTTP 422"))
    assert memory.recall("message-1", 2) is None
    assert memory.recall("message-1", 3) is None
    assert memory.recall("message-1", 4) is not None


def test_given_a_first_receive_then_nothing_is_looked_up(mocked_aws):
    """A lookup in a missing table would raise: the first receive cannot have been rejected."""
    missing = RejectionMemory("no-such-table", boto3.client("dynamodb"))
    assert missing.recall("message-1", 1) is None


def test_given_an_expired_rejection_then_it_is_not_recalled(memory, frozen_time):
    """DynamoDB's TTL deletes expired items late; the memory ignores them at once."""
    memory.remember("message-1", REJECTED_AT_FIRST)
    frozen_time.sleep(3599)
    assert memory.recall("message-1", 2) is not None
    frozen_time.sleep(1)
    assert memory.recall("message-1", 2) is None


def test_a_rejection_is_stored_beside_the_idempotency_records_with_their_ttl_attribute(memory):
    memory.remember("message-1", REJECTED_AT_FIRST)
    [item] = boto3.client("dynamodb").scan(TableName=IDEMPOTENCY_TABLE_NAME)["Items"]
    assert item["id"] == {"S": "sluice.dispatch.rejected#message-1"}
    assert item["expiration"] == {"N": str(int(NOW) + 3600)}
