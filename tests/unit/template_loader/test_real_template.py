"""The suite's own template.yaml loads as the dev stack, every reference resolved."""

from __future__ import annotations

import json

import pytest

from sluice.template import TemplateModel, load_template
from sluice_shared.providers.config import ProviderSettings
from tests.unit.template_loader.conftest import REAL_TEMPLATE

ACCOUNT_REGION = "us-east-1:123456789012"
ORDERS_ARN = f"arn:aws:states:{ACCOUNT_REGION}:stateMachine:sluice-dev-orders"


@pytest.fixture(scope="module")
def model() -> TemplateModel:
    """template.yaml loaded with samconfig's dev environment, as the local cloud loads it."""
    return load_template(REAL_TEMPLATE)


def test_stack_name_and_region_come_from_samconfig_dev(model):
    assert model.stack.stack_name == "sluice-dev"
    assert model.stack.region == "us-east-1"
    assert model.stack.account_id == "123456789012"


def test_ingest_function_environment_is_resolved(model):
    """GIVEN Globals and function variables WHEN loaded THEN every variable is a resolved string."""
    environment = model.functions["IngestOrderFunction"].environment
    assert (
        environment
        | {
            "POWERTOOLS_SERVICE_NAME": "sluice",
            "POWERTOOLS_METRICS_NAMESPACE": "Sluice",
            "POWERTOOLS_LOG_LEVEL": "DEBUG",
            "SLUICE_ENVIRONMENT": "dev",
            "ORDERS_STATE_MACHINE_ARN": ORDERS_ARN,
            "ORDERS_TABLE_NAME": "sluice-dev-orders",
            "WEBHOOK_SECRET_NAME": "sluice/dev/storefront/webhook-secret",
            "MAX_WEBHOOK_BYTES": "262144",
        }
        == environment
    )
    assert all(isinstance(value, str) for value in environment.values())


def test_function_settings_merge_globals_with_the_function(model):
    function = model.functions["UpsertCustomerFunction"]
    assert function.runtime == "python3.13"
    assert function.architectures == ("arm64",)
    assert function.timeout == 45
    assert function.memory_size == 256
    assert (function.handler_module, function.handler_function) == ("app", "handler")
    assert function.code_uri == REAL_TEMPLATE.parent / "functions/orders/upsert_customer"
    assert (function.code_uri / "app.py").is_file()


def test_functions_get_both_layers_in_global_order(model):
    layers = model.functions["ValidateOrderFunction"].layers
    assert [layer.logical_id for layer in layers] == ["DependenciesLayer", "SharedLayer"]
    shared = model.layers["SharedLayer"]
    assert shared.python_path == REAL_TEMPLATE.parent / "layers/shared/python"
    assert (shared.python_path / "sluice_shared").is_dir()
    assert shared.arn == f"arn:aws:lambda:{ACCOUNT_REGION}:layer:sluice-dev-shared:1"


def test_state_machine_definition_has_function_arns_and_queue_url(model):
    machine = model.state_machines["OrdersStateMachine"]
    definition = json.loads(machine.definition)
    text = machine.definition
    for function_id in (
        "ValidateOrderFunction",
        "UpsertCustomerFunction",
        "CreateSalesOrderFunction",
        "CreateFulfilmentFunction",
    ):
        assert model.functions[function_id].arn in text
    assert model.queues["ErpRequestQueue"].url in text
    assert "${" not in text
    assert definition["StartAt"] == "ValidateOrder"
    assert machine.name == "sluice-dev-orders"
    assert machine.type == "STANDARD"


def test_request_queue_redrives_to_the_resolved_dead_letter_queue(model):
    queue = model.queues["ErpRequestQueue"]
    dlq = model.queues["ErpRequestDeadLetterQueue"]
    assert queue.url == "https://sqs.us-east-1.amazonaws.com/123456789012/sluice-dev-erp-requests"
    assert queue.visibility_timeout == 720
    assert queue.dead_letter_target.logical_id == "ErpRequestDeadLetterQueue"
    assert json.loads(queue.attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq.arn,
        "maxReceiveCount": 10,
    }


def test_budget_parameters_resolve_into_the_erp_settings(model):
    settings = json.loads(model.ssm_parameters["ErpSettingsParameter"].value)
    assert model.ssm_parameters["ErpSettingsParameter"].name == "/sluice/dev/providers/erp"
    assert settings == {
        "baseUrl": "https://erp.sandbox.example.com/api",
        "timeoutSeconds": 25,
        "asyncTimeoutSeconds": 100,
        "connectTimeoutSeconds": 3.05,
        "connectionCap": 25,
        "syncBudget": 10,
        "dispatcherBatchSize": 1,
        "dispatcherConcurrency": 15,
        "accounts": [],
    }


def test_parameter_precedence_default_then_samconfig_then_override():
    """GIVEN LogLevel INFO by default and DEBUG in samconfig dev WHEN overridden THEN that wins."""
    defaults = load_template(REAL_TEMPLATE, config_env=None)
    dev = load_template(REAL_TEMPLATE)
    overridden = load_template(REAL_TEMPLATE, parameter_overrides={"LogLevel": "WARN"})
    assert defaults.parameters["LogLevel"] == "INFO"
    assert defaults.parameters["ErpBaseUrl"] == "https://erp.example.com/api"
    assert dev.parameters["LogLevel"] == "DEBUG"
    assert dev.parameters["ErpBaseUrl"] == "https://erp.sandbox.example.com/api"
    assert overridden.parameters["LogLevel"] == "WARN"
    assert overridden.parameters["ErpBaseUrl"] == "https://erp.sandbox.example.com/api"
    environment = overridden.functions["IngestOrderFunction"].environment
    assert environment["POWERTOOLS_LOG_LEVEL"] == "WARN"


