"""The inventory's deployment: rate arithmetic per environment, queue and Map sizing, triggers."""

import pytest

from tests.unit.template.checks import load_definition, load_samconfig, load_template

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
DISPATCHER = RESOURCES["StorefrontDispatcherFunction"]["Properties"]
# One request's read timeout (StorefrontSettingsParameter) and the storefront's burst.
REQUEST_TIMEOUT_SECONDS = 25
STOREFRONT_BURST = 40
STOREFRONT_MAX_LEVELS = 250


def _environments() -> dict[str, dict[str, str]]:
    """Every environment's parameter values: template defaults, then samconfig overrides."""
    defaults = {name: str(p.get("Default")) for name, p in TEMPLATE["Parameters"].items()}
    environments = {"template defaults": defaults}
    for env, config in load_samconfig().items():
        if not isinstance(config, dict):
            continue
        overrides = config.get("deploy", {}).get("parameters", {}).get("parameter_overrides")
        if overrides:
            environments[env] = defaults | dict(item.split("=", 1) for item in overrides)
    return environments


@pytest.mark.parametrize(("env", "values"), sorted(_environments().items()))
def test_a_paced_batch_fits_the_dispatcher_timeout_in_every_environment(env, values):
    """B messages at L / R per second, plus one request's timeout, within the Timeout."""
    batch = int(values["StorefrontDispatcherBatchSize"])
    concurrency = int(values["StorefrontDispatcherConcurrency"])
    rate = float(values["StorefrontRateLimitPerSecond"])
    assert batch * concurrency / rate + REQUEST_TIMEOUT_SECONDS < DISPATCHER["Timeout"], env
    assert concurrency <= STOREFRONT_BURST, env


def test_the_dispatcher_concurrency_is_capped_by_the_mapping_and_reserved():
    """MaximumConcurrency = reserved concurrency = R, the figure each invocation's share uses."""
    [event] = DISPATCHER["Events"].values()
    concurrency = {"Ref": "StorefrontDispatcherConcurrency"}
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == concurrency
    assert DISPATCHER["ReservedConcurrentExecutions"] == concurrency
    variables = DISPATCHER["Environment"]["Variables"]
    assert variables["STOREFRONT_DISPATCHER_CONCURRENCY"] == concurrency
    assert variables["STOREFRONT_RATE_LIMIT_PER_SECOND"] == {"Ref": "StorefrontRateLimitPerSecond"}


def test_the_storefront_queue_hides_messages_six_times_the_dispatcher_timeout():
    queue = RESOURCES["StorefrontRequestQueue"]["Properties"]
    dlq = RESOURCES["StorefrontRequestDeadLetterQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * DISPATCHER["Timeout"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 5
    assert dlq["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]


def test_each_map_batch_fits_one_storefront_request():
    send_levels = load_definition("statemachines/inventory.asl.json")["States"]["SendLevels"]
    assert send_levels["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert send_levels["ItemReader"]["ReaderConfig"]["InputType"] == "CSV"
    assert send_levels["ItemBatcher"]["MaxItemsPerBatch"] <= STOREFRONT_MAX_LEVELS
    assert 0 < send_levels["ToleratedFailurePercentage"] < 100


def test_only_csv_files_under_incoming_start_a_run():
    """The run files the workflow writes under runs/ must never trigger a run."""
    [event] = RESOURCES["StartInventoryRunFunction"]["Properties"]["Events"].values()
    rules = event["Properties"]["Filter"]["S3Key"]["Rules"]
    assert {rule["Name"]: rule["Value"] for rule in rules} == {
        "prefix": "incoming/",
        "suffix": ".csv",
    }


def test_sftp_is_off_unless_enabled():
    assert TEMPLATE["Parameters"]["EnableSftp"]["Default"] == "false"
    for name in ("SftpServer", "SftpUserRole", "SftpWarehouseUser"):
        assert RESOURCES[name]["Condition"] == "SftpEnabled"
