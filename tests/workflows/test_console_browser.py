"""The local console in a real browser: staff find a failed order, redrive it, or fix and re-run it.

Headless Chromium from the system's packages (Debian's `chromium`, which `make test` installs
as root), driven by Playwright; Playwright's own browser download is never used. The console
reads and acts through the local cloud's Step Functions API, like the AWS console.

Screenshots go to pytest's temporary directory; with SLUICE_UPDATE_SCREENSHOTS=1 they replace
the ones in docs/screenshots/ that README.md shows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from sluice.cloud.local_cloud import LocalCloud
from sluice.console import ConsoleServer
from sluice.simulators import NO_FAULTS, Faults
from tests.workflows.support import (
    ORDERS_STATE_MACHINE,
    REPO_ROOT,
    OrdersDriver,
    business_key,
    running_cloud,
    sales_orders_by_reference,
)

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

# Retry intervals of 10 s and more (with full jitter) pass 40 times faster.
TIME_SCALE = 40
# Six retries of ProviderUnavailable: at most 10+20+40+80+160+320 s = 630 s, 16 s here.
OUTAGE_TIMEOUT = 60.0
# From a click to the execution's end, the page reloading itself while it runs.
RUN_TIMEOUT_MS = 60_000
CHROMIUM_ENV = "SLUICE_CHROMIUM"
SKIP_ENV = "SLUICE_SKIP_BROWSER_TESTS"
UPDATE_SCREENSHOTS_ENV = "SLUICE_UPDATE_SCREENSHOTS"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Headless and quiet: no sandbox (root in CI), and none of Chromium's background traffic,
# which this machine's closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    """The local cloud for this module (no latency; faults are switched on by the tests)."""
    with running_cloud(TIME_SCALE) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def console_url(cloud: LocalCloud) -> Iterator[str]:
    """The console, served as `sluice up` serves it, in front of the cloud's API."""
    with ConsoleServer(cloud.engine_url) as console:
        yield console.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system's packages; a clear failure when it cannot start."""
    executable = _chromium()
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_FLAGS
            )
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {executable} did not start: {error}")
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser tab (its own context: no cookies or cache from another test)."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/screenshots/ when asked to update them, else a temp dir."""
    if os.environ.get(UPDATE_SCREENSHOTS_ENV) == "1":
        return REPO_ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


def _chromium() -> str:
    """The Chromium to drive; fails (or skips, when asked to) if there is none."""
    executable = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if Path(executable).is_file():
        return executable
    message = (
        f"no Chromium at {executable}: `make test` installs Debian's chromium when run as root"
        f" (apt-get install -y chromium); {CHROMIUM_ENV} names another build,"
        f" {SKIP_ENV}=1 skips the browser tests"
    )
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(message)
    pytest.fail(message)


def _show_failed_orders(page: Page, console_url: str, cloud: LocalCloud) -> None:
    """Open the console and filter its executions to the orders workflow's failures."""
    page.goto(console_url)
    workflow = cloud.state_machine_arn(ORDERS_STATE_MACHINE).rsplit(":", 1)[-1]
    page.get_by_label("Workflow").select_option(workflow)
    page.get_by_label("Status").select_option("FAILED")
    page.get_by_role("button", name="Show").click()


def test_given_an_order_failed_by_an_erp_outage_when_staff_redrive_it_then_it_succeeds(
    page, cloud, console_url, orders: OrdersDriver, screenshots
):
    orders.erp.configure(faults=Faults(error_503=1.0))
    arn = orders.accept(orders.webhooks.new_order())
    assert orders.finish(arn, timeout=OUTAGE_TIMEOUT)["status"] == "FAILED"
    key = business_key(arn)

    _show_failed_orders(page, console_url, cloud)
    row = page.locator(f'tr[data-execution="{key}"]')
    expect(row).to_contain_text("FAILED")
    row.get_by_role("link", name=key).click()
    expect(page.locator("#failure h2")).to_have_text("Failed at UpsertCustomer")
    expect(page.locator("#failure .error-name")).to_have_text("ProviderUnavailable")
    expect(page.locator("#failure .cause")).to_have_text("erp: service unavailable (HTTP 503)")
    failed_step = page.locator('tr[data-step="UpsertCustomer"]')
    expect(failed_step).to_have_attribute("data-outcome", "failed")
    page.screenshot(path=screenshots / "console-failed-execution.png", full_page=True)
    orders.erp.configure(faults=NO_FAULTS)
    page.get_by_role("button", name="Redrive").click()

    expect(page.get_by_role("status")).to_contain_text(f"Redrive of {key} started")
    expect(page.locator("h1 .badge")).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    expect(page.locator("tr.redrive")).to_contain_text("Redrive 1 at")
    expect(failed_step.last).to_have_attribute("data-outcome", "succeeded")
    assert len(sales_orders_by_reference(orders.erp)[key]) == 1


def test_given_an_invalid_order_when_staff_fix_its_input_and_rerun_then_the_rerun_succeeds(
    page, cloud, console_url, orders: OrdersDriver, screenshots
):
    good = orders.webhooks.orders.order()
    arn = orders.accept(orders.webhooks.signed({**good, "total": "1.00"}))
    assert orders.finish(arn)["status"] == "FAILED"
    key = business_key(arn)

    _show_failed_orders(page, console_url, cloud)
    page.locator(f'tr[data-execution="{key}"]').get_by_role("link", name=key).click()
    expect(page.locator("#failure h2")).to_contain_text("Failed at ValidateOrder (caught")
    expect(page.locator("#failure")).to_contain_text("total 1.00 does not equal")
    box = page.get_by_label("Execution input (JSON)")
    edited = json.loads(box.input_value())
    edited["order"]["total"] = good["total"]
    box.fill(json.dumps(edited, indent=2))
    page.screenshot(path=screenshots / "console-rerun-form.png", full_page=True)
    page.get_by_role("button", name="Start re-run").click()

    expect(page.get_by_role("status")).to_contain_text(f"Re-run started as {key}-rerun-1")
    expect(page.locator("h1")).to_contain_text(f"{key}-rerun-1")
    expect(page.locator("h1 .badge")).to_have_text("SUCCEEDED", timeout=RUN_TIMEOUT_MS)
    assert len(sales_orders_by_reference(orders.erp)[key]) == 1
    page.goto(console_url)
    expect(page.locator(f'tr[data-execution="{key}-rerun-1"]')).to_contain_text("SUCCEEDED")
    page.screenshot(path=screenshots / "console-executions.png", full_page=True)
