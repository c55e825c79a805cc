"""Pass, Choice, Wait, Succeed, Fail, variables, JSONata and history events."""

from __future__ import annotations

import json
import time

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def test_pass_result_path_merges_the_result_into_the_input(harness):
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "End": True}},
    }
    done = harness.run(definition, {"a": 1})
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["output"]) == {"a": 1, "r": {"x": 1}}


def test_parameters_and_output_path_shape_the_output(harness):
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Pass",
                "InputPath": "$.order",
                "Parameters": {"id.$": "$.id", "ctx.$": "$$.State.Name"},
                "OutputPath": "$.id",
                "End": True,
            }
        },
    }
    done = harness.run(definition, {"order": {"id": "o-1"}})
    assert json.loads(done["output"]) == "o-1"


def test_choice_follows_the_first_matching_rule_else_default(harness):
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {"Type": "Pass", "Result": "big", "End": True},
            "Small": {"Type": "Pass", "Result": "small", "End": True},
        },
    }
    machine = harness.create(definition)
    assert json.loads(harness.wait(harness.start(machine, {"n": 11}))["output"]) == "big"
    assert json.loads(harness.wait(harness.start(machine, {"n": 1}))["output"]) == "small"


def test_choice_without_match_or_default_fails_with_no_choice_matched(harness):
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "D"}],
            },
            "D": {"Type": "Succeed"},
        },
    }
    done = harness.run(definition, {"n": 2})
    assert (done["status"], done["error"]) == ("FAILED", "States.NoChoiceMatched")


def test_wait_state_advances_virtual_time_without_wall_time(harness):
    definition = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    started = time.monotonic()
    done = harness.run(definition)
    assert done["status"] == "SUCCEEDED"
    assert time.monotonic() - started < 1
    assert (done["stopDate"] - done["startDate"]).total_seconds() >= 3600


def test_wait_until_a_timestamp_in_the_input(harness):
    target = "2024-01-01T02:00:00Z"
    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "TimestampPath": "$.at", "End": True}},
    }
    done = harness.run(definition, {"at": target})
    assert done["stopDate"].isoformat().startswith("2024-01-01T02:00:00")


def test_fail_state_fails_the_execution_with_its_error_and_cause(harness):
    definition = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Bad", "Cause": "why"}}}
    done = harness.run(definition)
    assert (done["status"], done["error"], done["cause"]) == ("FAILED", "Bad", "why")


def test_history_has_aws_event_types_ids_and_previous_ids(harness):
    definition = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Next": "S"}, "S": {"Type": "Succeed"}},
    }
    execution = harness.start(harness.create(definition))
    harness.wait(execution)
    events = harness.history(execution)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e["previousEventId"] for e in events] == [0, 1, 2, 3, 4, 5]
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "P",
        "input": "{}",
        "inputDetails": {"truncated": False},
    }


def test_assign_evaluates_with_values_from_before_the_state(harness):
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
            "B": {"Type": "Pass", "Assign": {"x.$": "$y", "y.$": "$x"}, "Next": "C"},
            "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "y.$": "$y"}, "End": True},
        },
    }
    done = harness.run(definition)
    assert json.loads(done["output"]) == {"x": 2, "y": 1}


def test_assigned_variables_appear_in_the_state_exited_event(harness):
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Assign": {"k": "v"}, "End": True}},
    }
    execution = harness.start(harness.create(definition))
    harness.wait(execution)
    exited = harness.history(execution)[2]["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"k": '"v"'}


def test_map_iterations_read_outer_variables(harness):
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "M"},
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "I",
                    "States": {
                        "I": {
                            "Type": "Pass",
                            "Parameters": {"v.$": "$", "f.$": "$factor"},
                            "End": True,
                        }
                    },
                },
                "End": True,
            },
        },
    }
    done = harness.run(definition, {"items": [1, 2]})
    assert json.loads(done["output"]) == [{"v": 1, "f": 10}, {"v": 2, "f": 10}]


def test_jsonata_state_uses_arguments_output_and_assign(harness, lambdas):
    lambdas.add("double", lambda payload: {"n": payload["n"] * 2})
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "double", "Payload": {"n": "{% $states.input.n %}"}},
                "Assign": {"seen": "{% $states.result.Payload.n %}"},
                "Output": "{% $states.result.Payload %}",
                "Next": "P",
            },
            "P": {
                "Type": "Pass",
                "Output": {"n": "{% $states.input.n %}", "seen": "{% $seen %}"},
                "End": True,
            },
        },
    }
    done = harness.run(definition, {"n": 4})
    assert json.loads(done["output"]) == {"n": 8, "seen": 8}


def test_per_state_query_language_overrides_the_definition(harness):
    definition = {
        "StartAt": "J",
        "States": {
            "J": {
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": "{% $states.input.a + 1 %}",
                "End": True,
            }
        },
    }
    assert json.loads(harness.run(definition, {"a": 1})["output"]) == 2


def test_context_object_exposes_execution_and_state(harness):
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Pass",
                "Parameters": {
                    "name.$": "$$.Execution.Name",
                    "state.$": "$$.State.Name",
                    "input.$": "$$.Execution.Input",
                },
                "End": True,
            }
        },
    }
    machine = harness.create(definition)
    done = harness.wait(harness.start(machine, {"q": 1}, name="ctx-run"))
    assert json.loads(done["output"]) == {"name": "ctx-run", "state": "P", "input": {"q": 1}}
