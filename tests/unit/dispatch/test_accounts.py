"""Requests name their provider account: its client, its key, its own backoff gate and its own
duplicate check.

The dispatcher here uses the Lambda wiring's `provider_client`, so settings and keys come from
(mocked) SSM and Secrets Manager as in Lambda. The fake ERP serves every account: account
`beta` lives under `/accounts/beta`, with its own key.
"""

import time
from dataclasses import dataclass

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from sluice_shared.dispatch import BatchResult, Dispatcher, default_registry
from sluice_shared.dispatch.callbacks import TaskCallbacks
from sluice_shared.dispatch.deferral import MessageDeferrer
from sluice_shared.dispatch.idempotency import OnceRunner
from sluice_shared.dispatch.wiring import provider_client
from sluice_shared.governor import GovernorTable, integration_key
from tests.fixtures.aws import IDEMPOTENCY_TABLE_NAME, put_provider_settings, put_secret
from tests.fixtures.lambda_context import FakeLambdaContext
from tests.fixtures.logs import capture_logs
from tests.fixtures.provider_server import FakeProvider, ScriptedResponse
from tests.fixtures.providers import ERP, fake_provider_settings
from tests.unit.dispatch.support import FakeStepFunctions, RequestQueue, envelope

DEFAULT_PATH = "/customers/cus-881/orders"
BETA_PATH = "/accounts/beta/customers/cus-881/orders"
BETA_KEY = "erp-beta-key"
CREATED = ScriptedResponse(201, {"id": "hist-1"})
UNAVAILABLE = ScriptedResponse(503, {"message": "down"})


@dataclass
class AccountsWorld:
    """A dispatcher wired as in Lambda, the fake ERP with two accounts, fake Step Functions."""

    dispatcher: Dispatcher
    queue: RequestQueue
    erp: FakeProvider
    stepfunctions: FakeStepFunctions
    governor_table: GovernorTable


@pytest.fixture
def accounts(configured_erp: FakeProvider, mocked_aws: GovernorTable) -> AccountsWorld:
    """ERP settings listing account beta (own URL, key secret named after it) beside default."""
    base = fake_provider_settings(configured_erp.base_url).model_dump(mode="json", by_alias=True)
    accounts = [{"name": "beta", "baseUrl": f"{configured_erp.base_url}/accounts/beta"}]
    put_provider_settings(ERP.settings_parameter, {**base, "accounts": accounts})
    put_secret(f"{ERP.api_key_secret_name}/beta", BETA_KEY)
    queue = RequestQueue()
    stepfunctions = FakeStepFunctions()
    dispatcher = Dispatcher(
        registry=default_registry(),
        client_for=provider_client,
        callbacks=TaskCallbacks(stepfunctions),
        deferrer=MessageDeferrer(queue.client),
        once=OnceRunner(IDEMPOTENCY_TABLE_NAME, boto3.client("dynamodb"), FakeLambdaContext()),
    )
    return AccountsWorld(dispatcher, queue, configured_erp, stepfunctions, mocked_aws)


def keyed(number: int, **changes: object) -> dict:
    """The sample envelope with its own idempotency and business keys."""
    return envelope(
        idempotencyKey=f"order-shopify-{number}-customer-update",
        businessKey=f"order-shopify-{number}",
        **changes,
    )


def test_given_a_request_naming_an_account_then_it_goes_to_that_account_with_its_key(accounts):
    accounts.erp.script("POST", BETA_PATH, CREATED)
    accounts.queue.send(keyed(1, account="beta"))
    result = accounts.dispatcher.process_batch(accounts.queue.receive_event(1))
    [request] = accounts.erp.requests_to("POST", BETA_PATH)
    assert result.outcomes == {"done": 1}
    assert request.headers["authorization"] == f"Bearer {BETA_KEY}"
    assert accounts.erp.requests_to("POST", DEFAULT_PATH) == []


def test_given_a_request_naming_no_account_then_it_goes_to_the_default_account(accounts):
    accounts.erp.script("POST", DEFAULT_PATH, CREATED)
    accounts.queue.send(keyed(1))
    result = accounts.dispatcher.process_batch(accounts.queue.receive_event(1))
    [request] = accounts.erp.requests_to("POST", DEFAULT_PATH)
    assert result.outcomes == {"done": 1}
    assert request.headers["authorization"] == f"Bearer {ERP.api_key}"


def one_by_one(accounts: AccountsWorld, count: int) -> list[BatchResult]:
    """Receive `count` messages, then dispatch each in a batch of its own, in turn."""
    records = accounts.queue.receive_event(count)["Records"]
    return [accounts.dispatcher.process_batch({"Records": [record]}) for record in records]


def test_given_the_same_key_for_two_accounts_then_each_account_gets_its_request(accounts):
    """One key store for all accounts at the ERP: the header carries the account too."""
    accounts.erp.script("POST", DEFAULT_PATH, CREATED)
    accounts.erp.script("POST", BETA_PATH, CREATED)
    accounts.queue.send(keyed(1), keyed(1, account="beta"))
    first, second = one_by_one(accounts, 2)
    [default] = accounts.erp.requests_to("POST", DEFAULT_PATH)
    [beta] = accounts.erp.requests_to("POST", BETA_PATH)
    assert first.outcomes == second.outcomes == {"done": 1}
    assert default.headers["idempotency-key"] == "order-shopify-1-customer-update"
    assert beta.headers["idempotency-key"] == "beta#order-shopify-1-customer-update"


