"""Tests of definition validation: each rejected shape gives InvalidDefinition naming the state."""

import copy
import json

import pytest

from sluice.stepfunctions.asl.validation import validate_definition
from sluice.stepfunctions.errors import InvalidDefinition

PREFIX = "Invalid State Machine Definition: '"


def machine(states, start="A", **top):
    """A definition with the given states, starting at `start`."""
    return {"StartAt": start, "States": states, **top}


def task(**fields):
    """A valid Task state (ending the machine unless Next is given) with extra fields."""
    state = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"}
    state.update(fields)
    if "Next" not in fields and "End" not in fields:
        state["End"] = True
    return state


def rejected(definition):
    """The message of the InvalidDefinition a definition is rejected with."""
    with pytest.raises(InvalidDefinition) as raised:
        validate_definition(definition)
    message = raised.value.message
    assert message.startswith(PREFIX) and message.endswith("'")
    return message


VALID = machine(
    {
        "A": task(
            Next="Check",
            Parameters={"id.$": "$.id", "n.$": "States.Format('x{}', $.id)", "lit": 1},
            ResultPath="$.result",
            ResultSelector={"p.$": "$.Payload"},
            Retry=[
                {"ErrorEquals": ["ProviderThrottled"], "MaxAttempts": 5, "BackoffRate": 2.0},
                {"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "MaxDelaySeconds": 9},
            ],
            Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
            TimeoutSeconds=30,
            HeartbeatSeconds=10,
            Assign={"orderId.$": "$.id"},
        ),
        "Check": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.result.p", "IsPresent": True},
                        {"Not": {"Variable": "$orderId", "StringEquals": "x"}},
                    ],
                    "Next": "Wait",
                },
                {"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.m", "Next": "Fan"},
            ],
            "Default": "Done",
        },
        "Wait": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:00Z", "Next": "Done"},
        "Fan": {
            "Type": "Parallel",
            "Branches": [{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}}],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 5,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "M1",
                "States": {"M1": {"Type": "Succeed"}},
            },
            "End": True,
        },
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "OrderFailed", "Cause": "see ops table"},
    },
    Comment="every state type",
    TimeoutSeconds=3600,
)

VALID_JSONATA = machine(
    {
        "A": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
            "Output": "{% $states.result.Payload %}",
            "Assign": {"total": "{% $states.result.Payload.total %}"},
            "TimeoutSeconds": "{% $timeout %}",
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "C"}
            ],
            "Next": "C",
        },
        "C": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $total > 10 %}", "Next": "W"}],
            "Default": "Done",
        },
        "W": {"Type": "Wait", "Seconds": "{% 1 %}", "Next": "Done"},
        "Done": {"Type": "Succeed", "Output": {"ok": True}},
    },
    QueryLanguage="JSONata",
)


def test_valid_definition_is_returned_parsed():
    """GIVEN a valid definition as JSON text WHEN validated THEN the parsed dict is returned."""
    assert validate_definition(json.dumps(VALID)) == VALID


def test_valid_jsonata_definition_is_accepted():
    """GIVEN a valid JSONata definition WHEN validated THEN it is accepted."""
    assert validate_definition(VALID_JSONATA) is VALID_JSONATA


def test_minimal_pass_machine_is_valid():
    """GIVEN a one-state Pass machine as JSON text WHEN validated THEN accepted."""
    assert validate_definition('{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')


def test_malformed_json_is_invalid_json_description():
    """GIVEN text that is not JSON WHEN validated THEN INVALID_JSON_DESCRIPTION."""
    assert "INVALID_JSON_DESCRIPTION" in rejected('{"StartAt": ')


@pytest.mark.parametrize("definition", ["[]", "1", '"text"'])
def test_non_object_definition_is_rejected(definition):
    """GIVEN JSON that is not an object WHEN validated THEN SCHEMA_VALIDATION_FAILED."""
    assert "SCHEMA_VALIDATION_FAILED" in rejected(definition)


@pytest.mark.parametrize("missing", ["StartAt", "States"])
def test_missing_top_level_field(missing):
    """GIVEN no StartAt or no States WHEN validated THEN the required field is named."""
    definition = machine({"A": task()})
    del definition[missing]
    assert f"These fields are required: [{missing}] at /" in rejected(definition)


def test_empty_states_is_rejected():
    """GIVEN an empty States object WHEN validated THEN rejected at /States."""
    assert "at /States'" in rejected(machine({}))