def test_override_of_a_budget_reaches_the_settings_parameter():
    model = load_template(REAL_TEMPLATE, parameter_overrides={"ErpDispatcherBatchSize": 4})
    settings = json.loads(model.ssm_parameters["ErpSettingsParameter"].value)
    assert settings["dispatcherBatchSize"] == 4


def test_the_dispatcher_timeout_sets_its_queue_visibility_and_async_read_timeout(model):
    """GIVEN the default dispatcher timeout (120 s) or 600 s WHEN loaded THEN the function, its
    queue (six times it) and the ERP settings' asyncTimeoutSeconds follow it."""
    long_calls = load_template(
        REAL_TEMPLATE, parameter_overrides={"ErpDispatcherTimeoutSeconds": 600}
    )
    for loaded, timeout, visibility, read in ((model, 120, 720, 100), (long_calls, 600, 3600, 580)):
        assert loaded.functions["ErpDispatcherFunction"].timeout == timeout
        assert loaded.queues["ErpRequestQueue"].visibility_timeout == visibility
        value = loaded.ssm_parameters["ErpSettingsParameter"].value
        assert ProviderSettings.model_validate_json(value).async_timeout_seconds == read


def test_erp_accounts_reach_the_settings_parameter_as_accounts():
    """GIVEN ErpAccounts naming one more account THEN the ERP settings list it, and it parses."""
    accounts = [{"name": "acme", "baseUrl": "https://acme.erp.example.com/api"}]
    model = load_template(REAL_TEMPLATE, parameter_overrides={"ErpAccounts": json.dumps(accounts)})
    value = model.ssm_parameters["ErpSettingsParameter"].value
    assert ProviderSettings.model_validate_json(value).account_names == ("default", "acme")


def test_staging_environment_scopes_names(model):
    staging = load_template(REAL_TEMPLATE, config_env="staging")
    assert staging.stack.stack_name == "sluice-staging"
    assert staging.tables["OrdersTable"].name == "sluice-staging-orders"
    assert "sluice/staging/erp/api-key" in staging.referenced_secret_names


def test_webhook_route_is_on_the_orders_api(model):
    api = model.http_apis["OrdersApi"]
    (route,) = api.routes
    assert route.function_logical_id == "IngestOrderFunction"
    assert (route.method, route.path) == ("POST", "/webhooks/orders/{source}")
    assert route.payload_format_version == "2.0"
    assert model.outputs["OrdersWebhookUrl"] == f"{api.endpoint}/webhooks/orders"


def test_status_change_rule_targets_the_failure_recorder_with_sam_dead_letter_queue(model):
    """SAM generates the rule `<Function><Event>` and its DLQ `<Function><Event>Queue`."""
    rule = model.event_rules["RecordExecutionFailureFunctionExecutionStopped"]
    (target,) = rule.targets
    ((pattern,),) = [rule.event_pattern["detail"]["stateMachineArn"]]
    machine_arns = [machine.arn for machine in model.state_machines.values()]
    assert all(arn.startswith(pattern["prefix"]) for arn in machine_arns)
    assert target.target.logical_id == "RecordExecutionFailureFunction"
    assert target.retry_policy.maximum_retry_attempts == 185
    assert target.dead_letter.logical_id == "RecordExecutionFailureFunctionExecutionStoppedQueue"
    assert "RecordExecutionFailureFunctionExecutionStoppedQueue" in model.queues


def test_tables_keep_key_schema_and_ttl(model):
    failures = model.tables["OpsFailuresTable"]
    assert failures.key_schema == (
        {"AttributeName": "businessKey", "KeyType": "HASH"},
        {"AttributeName": "failureId", "KeyType": "RANGE"},
    )
    assert failures.billing_mode == "PAY_PER_REQUEST"
    assert model.tables["IdempotencyTable"].ttl_attribute == "expiration"


def test_secrets_referenced_by_policies_are_listed(model):
    assert {
        "sluice/dev/erp/api-key",
        "sluice/dev/storefront/webhook-secret",
        "sluice/dev/warehouse/api-key",
    } <= set(model.referenced_secret_names)


def test_iam_roles_sam_generates_are_ignored_with_a_reason(model):
    ignored = model.ignored["IngestOrderFunctionRole"]
    assert ignored.resource_type == "AWS::IAM::Role"
    assert "IAM" in ignored.reason


def test_functions_and_state_machines_are_found_by_arn(model):
    """The engine invokes functions by the ARNs substituted into the definition."""
    function = model.functions["CreateSalesOrderFunction"]
    assert model.function_by_arn(function.arn) is function
    assert model.function_by_arn(function.name) is function
    assert model.function_by_arn("arn:aws:lambda:us-east-1:123456789012:function:other") is None
    assert model.state_machine_by_arn(ORDERS_ARN) is model.state_machines["OrdersStateMachine"]


def test_state_machine_log_group_is_named_by_the_environment(model):
    group = model.log_groups["OrdersStateMachineLogGroup"]
    assert group.name == "/aws/vendedlogs/states/sluice-dev-orders"
    assert group.retention_days == 90