def test_given_the_same_key_twice_for_one_account_then_its_request_is_sent_once(accounts):
    accounts.erp.script("POST", BETA_PATH, CREATED)
    accounts.queue.send(keyed(1, account="beta"), keyed(1, account="beta"))
    first, second = one_by_one(accounts, 2)
    assert first.outcomes == second.outcomes == {"done": 1}
    assert len(accounts.erp.requests_to("POST", BETA_PATH)) == 1


def test_given_no_account_and_the_default_account_by_name_then_they_are_one_request(accounts):
    """Same account, API key and Idempotency-Key: the ERP would take them for one anyway."""
    accounts.erp.script("POST", DEFAULT_PATH, CREATED)
    accounts.queue.send(keyed(1), keyed(1, account="default"))
    first, second = one_by_one(accounts, 2)
    assert first.outcomes == second.outcomes == {"done": 1}
    assert len(accounts.erp.requests_to("POST", DEFAULT_PATH)) == 1


def save_as_before_accounts(body: dict, result: dict) -> None:
    """Record `result` for `body` as the dispatcher did before accounts were in its key:
    Powertools over the whole envelope, keyed by provider, operation and idempotencyKey."""
    config = IdempotencyConfig(
        event_key_jmespath="[provider, operation, idempotencyKey]",
        expires_after_seconds=24 * 3600,
    )
    config.register_lambda_context(FakeLambdaContext())
    persistence = DynamoDBPersistenceLayer(
        table_name=IDEMPOTENCY_TABLE_NAME, boto3_client=boto3.client("dynamodb")
    )

    def perform(request: dict) -> dict:
        return result

    once = idempotent_function(
        perform,
        data_keyword_argument="request",
        persistence_store=persistence,
        config=config,
        key_prefix="sluice.dispatch",
    )
    once(request=body)


def test_given_a_record_from_before_accounts_then_a_duplicate_on_the_default_account_is_caught(
    accounts,
):
    """A deploy while records exist: a duplicate of a request done before it is not sent."""
    save_as_before_accounts(keyed(1), {"id": "hist-before"})
    accounts.queue.send(keyed(1), keyed(1, account="default"))
    first, second = one_by_one(accounts, 2)
    assert first.outcomes == second.outcomes == {"done": 1}
    assert accounts.erp.requests == []


def test_given_an_account_failing_then_its_errors_count_against_it_alone(accounts):
    accounts.erp.script("POST", BETA_PATH, UNAVAILABLE)
    accounts.erp.script("POST", DEFAULT_PATH, CREATED)
    accounts.queue.send(keyed(1, account="beta"), keyed(2))
    result = accounts.dispatcher.process_batch(accounts.queue.receive_event(2))
    beta = accounts.governor_table.read_state(integration_key("erp", "beta"))
    default = accounts.governor_table.read_state(integration_key("erp", "default"))
    assert result.outcomes == {"done": 1, "retried": 1}
    assert (beta.consecutive_errors, default.consecutive_errors) == (1, 0)


def test_given_an_account_backing_off_then_only_its_requests_are_deferred(accounts):
    beta = integration_key("erp", "beta")
    accounts.governor_table.count_error(beta, "ProviderUnavailable", time.time())
    accounts.governor_table.extend_backoff(beta, time.time() + 600)
    accounts.erp.script("POST", DEFAULT_PATH, CREATED)
    accounts.queue.send(keyed(1, account="beta"), keyed(2), keyed(3, account="beta"), keyed(4))
    result = accounts.dispatcher.process_batch(accounts.queue.receive_event(4))
    assert result.outcomes == {"done": 2, "deferred": 2}
    assert accounts.erp.requests_to("POST", BETA_PATH) == []
    assert len(accounts.erp.requests_to("POST", DEFAULT_PATH)) == 2


def test_given_an_unknown_account_with_a_token_then_the_workflow_is_told_by_name(accounts):
    callback = envelope("dispatcher/record-order-callback.json", account="gamma")
    accounts.queue.send(callback)
    result = accounts.dispatcher.process_batch(accounts.queue.receive_event(1))
    [failure] = accounts.stepfunctions.named("SendTaskFailure")
    assert result.outcomes == {"answered": 1}
    assert result.response == {"batchItemFailures": []}
    assert failure["taskToken"] == callback["taskToken"]
    assert failure["error"] == "AccountUnknown"
    assert "'gamma'" in failure["cause"] and "default, beta" in failure["cause"]
    assert accounts.erp.requests == []


def test_given_an_unknown_account_without_a_token_then_it_is_poison_with_the_reason_logged(
    accounts,
):
    logs = capture_logs()
    accounts.queue.send(keyed(1, account="gamma"))
    event = accounts.queue.receive_event(1)
    result = accounts.dispatcher.process_batch(event)
    [poison] = [line for line in logs.lines() if line["message"].startswith("poison message")]
    assert result.outcomes == {"poison": 1}
    assert poison["errorType"] == "AccountUnknown"
    assert poison["account"] == "gamma"
    assert accounts.erp.requests == []


def test_given_an_async_timeout_in_the_settings_then_the_dispatchers_client_uses_it(accounts):
    base = fake_provider_settings(accounts.erp.base_url).model_dump(mode="json", by_alias=True)
    put_provider_settings(ERP.settings_parameter, {**base, "asyncTimeoutSeconds": 100})
    parameters.clear_caches()
    assert provider_client("erp").settings.timeout_seconds == 100