def test_start_at_must_name_a_state():
    """GIVEN StartAt naming no state WHEN validated THEN MISSING_TRANSITION_TARGET at /StartAt."""
    message = rejected(machine({"A": task()}, start="Nope"))
    assert "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: Nope at /StartAt" in message


def test_unknown_next_target_in_aws_wording():
    """GIVEN Next naming no state WHEN validated THEN AWS's MISSING_TRANSITION_TARGET text."""
    message = rejected(machine({"A": {"Type": "Pass", "Next": "Foo"}}))
    assert message == (
        f"{PREFIX}MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at /States/A/Next'"
    )


def test_unknown_default_target():
    """GIVEN a Choice Default naming no state WHEN validated THEN named at its pointer."""
    states = {
        "A": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "B"}],
            "Default": "Gone",
        },
        "B": {"Type": "Succeed"},
    }
    assert "Missing 'Default' target: Gone at /States/A/Default" in rejected(machine(states))


def test_unknown_choice_rule_target():
    """GIVEN a Choice rule Next naming no state WHEN validated THEN named at the rule."""
    states = {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Z"}]}
    }
    assert "Missing 'Next' target: Z at /States/A/Choices[0]/Next" in rejected(machine(states))


def test_unknown_catch_target():
    """GIVEN a Catch Next naming no state WHEN validated THEN named at the catcher."""
    definition = machine({"A": task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}])})
    assert "Missing 'Next' target: Z at /States/A/Catch[0]/Next" in rejected(definition)


def test_catch_without_next():
    """GIVEN a catcher without Next WHEN validated THEN Next is required."""
    definition = machine({"A": task(Catch=[{"ErrorEquals": ["States.ALL"]}])})
    assert "These fields are required: [Next] at /States/A/Catch[0]" in rejected(definition)


@pytest.mark.parametrize("state_type", ["Pass", "Wait", "Parallel", "Map", "Task"])
def test_non_terminal_state_needs_next_or_end(state_type):
    """GIVEN a non-terminal state without Next or End WHEN validated THEN it is named."""
    state = copy.deepcopy(VALID["States"]["Each" if state_type == "Map" else "A"])
    if state_type not in ("Map", "Task"):
        state = {"Type": state_type}
    state.pop("End", None)
    state.pop("Next", None)
    message = rejected(machine({"A": state}))
    assert "Exactly one of these fields is required: [Next, End] at /States/A" in message


def test_next_and_end_together_are_rejected():
    """GIVEN both Next and End WHEN validated THEN they are mutually exclusive."""
    definition = machine({"A": {"Type": "Pass", "Next": "A", "End": True}})
    assert "'Next' and 'End' are mutually exclusive at /States/A" in rejected(definition)


@pytest.mark.parametrize("state_type", ["Succeed", "Fail", "Choice"])
def test_terminal_states_reject_next_and_end(state_type):
    """GIVEN End on Succeed, Fail or Choice WHEN validated THEN the field is not supported."""
    state = {"Type": state_type, "End": True}
    if state_type == "Choice":
        state["Choices"] = [{"Variable": "$.x", "IsNull": True, "Next": "A"}]
    assert "Field 'End' is not supported at /States/A" in rejected(machine({"A": state}))


def test_unknown_state_type():
    """GIVEN an unknown Type WHEN validated THEN the state is named."""
    assert "invalid value: 'Sleep' at /States/A" in rejected(machine({"A": {"Type": "Sleep"}}))


def test_missing_state_type():
    """GIVEN a state without Type WHEN validated THEN Type is required."""
    assert "These fields are required: [Type] at /States/A" in rejected(machine({"A": {}}))


def test_field_not_allowed_for_state_type():
    """GIVEN Resource on a Pass state WHEN validated THEN the field is not supported."""
    definition = machine({"A": {"Type": "Pass", "Resource": "x", "End": True}})
    assert "Field 'Resource' is not supported at /States/A" in rejected(definition)


def test_fail_state_rejects_input_path():
    """GIVEN InputPath on a Fail state WHEN validated THEN not supported (Fail has no I/O)."""
    assert "Field 'InputPath'" in rejected(machine({"A": {"Type": "Fail", "InputPath": "$"}}))


def test_task_requires_resource():
    """GIVEN a Task without Resource WHEN validated THEN Resource is required."""
    definition = machine({"A": {"Type": "Task", "End": True}})
    assert "These fields are required: [Resource] at /States/A" in rejected(definition)


