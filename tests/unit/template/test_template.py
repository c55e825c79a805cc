"""The template and state machines follow the suite's rules: retries, catches, roles, budgets."""

import copy

import pytest

from tests.unit.template.checks import (
    ROOT,
    budget_violations,
    catch_paths_end_in_fail,
    dispatcher_timeout_violations,
    iter_states,
    load_definition,
    load_samconfig,
    load_template,
    resources_of_type,
    shared_roles,
    substitution_violations,
    task_violations,
    ungoverned_provider_callers,
)

TEMPLATE = load_template()
MACHINES = resources_of_type(TEMPLATE, "AWS::Serverless::StateMachine")
FUNCTIONS = resources_of_type(TEMPLATE, "AWS::Serverless::Function")


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_task_declares_retry_catch_and_timeout(machine):
    definition = load_definition(MACHINES[machine]["Properties"]["DefinitionUri"])
    assert task_violations(definition) == []


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_catch_path_ends_in_fail(machine):
    definition = load_definition(MACHINES[machine]["Properties"]["DefinitionUri"])
    assert catch_paths_end_in_fail(definition) == []


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_state_machines_are_standard(machine):
    """Only Standard workflows can be redriven and keep 90 days of history."""
    assert MACHINES[machine]["Properties"]["Type"] == "STANDARD"


def test_every_function_has_its_own_role():
    assert shared_roles(TEMPLATE) == []


def test_every_provider_caller_goes_through_the_governor():
    assert ungoverned_provider_callers(TEMPLATE) == []


def test_check_reports_a_provider_caller_without_the_governor():
    template = copy.deepcopy(TEMPLATE)
    variables = template["Resources"]["UpsertCustomerFunction"]["Properties"]["Environment"]
    del variables["Variables"]["GOVERNOR_TABLE_NAME"]
    assert ungoverned_provider_callers(template) == [
        "UpsertCustomerFunction: calls a provider without GOVERNOR_TABLE_NAME"
    ]


def test_definition_substitutions_match_placeholders():
    assert substitution_violations(TEMPLATE) == []


def test_budgets_fit_the_provider_cap_in_every_environment():
    assert budget_violations(load_samconfig(), TEMPLATE) == []


def test_dispatcher_timeouts_fit_together_in_every_environment():
    """Visibility >= 6 x the dispatcher's timeout; its calls' read timeout fits within it."""
    assert dispatcher_timeout_violations(load_samconfig(), TEMPLATE) == []


def test_every_allowed_dispatcher_timeout_keeps_the_timeouts_together():
    """An operator may deploy any allowed ErpDispatcherTimeoutSeconds (e.g. 900 for calls of
    several minutes): each has its queue visibility and async read timeout in the mapping."""
    allowed = TEMPLATE["Parameters"]["ErpDispatcherTimeoutSeconds"]["AllowedValues"]
    samconfig = {
        f"timeout-{value}": _environment(f"ErpDispatcherTimeoutSeconds={value}")
        for value in allowed
    }
    assert max(int(value) for value in allowed) == 900
    assert dispatcher_timeout_violations(samconfig, TEMPLATE) == []


def test_functions_run_python313_on_arm64_with_tracing():
    function_globals = TEMPLATE["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Tracing"] == "Active"
    assert function_globals["LoggingConfig"]["LogFormat"] == "JSON"


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_functions_carry_no_requirements_of_their_own(function):
    """Third-party code comes from the dependencies layer, built for the Lambda runtime."""
    code_uri = ROOT / FUNCTIONS[function]["Properties"]["CodeUri"]
    assert (code_uri / "app.py").is_file()
    assert not (code_uri / "requirements.txt").exists()


def test_request_queue_redrive_policy_follows_aws_guidance():
    """maxReceiveCount >= 5 and a DLQ that keeps messages longer than its source queue."""
    queue = TEMPLATE["Resources"]["ErpRequestQueue"]["Properties"]
    dlq = TEMPLATE["Resources"]["ErpRequestDeadLetterQueue"]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5
    assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]


