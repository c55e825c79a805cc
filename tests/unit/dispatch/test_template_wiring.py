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


def test_the_mapping_has_no_batching_window():
    """The queue's visibility is six dispatcher timeouts with no batching window to add (AWS's
    guidance); tests/unit/template checks the six timeouts for every allowed timeout."""
    assert "MaximumBatchingWindowInSeconds" not in MAPPING


def test_the_governor_table_has_the_key_schema_and_ttl_the_code_uses():
    table = RESOURCES["GovernorTable"]["Properties"]
    keys = {key["AttributeName"]: key["KeyType"] for key in table["KeySchema"]}
    assert keys == {"pk": "HASH", "sk": "RANGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}


def test_the_dead_mans_switch_alarm_also_fires_when_the_check_stops():
    alarm = RESOURCES["IntegrationSilenceAlarm"]["Properties"]
    assert alarm["MetricName"] == "SilentIntegrations"
    assert alarm["TreatMissingData"] == "breaching"