@pytest.mark.parametrize(
    ("field", "value"),
    [("TimeoutSeconds", 0), ("TimeoutSeconds", "10"), ("HeartbeatSeconds", -1)],
)
def test_task_timeouts_must_be_positive_integers(field, value):
    """GIVEN a non-positive or non-integer timeout WHEN validated THEN rejected at the field."""
    definition = machine({"A": task(**{field: value})})
    assert f"must be a positive integer at /States/A/{field}" in rejected(definition)


def test_heartbeat_must_be_below_timeout():
    """GIVEN HeartbeatSeconds not below TimeoutSeconds WHEN validated THEN rejected."""
    definition = machine({"A": task(TimeoutSeconds=10, HeartbeatSeconds=10)})
    assert "'HeartbeatSeconds' must be smaller" in rejected(definition)


def test_timeout_and_timeout_path_are_exclusive():
    """GIVEN TimeoutSeconds and TimeoutSecondsPath WHEN validated THEN mutually exclusive."""
    definition = machine({"A": task(TimeoutSeconds=5, TimeoutSecondsPath="$.t")})
    assert "'TimeoutSeconds' and 'TimeoutSecondsPath' are mutually exclusive" in rejected(
        definition
    )


# --- Retry and Catch -----------------------------------------------------------------------


def test_retrier_without_error_equals():
    """GIVEN a retrier without ErrorEquals WHEN validated THEN ErrorEquals is required."""
    definition = machine({"A": task(Retry=[{"MaxAttempts": 2}])})
    assert "These fields are required: [ErrorEquals] at /States/A/Retry[0]" in rejected(definition)


@pytest.mark.parametrize("names", [[], "States.ALL", [1]])
def test_error_equals_must_be_non_empty_string_array(names):
    """GIVEN an empty, non-array or non-string ErrorEquals WHEN validated THEN rejected."""
    definition = machine({"A": task(Retry=[{"ErrorEquals": names}])})
    assert "'ErrorEquals' must be a non-empty array of strings" in rejected(definition)


def test_states_all_must_be_alone():
    """GIVEN States.ALL with another name WHEN validated THEN it must appear alone."""
    definition = machine({"A": task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}])})
    assert "'States.ALL' must appear alone" in rejected(definition)


@pytest.mark.parametrize("field", ["Retry", "Catch"])
def test_states_all_must_be_last(field):
    """GIVEN States.ALL in a handler before another WHEN validated THEN it must be last."""
    handler = {"ErrorEquals": ["States.ALL"], "Next": "A"}
    other = {"ErrorEquals": ["X"], "Next": "A"}
    if field == "Retry":
        handler.pop("Next")
        other.pop("Next")
    definition = machine({"A": task(**{field: [handler, other]})})
    assert f"with 'States.ALL' must be the last one at /States/A/{field}[0]" in rejected(definition)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("MaxAttempts", -1),
        ("IntervalSeconds", 0),
        ("BackoffRate", 0.5),
        ("MaxDelaySeconds", 0),
        ("JitterStrategy", "SOME"),
    ],
)
def test_retrier_fields_are_range_checked(field, value):
    """GIVEN an out-of-range retrier field WHEN validated THEN rejected."""
    definition = machine({"A": task(Retry=[{"ErrorEquals": ["X"], field: value}])})
    assert field in rejected(definition)


def test_retrier_unknown_field():
    """GIVEN a misspelt retrier field WHEN validated THEN it is not supported."""
    definition = machine({"A": task(Retry=[{"ErrorEquals": ["X"], "MaxAttempt": 1}])})
    assert "Field 'MaxAttempt' is not supported at /States/A/Retry[0]" in rejected(definition)


def test_catch_result_path_must_be_reference_path():
    """GIVEN a catcher ResultPath with a wildcard WHEN validated THEN rejected."""
    catcher = {"ErrorEquals": ["States.ALL"], "ResultPath": "$.a[*]", "Next": "A"}
    assert "not a valid reference path" in rejected(machine({"A": task(Catch=[catcher])}))


# --- paths, templates and intrinsics -------------------------------------------------------


@pytest.mark.parametrize("path", ["$.a[*]", "$..a", "a.b"])
def test_result_path_must_be_reference_path(path):
    """GIVEN a ResultPath that is not a reference path WHEN validated THEN rejected."""
    definition = machine({"A": task(ResultPath=path)})
    assert "not a valid reference path" in rejected(definition)


