"""Function output lands in the function's own log file; everything else on the terminal."""

import io

from sluice.cloud.function_logs import FunctionLogRouter


def test_output_inside_an_invocation_goes_to_the_functions_log(tmp_path, monkeypatch):
    terminal = io.StringIO()
    router = FunctionLogRouter(tmp_path, terminal=terminal)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "sluice-dev-Ingest")
    router.write('{"level":"INFO"}\n')
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
    router.write("cloud is up\n")
    router.uninstall()
    assert (tmp_path / "sluice-dev-Ingest.log").read_text() == '{"level":"INFO"}\n'
    assert terminal.getvalue() == "cloud is up\n"


def test_install_replaces_stdout_until_uninstalled(tmp_path):
    import sys

    original = sys.stdout
    router = FunctionLogRouter(tmp_path, terminal=original).install()
    try:
        assert sys.stdout is router
    finally:
        router.uninstall()
    assert sys.stdout is original
