"""The console is a local admin page: escaped output, its own host only, its own forms only."""

from __future__ import annotations

import json

import pytest
import requests

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

SCRIPT = "<script>alert(1)</script>"


def test_given_an_input_holding_markup_then_the_page_shows_it_as_text(cloud):
    execution_input = {"businessKey": "order-shopify-1", "order": {"total": SCRIPT}}
    failed = cloud.run(cloud.orders, "order-shopify-1", execution_input)

    page = cloud.get("/execution", arn=failed["executionArn"])

    assert SCRIPT not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_given_another_host_name_then_the_console_does_not_answer_it(cloud):
    page = requests.get(cloud.console_url + "/", headers={"Host": "evil.example:80"}, timeout=10)

    assert page.status_code == 421


def test_given_a_form_posted_from_another_site_then_nothing_is_done(cloud, providers):
    providers.erp_down.set()
    failed = cloud.run(cloud.orders, "order-shopify-2", cloud.order("2"))

    answer = cloud.post("/redrive", {"arn": failed["executionArn"]}, Origin="http://evil.example")

    assert answer.status_code == 403
    assert (
        cloud.engine.describe_execution({"executionArn": failed["executionArn"]})["redriveCount"]
        == 0
    )


def test_given_a_cross_site_fetch_without_origin_then_it_is_refused(cloud):
    answer = requests.post(
        cloud.console_url + "/rerun",
        data={"arn": "x", "input": json.dumps({})},
        headers={"Sec-Fetch-Site": "cross-site"},
        allow_redirects=False,
        timeout=10,
    )

    assert answer.status_code == 403