def test_null_result_path_is_allowed():
    """GIVEN ResultPath null (discard the result) WHEN validated THEN accepted."""
    assert validate_definition(machine({"A": task(ResultPath=None)}))


@pytest.mark.parametrize("field", ["InputPath", "OutputPath"])
def test_input_and_output_paths_must_parse(field):
    """GIVEN an unparsable InputPath/OutputPath WHEN validated THEN rejected at the field."""
    definition = machine({"A": task(**{field: "$.a["})})
    assert f"not a valid JSONPath: $.a[ at /States/A/{field}" in rejected(definition)


def test_unknown_intrinsic_in_parameters():
    """GIVEN an unknown intrinsic function WHEN validated THEN it is named with its field."""
    definition = machine({"A": task(Parameters={"x": {"y.$": "States.Sum(1, 2)"}})})
    assert "'States.Sum' is not supported at /States/A/Parameters/x/y.$" in rejected(definition)


def test_malformed_intrinsic_in_parameters():
    """GIVEN an intrinsic that does not parse WHEN validated THEN rejected at its field."""
    definition = machine({"A": task(Parameters={"y.$": "States.Array(1"})})
    assert "at /States/A/Parameters/y.$" in rejected(definition)


def test_path_field_with_non_string_value():
    """GIVEN a `.$` field holding a number WHEN validated THEN rejected at its field."""
    definition = machine({"A": task(Parameters={"y.$": 3})})
    assert "must be a STRING" in rejected(definition)


def test_intrinsic_in_result_selector_and_assign_checked():
    """GIVEN unknown intrinsics in ResultSelector and Assign WHEN validated THEN both reported."""
    definition = machine(
        {"A": task(ResultSelector={"a.$": "States.X()"}, Assign={"b.$": "States.Y()"})}
    )
    message = rejected(definition)
    assert "/States/A/ResultSelector/a.$" in message and "/States/A/Assign/b.$" in message


def test_invalid_variable_name_in_assign():
    """GIVEN an Assign key that is not a variable name WHEN validated THEN rejected."""
    definition = machine({"A": task(Assign={"1bad": 1})})
    assert "The variable name '1bad' is not valid" in rejected(definition)


# --- query languages -----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["Output", "Arguments"])
def test_jsonata_fields_in_jsonpath_state(field):
    """GIVEN a JSONata-only field in a JSONPath state WHEN validated THEN rejected as such."""
    definition = machine({"A": task(**{field: "{% 1 %}"})})
    message = rejected(definition)
    assert f"The field '{field}' is not supported for JSONPath states at /States/A" in message


def test_jsonpath_fields_in_jsonata_state():
    """GIVEN Parameters and ResultPath in a JSONata state WHEN validated THEN both rejected."""
    state = task(Parameters={"a": 1}, ResultPath="$.r", QueryLanguage="JSONata")
    message = rejected(machine({"A": state}))
    assert "The field 'Parameters' is not supported for JSONata states" in message
    assert "The field 'ResultPath' is not supported for JSONata states" in message


def test_jsonata_expression_in_numeric_jsonpath_field():
    """GIVEN a JSONata expression as TimeoutSeconds of a JSONPath state WHEN validated THEN no."""
    definition = machine({"A": task(TimeoutSeconds="{% 5 %}")})
    assert "JSONPath states do not support" in rejected(definition)


def test_jsonata_expression_as_input_path():
    """GIVEN a JSONata expression as InputPath WHEN validated THEN rejected."""
    definition = machine({"A": task(InputPath="{% $states.input %}")})
    assert "JSONata expressions are not supported in JSONPath states" in rejected(definition)


def test_invalid_jsonata_expression():
    """GIVEN a JSONata expression that does not parse WHEN validated THEN rejected at the field."""
    definition = machine({"A": {"Type": "Pass", "Output": {"x": "{% 1 + %}"}, "End": True}})
    definition["QueryLanguage"] = "JSONata"
    assert "is not valid" in rejected(definition) and "/States/A/Output/x" in rejected(definition)


