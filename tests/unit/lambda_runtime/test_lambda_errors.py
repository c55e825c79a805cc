"""Errors shaped as the Python runtime shapes them."""

from sluice.lambda_runtime import FunctionConfig
from tests.unit.lambda_runtime.support import function


def test_given_a_handler_that_raises_then_the_payload_names_the_exception_class(runtime):
    runtime.deploy(function("fail", "fail"))

    result = runtime.invoke("fail", {"message": "slow down"})

    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "ProviderThrottled"
    assert result.payload["errorMessage"] == "slow down"
    assert result.payload["requestId"] == result.request_id
    assert len(result.payload["stackTrace"]) == 1
    assert 'app.py", line' in result.payload["stackTrace"][0]
    assert "in handler" in result.payload["stackTrace"][0]


def test_given_a_failed_invocation_then_its_record_says_error_with_the_type(runtime):
    runtime.deploy(function("fail", "fail"))

    runtime.invoke("fail", {"message": "x"})

    [record] = runtime.records("fail")
    assert (record.outcome, record.error_type) == ("Error", "ProviderThrottled")
    assert runtime.metrics("fail").errors == 1


def test_given_a_module_that_cannot_import_then_the_error_is_runtime_import_module_error(
    runtime,
):
    runtime.deploy(function("broken", "import_error"))

    result = runtime.invoke("broken", {})

    assert result.function_error == "Unhandled"
    assert result.payload == {
        "errorMessage": "Unable to import module 'app': "
        "No module named 'sluice_module_that_does_not_exist'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }


def test_given_a_missing_handler_function_then_the_error_is_runtime_handler_not_found(runtime):
    runtime.deploy(function("echo", "echo", handler="app.missing"))

    result = runtime.invoke("echo", {})

    assert result.payload["errorType"] == "Runtime.HandlerNotFound"
    assert result.payload["errorMessage"] == "Handler 'missing' missing on module 'app'"


def test_given_a_missing_module_file_then_the_error_is_runtime_import_module_error(runtime):
    runtime.deploy(function("echo", "echo", handler="nothing.handler"))

    result = runtime.invoke("echo", {})

    assert result.payload["errorType"] == "Runtime.ImportModuleError"
    assert result.payload["errorMessage"] == (
        "Unable to import module 'nothing': No module named 'nothing'"
    )


def test_given_a_handler_name_without_a_dot_then_the_error_is_malformed_handler_name(runtime):
    runtime.deploy(function("echo", "echo", handler="handler"))

    result = runtime.invoke("echo", {})

    assert result.payload["errorType"] == "Runtime.MalformedHandlerName"


def test_given_a_syntax_error_then_the_error_is_runtime_user_code_syntax_error(runtime, tmp_path):
    (tmp_path / "app.py").write_text("def handler(event, context)\n    return event\n")
    runtime.deploy(FunctionConfig(name="syntax", code_dir=tmp_path))

    result = runtime.invoke("syntax", {})

    assert result.payload["errorType"] == "Runtime.UserCodeSyntaxError"
    assert result.payload["errorMessage"].startswith("Syntax error in module 'app': ")


def test_given_an_import_that_failed_when_the_code_is_fixed_then_the_next_invoke_loads_it(
    runtime, tmp_path
):
    (tmp_path / "app.py").write_text("raise RuntimeError('not configured')\n")
    runtime.deploy(FunctionConfig(name="flaky", code_dir=tmp_path))
    failed = runtime.invoke("flaky", {})
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 'ok'\n")

    fixed = runtime.invoke("flaky", {})

    assert failed.payload["errorType"] == "RuntimeError"
    assert failed.payload["errorMessage"] == "not configured"
    assert fixed.payload == "ok"


def test_given_a_result_json_cannot_carry_then_the_error_is_runtime_marshal_error(runtime):
    runtime.deploy(function("marshal", "marshal"))

    result = runtime.invoke("marshal", {})

    assert result.function_error == "Unhandled"
    assert result.payload == {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "requestId": result.request_id,
        "stackTrace": [],
    }