def test_dependencies_layer_builds_cross_platform_wheels():
    layer = TEMPLATE["Resources"]["DependenciesLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    makefile = (ROOT / layer["Properties"]["ContentUri"] / "Makefile").read_text()
    for flag in ("manylinux2014_aarch64", "--python-version 3.13", "--only-binary=:all:"):
        assert flag in makefile


# The checks themselves must be able to fail: each is run on a broken copy.


def _orders_definition() -> dict:
    return copy.deepcopy(load_definition("statemachines/orders.asl.json"))


def test_check_reports_a_task_without_retry():
    definition = _orders_definition()
    del definition["States"]["CreateSalesOrder"]["Retry"]
    assert task_violations(definition) == ["CreateSalesOrder: Task has no Retry"]


def test_check_reports_a_task_without_catch_or_timeout():
    definition = _orders_definition()
    del definition["States"]["CreateFulfilment"]["Catch"]
    del definition["States"]["CreateFulfilment"]["TimeoutSeconds"]
    assert task_violations(definition) == [
        "CreateFulfilment: Task has no Catch",
        "CreateFulfilment: Task has no TimeoutSeconds",
    ]


def test_check_finds_tasks_nested_in_parallel_branches():
    branch = {"StartAt": "Inner", "States": {"Inner": {"Type": "Task", "End": True}}}
    definition = {"States": {"Fan": {"Type": "Parallel", "Branches": [branch], "End": True}}}
    assert [name for name, _ in iter_states(definition)] == ["Fan", "Fan.Branches[0].Inner"]
    assert "Fan.Branches[0].Inner: Task has no Retry" in task_violations(definition)


def test_check_reports_a_catch_path_that_succeeds():
    definition = _orders_definition()
    definition["States"]["RecordFailure"]["Next"] = "OrderProcessed"
    assert catch_paths_end_in_fail(definition)


def test_check_reports_functions_sharing_a_role():
    template = copy.deepcopy(TEMPLATE)
    for name in ("ValidateOrderFunction", "UpsertCustomerFunction"):
        template["Resources"][name]["Properties"]["Role"] = "arn:aws:iam::1:role/shared"
    assert "UpsertCustomerFunction shares its role with ValidateOrderFunction" in shared_roles(
        template
    )


def _environment(*overrides: str) -> dict:
    """A samconfig environment deploying with `overrides` ("Name=value")."""
    return {"deploy": {"parameters": {"parameter_overrides": list(overrides)}}}


def test_check_reports_a_budget_over_the_cap():
    samconfig = {
        "greedy": _environment(
            "ErpDispatcherBatchSize=10", "ErpDispatcherConcurrency=3", "ErpSyncBudget=5"
        )
    }
    assert budget_violations(samconfig, TEMPLATE) == [
        "greedy: 10 x 3 + 5 = 35 exceeds the Erp cap of 25"
    ]


def test_check_reports_a_visibility_under_six_dispatcher_timeouts():
    template = copy.deepcopy(TEMPLATE)
    template["Mappings"]["ErpDispatcherTimeouts"]["300"]["QueueVisibilityTimeout"] = 1200
    samconfig = {"long": _environment("ErpDispatcherTimeoutSeconds=300")}
    assert dispatcher_timeout_violations(samconfig, template) == [
        "long: the Erp request queue's VisibilityTimeout 1200 s is under six times the "
        "dispatcher's 300 s timeout"
    ]


def test_check_reports_a_fixed_dispatcher_timeout_the_queue_does_not_follow():
    template = copy.deepcopy(TEMPLATE)
    template["Resources"]["ErpDispatcherFunction"]["Properties"]["Timeout"] = 300
    problems = dispatcher_timeout_violations({}, template)
    assert problems[0].startswith("template defaults: the Erp request queue's VisibilityTimeout")


def test_check_reports_an_async_timeout_that_outlasts_the_dispatcher():
    template = copy.deepcopy(TEMPLATE)
    template["Mappings"]["ErpDispatcherTimeouts"]["120"]["AsyncTimeoutSeconds"] = 115
    assert dispatcher_timeout_violations({}, template) == [
        "template defaults: asyncTimeoutSeconds 115 + connect 3.05 + report margin 5 s do not "
        "fit in the dispatcher's 120 s timeout"
    ]


def test_check_reports_a_dispatcher_timeout_without_mapped_values():
    samconfig = {"odd": _environment("ErpDispatcherTimeoutSeconds=150")}
    assert dispatcher_timeout_violations(samconfig, TEMPLATE) == ["odd: no mapped value for '150'"]


def test_check_reports_a_missing_substitution():
    template = copy.deepcopy(TEMPLATE)
    substitutions = template["Resources"]["OrdersStateMachine"]["Properties"][
        "DefinitionSubstitutions"
    ]
    del substitutions["ErpRequestQueueUrl"]
    assert substitution_violations(template) == [
        "OrdersStateMachine: ${ErpRequestQueueUrl} has no substitution"
    ]
