"""TestState: mocks, retry and catch inspection, inspection data, whole definitions."""

from __future__ import annotations

import json

TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Next": "After",
    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
    "ResultSelector": {"id.$": "$.Payload.id"},
    "ResultPath": "$.created",
    "Retry": [
        {
            "ErrorEquals": ["ProviderThrottled"],
            "IntervalSeconds": 4,
            "BackoffRate": 3,
            "MaxAttempts": 3,
        }
    ],
    "Catch": [{"ErrorEquals": ["ProviderRejected"], "ResultPath": "$.error", "Next": "Record"}],
}


def _test(harness, **request):
    return harness.service.test_state(
        {"definition": json.dumps(TASK), "input": '{"o":1}', **request}
    )


def test_mock_result_runs_output_processing(harness):
    response = _test(
        harness, mock={"result": json.dumps({"Payload": {"id": 9}})}, inspectionLevel="DEBUG"
    )
    assert response["status"] == "SUCCEEDED"
    assert json.loads(response["output"]) == {"o": 1, "created": {"id": 9}}
    assert response["nextState"] == "After"
    assert json.loads(response["inspectionData"]["afterResultSelector"]) == {"id": 9}
    assert json.loads(response["inspectionData"]["afterParameters"]) == {
        "FunctionName": "f",
        "Payload": {"o": 1},
    }


def test_mock_error_reports_the_retry_it_would_make(harness):
    response = _test(
        harness,
        mock={"errorOutput": {"error": "ProviderThrottled", "cause": "429"}},
        stateConfiguration={"retrierRetryCount": 1},
    )
    assert response["status"] == "RETRIABLE"
    assert response["error"] == "ProviderThrottled"
    assert response["inspectionData"]["errorDetails"] == {
        "retryIndex": 0,
        "retryBackoffIntervalSeconds": 12,
    }


def test_exhausted_retries_fall_through_to_failed(harness):
    response = _test(
        harness,
        mock={"errorOutput": {"error": "ProviderThrottled", "cause": ""}},
        stateConfiguration={"retrierRetryCount": 3},
    )
    assert response["status"] == "FAILED"


def test_mock_error_reports_the_catch_it_would_take(harness):
    response = _test(harness, mock={"errorOutput": {"error": "ProviderRejected", "cause": "no"}})
    assert response["status"] == "CAUGHT_ERROR"
    assert response["nextState"] == "Record"
    assert response["inspectionData"]["errorDetails"] == {"catchIndex": 0}
    assert json.loads(response["output"])["error"] == {"Error": "ProviderRejected", "Cause": "no"}


def test_a_state_of_a_whole_definition_with_variables(harness):
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {
                "Type": "Pass",
                "Parameters": {"v.$": "$limit"},
                "Assign": {"seen": True},
                "End": True,
            },
        },
    }
    response = harness.service.test_state(
        {
            "definition": json.dumps(definition),
            "stateName": "B",
            "variables": '{"limit": 5}',
            "inspectionLevel": "DEBUG",
        }
    )
    assert json.loads(response["output"]) == {"v": 5}
    assert json.loads(response["inspectionData"]["variables"]) == {"limit": 5, "seen": True}


def test_a_wait_state_does_not_sleep(harness):
    response = harness.service.test_state(
        {"definition": json.dumps({"Type": "Wait", "Seconds": 86400, "Next": "X"})}
    )
    assert (response["status"], response["nextState"]) == ("SUCCEEDED", "X")
