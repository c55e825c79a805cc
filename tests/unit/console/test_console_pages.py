"""The console's pages, served over loopback from the engine's API: lists, filters, details."""

from __future__ import annotations

import re
import socket

import pytest
import requests

from sluice.console import ConsoleServer

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


@pytest.fixture
def closed_endpoint() -> str:
    """An endpoint on a loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def listed_names(html: str) -> list[str]:
    """The execution names in a list page's table, in order."""
    return re.findall(r'<tr data-execution="([^"]+)">', html)


def step_outcomes(html: str) -> list[tuple[str, str]]:
    """(step, outcome) of each row of a detail page's steps table."""
    return re.findall(r'data-step="([^"]+)" data-outcome="([^"]+)"', html)


def test_given_executions_of_two_workflows_then_the_list_shows_them_newest_first(cloud):
    cloud.run(cloud.orders, "order-shopify-1", cloud.order("1"))
    cloud.run(cloud.billing, "shipment-3pl-9", {})

    page = cloud.get("/")

    assert page.status_code == 200
    assert listed_names(page.text) == ["shipment-3pl-9", "order-shopify-1"]


def test_given_a_workflow_filter_then_only_its_executions_are_listed(cloud):
    cloud.run(cloud.orders, "order-shopify-1", cloud.order("1"))
    cloud.run(cloud.billing, "shipment-3pl-9", {})

    page = cloud.get("/", workflow="sluice-test-billing")

    assert listed_names(page.text) == ["shipment-3pl-9"]
    assert '<option value="sluice-test-billing" selected>' in page.text


def test_given_a_status_filter_then_only_executions_with_that_status_are_listed(cloud, providers):
    cloud.run(cloud.orders, "order-shopify-1", cloud.order("1"))
    providers.erp_down.set()
    cloud.run(cloud.orders, "order-shopify-2", cloud.order("2"))

    page = cloud.get("/", status="FAILED")

    assert listed_names(page.text) == ["order-shopify-2"]


def test_given_executions_of_several_statuses_then_the_list_counts_them_by_status(cloud, providers):
    cloud.run(cloud.orders, "order-shopify-1", cloud.order("1"))
    cloud.run(cloud.orders, "order-shopify-2", cloud.order("2", total="1.00"))
    providers.erp_down.set()
    cloud.run(cloud.orders, "order-shopify-3", cloud.order("3"))

    page = cloud.get("/")

    assert '<p class="counts">3 shown: 2 failed, 1 succeeded</p>' in page.text


def test_given_an_unknown_status_then_the_page_says_so_with_status_400(cloud):
    page = cloud.get("/", status="BROKEN")

    assert page.status_code == 400
    assert "Unknown status &#x27;BROKEN&#x27;" in page.text


def test_given_a_failed_provider_call_then_the_detail_highlights_the_step_and_its_cause(
    cloud, providers
):
    providers.erp_down.set()
    failed = cloud.run(cloud.orders, "order-shopify-2", cloud.order("2"))

    page = cloud.get("/execution", arn=failed["executionArn"])

    assert page.status_code == 200
    assert step_outcomes(page.text) == [("Validate", "succeeded"), ("CreateSalesOrder", "failed")]
    assert "Failed at CreateSalesOrder" in page.text
    assert '<p class="error-name">ProviderUnavailable</p>' in page.text
    assert '<p class="cause">erp: service unavailable (HTTP 503)</p>' in page.text
    assert "3 attempts" in page.text
    assert '<button type="submit">Redrive</button>' in page.text


def test_given_a_caught_data_error_then_the_detail_names_the_step_and_what_it_said(cloud):
    failed = cloud.run(cloud.orders, "order-shopify-3", cloud.order("3", total="1.00"))

    page = cloud.get("/execution", arn=failed["executionArn"])

    assert step_outcomes(page.text) == [("Validate", "caught"), ("OrderFailed", "failed")]
    assert "Failed at Validate (caught, then OrderFailed)" in page.text
    assert "Validate said: order order-shopify-3 is invalid: total 1.00 is wrong" in page.text
    assert "a Fail state, so it would fail again" in page.text


def test_given_a_succeeded_execution_then_it_offers_no_redrive_and_shows_its_output(cloud):
    done = cloud.run(cloud.orders, "order-shopify-4", cloud.order("4"))

    page = cloud.get("/execution", arn=done["executionArn"])

    assert 'action="/redrive"' not in page.text
    assert 'id="failure"' not in page.text
    assert "<h2>Output</h2>" in page.text and "SO-1" in page.text


def test_given_an_unknown_execution_then_the_api_error_is_shown(cloud):
    arn = cloud.orders.replace(":stateMachine:", ":execution:") + ":order-shopify-404"

    page = cloud.get("/execution", arn=arn)

    assert page.status_code == 400
    assert "ExecutionDoesNotExist" in page.text


def test_given_the_stylesheet_path_then_css_is_served_from_the_console_itself(cloud):
    sheet = cloud.get("/console.css")

    assert sheet.status_code == 200
    assert sheet.headers["Content-Type"].startswith("text/css")


def test_given_more_executions_than_a_page_then_a_link_pages_on_to_the_older_ones(cloud):
    for number in range(101):
        cloud.engine.start_execution({"stateMachineArn": cloud.billing, "name": f"s-{number}"})
    first = cloud.get("/", workflow="sluice-test-billing")
    token = re.search(r'href="/\?workflow=sluice-test-billing&amp;page=([^"]+)"', first.text)
    assert token is not None

    older = cloud.get("/", workflow="sluice-test-billing", page=token.group(1))

    assert len(listed_names(first.text)) == 100
    assert len(listed_names(older.text)) == 1
    assert set(listed_names(first.text)).isdisjoint(listed_names(older.text))


def test_given_an_api_that_does_not_answer_then_the_page_says_so_with_status_502(
    closed_endpoint,
):
    with ConsoleServer(closed_endpoint) as console:
        page = requests.get(console.url + "/", timeout=30)

    assert page.status_code == 502
    assert "The Step Functions API did not answer" in page.text