def test_jsonpath_key_in_jsonata_state():
    """GIVEN a `.$` key in a JSONata state's Output WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Pass", "Output": {"x.$": "$.a"}, "End": True}})
    definition["QueryLanguage"] = "JSONata"
    assert "uses JSONPath" in rejected(definition)


def test_state_level_query_language_overrides_top_level():
    """GIVEN a JSONata state in a JSONPath machine WHEN validated THEN JSONata rules apply."""
    state = {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": True}
    assert validate_definition(machine({"A": state}))


def test_unknown_query_language():
    """GIVEN an unknown QueryLanguage WHEN validated THEN rejected."""
    assert "QueryLanguage" in rejected(machine({"A": task()}, QueryLanguage="XPath"))


def test_jsonata_choice_rule_needs_condition():
    """GIVEN a JSONata Choice rule without Condition WHEN validated THEN Condition is required."""
    states = {
        "A": {"Type": "Choice", "Choices": [{"Next": "B"}], "QueryLanguage": "JSONata"},
        "B": {"Type": "Succeed"},
    }
    assert "These fields are required: [Condition]" in rejected(machine(states))


def test_condition_in_jsonpath_choice_rule():
    """GIVEN a Condition in a JSONPath Choice rule WHEN validated THEN not supported."""
    states = {
        "A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}]},
        "B": {"Type": "Succeed"},
    }
    assert "'Condition' is not supported for JSONPath states" in rejected(machine(states))


# --- Choice --------------------------------------------------------------------------------


def choice(*rules):
    """A machine whose Choice state A has the given rules (all going to B)."""
    return machine({"A": {"Type": "Choice", "Choices": list(rules)}, "B": {"Type": "Succeed"}})


def test_choice_without_choices():
    """GIVEN a Choice without Choices WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Choice", "Default": "A"}})
    assert "'Choices' must be a non-empty array at /States/A" in rejected(definition)


def test_top_level_rule_needs_next():
    """GIVEN a top-level rule without Next WHEN validated THEN Next is required."""
    message = rejected(choice({"Variable": "$.a", "IsNull": True}))
    assert "These fields are required: [Next] at /States/A/Choices[0]" in message


def test_nested_rule_must_not_have_next():
    """GIVEN a nested rule with Next WHEN validated THEN rejected."""
    rule = {"Not": {"Variable": "$.a", "IsNull": True, "Next": "B"}, "Next": "B"}
    assert "'Next' is not supported in nested rules" in rejected(choice(rule))


def test_rule_needs_exactly_one_operator():
    """GIVEN a rule with two operators WHEN validated THEN rejected."""
    rule = {"Variable": "$.a", "IsNull": True, "IsString": True, "Next": "B"}
    assert "exactly one comparison operator" in rejected(choice(rule))


def test_rule_needs_variable():
    """GIVEN a comparison without Variable WHEN validated THEN Variable is required."""
    assert "[Variable]" in rejected(choice({"StringEquals": "x", "Next": "B"}))


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", 1),
        ("NumericEquals", "1"),
        ("BooleanEquals", "true"),
        ("TimestampEquals", "yesterday"),
        ("IsPresent", 1),
        ("NumericEqualsPath", "not a path"),
    ],
)
def test_operator_value_types(operator, value):
    """GIVEN an operator value of the wrong type WHEN validated THEN rejected at the operator."""
    rule = {"Variable": "$.a", operator: value, "Next": "B"}
    assert f"/States/A/Choices[0]/{operator}" in rejected(choice(rule))


def test_empty_and_is_rejected():
    """GIVEN And with no rules WHEN validated THEN rejected."""
    assert "'And' must be a non-empty array" in rejected(choice({"And": [], "Next": "B"}))


def test_unknown_operator_is_rejected():
    """GIVEN a misspelt operator WHEN validated THEN the field is not supported."""
    rule = {"Variable": "$.a", "StringEqual": "x", "Next": "B"}
    assert "Field 'StringEqual' is not supported" in rejected(choice(rule))


# --- Wait, Fail, Parallel, Map -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields", [{}, {"Seconds": 1, "SecondsPath": "$.s"}, {"Seconds": 1, "Timestamp": "x"}]
)
def test_wait_needs_exactly_one_duration(fields):
    """GIVEN a Wait with zero or two durations WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Wait", "End": True, **fields}})
    assert "Exactly one of these fields is required: [Seconds" in rejected(definition)


def test_wait_timestamp_must_be_valid():
    """GIVEN a Wait Timestamp not in RFC 3339 form WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Wait", "Timestamp": "2024-01-01", "End": True}})
    assert "must be a valid timestamp at /States/A/Timestamp" in rejected(definition)


