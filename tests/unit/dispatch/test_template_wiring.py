"""template.yaml deploys the dispatcher within its budget and as the code expects."""

from tests.unit.template.checks import load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
DISPATCHER = RESOURCES["ErpDispatcherFunction"]["Properties"]
MAPPING = DISPATCHER["Events"]["ErpRequests"]["Properties"]


def test_the_dispatcher_consumes_the_erp_queue_with_b_per_batch_and_r_invocations():
    assert MAPPING["Queue"] == {"Fn::GetAtt": ["ErpRequestQueue", "Arn"]}
    assert MAPPING["BatchSize"] == {"Ref": "ErpDispatcherBatchSize"}
    assert MAPPING["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "ErpDispatcherConcurrency"}
    assert DISPATCHER["ReservedConcurrentExecutions"] == {"Ref": "ErpDispatcherConcurrency"}
    assert MAPPING["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_queue_visibility_is_at_least_six_times_the_dispatcher_timeout():
    """AWS guidance: visibility >= 6 x function timeout (+ batching window, none here)."""
    queue = RESOURCES["ErpRequestQueue"]["Properties"]
    assert "MaximumBatchingWindowInSeconds" not in MAPPING
    assert queue["VisibilityTimeout"] >= 6 * DISPATCHER["Timeout"]


def test_the_governor_table_has_the_key_schema_and_ttl_the_code_uses():
    table = RESOURCES["GovernorTable"]["Properties"]
    keys = {key["AttributeName"]: key["KeyType"] for key in table["KeySchema"]}
    assert keys == {"pk": "HASH", "sk": "RANGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}


def test_the_dead_mans_switch_alarm_also_fires_when_the_check_stops():
    alarm = RESOURCES["IntegrationSilenceAlarm"]["Properties"]
    assert alarm["MetricName"] == "SilentIntegrations"
    assert alarm["TreatMissingData"] == "breaching"
