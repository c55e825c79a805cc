"""The operations staff policy: read, redrive and re-run the suite's executions, nothing else.

Checked statically with a small evaluator (moto has no IAM policy simulation): the template's
`OperationsStaffPolicy`, with `!Sub` resolved for the dev stack, against Step Functions'
actions and resources of this suite, of another environment and of another application.
"""

import re
from typing import Any

import pytest

from tests.unit.ops.iam_evaluator import is_allowed, wildcard_matches
from tests.unit.template.checks import load_template

STACK = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "Environment": "dev",
}
PREFIX = "arn:aws:states:us-east-1:123456789012"
MACHINE = f"{PREFIX}:stateMachine:sluice-dev-orders"
EXECUTION = f"{PREFIX}:execution:sluice-dev-orders:order-shopify-1042"
MAP_RUN = f"{PREFIX}:mapRun:sluice-dev-inventory/Batches:0f1e2d3c"
CHILD_EXECUTION = f"{PREFIX}:execution:sluice-dev-inventory/Batches:0f1e2d3c:a1b2"
# Every Step Functions action (Service Authorization Reference), to prove the rest is denied.
STEP_FUNCTIONS_ACTIONS = [
    "CreateActivity",
    "CreateStateMachine",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachine",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeExecution",
    "DescribeMapRun",
    "DescribeStateMachine",
    "DescribeStateMachineAlias",
    "DescribeStateMachineForExecution",
    "GetActivityTask",
    "GetExecutionHistory",
    "InvokeHTTPEndpoint",
    "ListActivities",
    "ListExecutions",
    "ListMapRuns",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListStateMachines",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "RedriveExecution",
    "RevealSecrets",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "StartExecution",
    "StartSyncExecution",
    "StopExecution",
    "TagResource",
    "TestState",
    "UntagResource",
    "UpdateMapRun",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
]
ALLOWED_ON_MACHINES = {"DescribeStateMachine", "ListExecutions", "StartExecution"}
ALLOWED_ON_EXECUTIONS = {
    "DescribeExecution",
    "GetExecutionHistory",
    "DescribeStateMachineForExecution",
    "ListMapRuns",
    "RedriveExecution",
}


def _resolve(value: Any) -> Any:
    """The value with `Fn::Sub` strings filled in from the dev stack."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        return re.sub(r"\$\{([^}]+)\}", lambda m: STACK[m.group(1)], value["Fn::Sub"])
    if isinstance(value, dict):
        return {key: _resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    return value


POLICY = _resolve(
    load_template()["Resources"]["OperationsStaffPolicy"]["Properties"]["PolicyDocument"]
)


def test_staff_can_redrive_the_suites_executions():
    assert is_allowed(POLICY, "states:RedriveExecution", EXECUTION)
    assert is_allowed(POLICY, "states:RedriveExecution", CHILD_EXECUTION)


def test_staff_can_start_a_rerun_of_the_suites_state_machines():
    assert is_allowed(POLICY, "states:StartExecution", MACHINE)


@pytest.mark.parametrize("action", sorted(ALLOWED_ON_EXECUTIONS))
def test_staff_can_read_executions_and_their_history(action):
    assert is_allowed(POLICY, f"states:{action}", EXECUTION)


def test_staff_can_list_find_and_read_state_machines_and_map_runs():
    assert is_allowed(POLICY, "states:ListStateMachines", "*")
    assert is_allowed(POLICY, "states:DescribeStateMachine", MACHINE)
    assert is_allowed(POLICY, "states:ListExecutions", MACHINE)
    assert is_allowed(POLICY, "states:DescribeMapRun", MAP_RUN)
    assert is_allowed(POLICY, "states:ListExecutions", MAP_RUN)


@pytest.mark.parametrize("action", STEP_FUNCTIONS_ACTIONS)
def test_every_other_step_functions_action_is_denied(action):
    allowed_somewhere = any(
        is_allowed(POLICY, f"states:{action}", resource)
        for resource in (MACHINE, EXECUTION, MAP_RUN, f"{PREFIX}:activity:sluice-dev-x", "*")
    )
    expected = action in ALLOWED_ON_MACHINES | ALLOWED_ON_EXECUTIONS | {
        "ListStateMachines",
        "DescribeMapRun",
    }
    assert allowed_somewhere is expected


@pytest.mark.parametrize(
    "resource",
    [
        f"{PREFIX}:execution:sluice-prod-orders:order-shopify-1042",
        f"{PREFIX}:execution:payroll-orders:run-1",
        "arn:aws:states:eu-west-1:123456789012:execution:sluice-dev-orders:order-1",
        "arn:aws:states:us-east-1:999999999999:execution:sluice-dev-orders:order-1",
    ],
)
def test_redrive_is_denied_outside_this_stacks_executions(resource):
    assert not is_allowed(POLICY, "states:RedriveExecution", resource)


def test_rerun_is_denied_on_another_environments_or_applications_machines():
    assert not is_allowed(
        POLICY, "states:StartExecution", f"{PREFIX}:stateMachine:sluice-prod-orders"
    )
    assert not is_allowed(POLICY, "states:StartExecution", f"{PREFIX}:stateMachine:payroll")


@pytest.mark.parametrize(
    "action",
    [
        "lambda:InvokeFunction",
        "dynamodb:PutItem",
        "sqs:SendMessage",
        "iam:PassRole",
        "iam:AttachUserPolicy",
        "s3:GetObject",
        "secretsmanager:GetSecretValue",
        "logs:GetLogEvents",
    ],
)
def test_nothing_outside_step_functions_is_allowed(action):
    assert not is_allowed(POLICY, action, "*")
    assert not is_allowed(POLICY, action, EXECUTION)


def test_wildcards_match_like_iam():
    assert wildcard_matches("states:Describe*", "STATES:describeexecution", case_sensitive=False)
    assert wildcard_matches("arn:*:execution:sluice-dev-*", "arn:x:execution:sluice-dev-a:b/c")
    assert not wildcard_matches("arn:*:execution:sluice-dev-*", "arn:x:execution:sluice-prod-a")
    assert wildcard_matches("order-?", "order-1") and not wildcard_matches("order-?", "order-12")


def test_an_explicit_deny_wins_over_an_allow():
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "states:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "states:StopExecution", "Resource": "*"},
        ]
    }
    assert is_allowed(document, "states:RedriveExecution", EXECUTION)
    assert not is_allowed(document, "states:StopExecution", EXECUTION)