def test_fail_error_and_error_path_are_exclusive():
    """GIVEN Error and ErrorPath on a Fail WHEN validated THEN mutually exclusive."""
    definition = machine({"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})
    assert "'Error' and 'ErrorPath' are mutually exclusive" in rejected(definition)


def test_fail_cause_path_may_be_intrinsic():
    """GIVEN a Fail CausePath using States.Format WHEN validated THEN accepted."""
    state = {"Type": "Fail", "Error": "E", "CausePath": "States.Format('bad {}', $.id)"}
    assert validate_definition(machine({"A": state}))


def test_parallel_without_branches():
    """GIVEN a Parallel without Branches WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Parallel", "End": True}})
    assert "'Branches' must be a non-empty array at /States/A" in rejected(definition)


def test_parallel_branches_are_validated_with_their_own_scope():
    """GIVEN a branch transitioning outside itself WHEN validated THEN the target is missing."""
    branch = {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "A"}}}
    definition = machine({"A": {"Type": "Parallel", "Branches": [branch], "End": True}})
    assert "Missing 'Next' target: A at /States/A/Branches[0]/States/B1/Next" in rejected(
        definition
    )


def test_branch_missing_start_at():
    """GIVEN a branch without StartAt WHEN validated THEN reported at the branch."""
    branch = {"States": {"B1": {"Type": "Succeed"}}}
    definition = machine({"A": {"Type": "Parallel", "Branches": [branch], "End": True}})
    assert "These fields are required: [StartAt] at /States/A/Branches[0]" in rejected(definition)


def test_map_without_processor():
    """GIVEN a Map without ItemProcessor or Iterator WHEN validated THEN rejected."""
    definition = machine({"A": {"Type": "Map", "End": True}})
    assert "These fields are required: [ItemProcessor] at /States/A" in rejected(definition)


def test_map_with_legacy_iterator_is_accepted():
    """GIVEN a Map with the older Iterator field WHEN validated THEN accepted."""
    iterator = {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}}
    definition = machine({"A": {"Type": "Map", "Iterator": iterator, "End": True}})
    assert validate_definition(definition)


def test_map_processor_states_are_validated():
    """GIVEN an invalid state inside a Map processor WHEN validated THEN its nested pointer."""
    processor = {"StartAt": "I", "States": {"I": {"Type": "Task", "End": True}}}
    definition = machine({"A": {"Type": "Map", "ItemProcessor": processor, "End": True}})
    assert "[Resource] at /States/A/ItemProcessor/States/I" in rejected(definition)


def test_map_max_concurrency_must_be_non_negative_integer():
    """GIVEN a negative MaxConcurrency WHEN validated THEN rejected."""
    definition = copy.deepcopy(VALID)
    definition["States"]["Each"]["MaxConcurrency"] = -1
    assert "MaxConcurrency' must be a non-negative integer" in rejected(definition)


def test_map_items_field_is_jsonata_only():
    """GIVEN Items on a JSONPath Map WHEN validated THEN not supported for JSONPath states."""
    definition = copy.deepcopy(VALID)
    definition["States"]["Each"]["Items"] = [1, 2]
    assert "'Items' is not supported for JSONPath states" in rejected(definition)


def test_duplicate_state_names_across_nested_machines():
    """GIVEN a branch state named like a top-level one WHEN validated THEN DUPLICATE_STATE_NAME."""
    branch = {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    definition = machine({"A": {"Type": "Parallel", "Branches": [branch], "End": True}})
    assert "DUPLICATE_STATE_NAME: Duplicate State name: A" in rejected(definition)


def test_every_problem_is_reported_at_once():
    """GIVEN two independent problems WHEN validated THEN both appear, comma-separated."""
    definition = machine({"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Task", "End": True}})
    message = rejected(definition)
    assert "Missing 'Next' target: X" in message and "[Resource] at /States/B" in message


def test_unknown_top_level_field():
    """GIVEN an unknown top-level field WHEN validated THEN it is not supported."""
    assert "Field 'Startat' is not supported at /'" in rejected(machine({"A": task()}, Startat="A"))


def test_validation_does_not_mutate_the_definition():
    """GIVEN a definition dict WHEN validated THEN it is unchanged."""
    definition = copy.deepcopy(VALID)
    validate_definition(definition)
    assert definition == VALID
