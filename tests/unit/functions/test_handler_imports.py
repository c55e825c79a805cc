"""Importing a handler costs nothing: no environment read, no AWS client created."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sluice_shared import settings

ROOT = Path(__file__).resolve().parents[3]
ORDERS_FUNCTIONS = [
    "orders/ingest",
    "orders/validate_order",
    "orders/upsert_customer",
    "orders/create_sales_order",
    "orders/create_fulfilment",
]
FUNCTION_SETTINGS = {
    settings.ORDERS_STATE_MACHINE_ARN,
    settings.ORDERS_TABLE_NAME,
    settings.WEBHOOK_SECRET_NAME,
    settings.IDEMPOTENCY_TABLE_NAME,
    settings.ERP_SETTINGS_PARAMETER,
    settings.ERP_API_KEY_SECRET_NAME,
    settings.WAREHOUSE_SETTINGS_PARAMETER,
    settings.WAREHOUSE_API_KEY_SECRET_NAME,
}
# Runs in a fresh interpreter, so the shared layer's own imports are checked too.
IMPORT_ALL_HANDLERS = textwrap.dedent(
    """
    import importlib.util, sys
    import boto3, boto3.session

    def refuse(*args, **kwargs):
        raise AssertionError("a boto3 client was created at import time")

    boto3.client = boto3.session.Session.client = refuse
    for function_dir in sys.argv[1:]:
        spec = importlib.util.spec_from_file_location(
            "app_" + function_dir.replace("/", "_"), f"functions/{function_dir}/app.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert callable(module.handler), function_dir
    print("imported", len(sys.argv) - 1)
    """
)


def test_every_orders_handler_imports_without_settings_or_clients():
    """GIVEN no function settings and boto3 refusing clients WHEN imported THEN all load."""
    env = {name: value for name, value in os.environ.items() if name not in FUNCTION_SETTINGS}
    env["PYTHONPATH"] = str(ROOT / "layers" / "shared" / "python")
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_HANDLERS, *ORDERS_FUNCTIONS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(ORDERS_FUNCTIONS)}"
