"""Console actions: redrive and edit-and-re-run, posted as forms and answered by a redirect."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


def redirected_arn(response) -> str:
    """The execution ARN a 303 answer sends the browser to."""
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["arn"][0]


def test_given_a_provider_outage_fixed_when_redriven_then_the_execution_succeeds(cloud, providers):
    providers.erp_down.set()
    failed = cloud.run(cloud.orders, "order-shopify-5", cloud.order("5"))
    providers.erp_down.clear()

    answer = cloud.post("/redrive", {"arn": failed["executionArn"]})

    assert redirected_arn(answer) == failed["executionArn"]
    done = cloud.wait(failed["executionArn"])
    assert (done["status"], done["redriveCount"]) == ("SUCCEEDED", 1)
    assert providers.sales_orders == ["order-shopify-5"]


def test_given_a_redrive_then_the_page_it_leads_to_says_it_started(cloud, providers):
    providers.erp_down.set()
    failed = cloud.run(cloud.orders, "order-shopify-5", cloud.order("5"))
    providers.erp_down.clear()

    answer = cloud.post("/redrive", {"arn": failed["executionArn"]})
    cloud.wait(failed["executionArn"])
    page = cloud.get(answer.headers["Location"].split("?")[0], **_query(answer))

    assert "Redrive of order-shopify-5 started at" in page.text
    assert '<tr class="redrive"><td colspan="6">Redrive 1 at' in page.text


def test_given_a_succeeded_execution_when_redriven_then_the_api_refusal_is_shown(cloud):
    done = cloud.run(cloud.orders, "order-shopify-6", cloud.order("6"))

    answer = cloud.post("/redrive", {"arn": done["executionArn"]})
    page = cloud.get("/execution", **_query(answer))

    assert "Not redriven. ExecutionNotRedrivable: Execution is SUCCEEDED" in page.text


def test_given_an_invalid_order_when_rerun_with_a_fixed_input_then_a_rerun_succeeds(cloud):
    failed = cloud.run(cloud.orders, "order-shopify-7", cloud.order("7", total="1.00"))

    fixed = json.dumps(cloud.order("7"))
    answer = cloud.post("/rerun", {"arn": failed["executionArn"], "input": fixed})

    rerun_arn = redirected_arn(answer)
    assert rerun_arn.endswith(":order-shopify-7-rerun-1")
    done = cloud.wait(rerun_arn)
    assert done["status"] == "SUCCEEDED"
    assert json.loads(done["input"]) == cloud.order("7")


def test_given_two_reruns_then_the_second_takes_the_next_number(cloud):
    failed = cloud.run(cloud.orders, "order-shopify-8", cloud.order("8", total="1.00"))
    still_bad = json.dumps(cloud.order("8", total="2.00"))
    first = redirected_arn(
        cloud.post("/rerun", {"arn": failed["executionArn"], "input": still_bad})
    )
    cloud.wait(first)

    second = cloud.post("/rerun", {"arn": first, "input": json.dumps(cloud.order("8"))})

    assert redirected_arn(second).endswith(":order-shopify-8-rerun-2")


def test_given_broken_json_when_rerun_then_the_form_comes_back_with_the_reason_and_text(cloud):
    failed = cloud.run(cloud.orders, "order-shopify-9", cloud.order("9", total="1.00"))

    answer = cloud.post("/rerun", {"arn": failed["executionArn"], "input": '{"order": '})

    assert answer.status_code == 400
    assert "The input is not valid JSON" in answer.text
    assert "{&quot;order&quot;: </textarea>" in answer.text
    assert len(cloud.engine.list_executions({"stateMachineArn": cloud.orders})["executions"]) == 1


def test_given_a_changed_business_key_when_rerun_then_nothing_starts(cloud):
    failed = cloud.run(cloud.orders, "order-shopify-10", cloud.order("10", total="1.00"))
    other = json.dumps(cloud.order("11"))

    answer = cloud.post("/rerun", {"arn": failed["executionArn"], "input": other})

    assert answer.status_code == 400
    assert "Keep businessKey &quot;order-shopify-10&quot;" in answer.text
    assert len(cloud.engine.list_executions({"stateMachineArn": cloud.orders})["executions"]) == 1


def test_given_a_form_without_an_execution_then_it_is_refused(cloud):
    assert cloud.post("/redrive", {"arn": ""}).status_code == 400


def _query(answer) -> dict[str, str]:
    return {
        name: values[0]
        for name, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()
    }
