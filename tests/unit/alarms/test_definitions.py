"""The template's alarms load as definitions; what cannot run locally is refused by name."""

from pathlib import Path

import pytest

from sluice.alarms import AlarmState, UnsupportedAlarm, alarm_definitions
from sluice.alarms.definitions import ComparisonOperator, Statistic, TreatMissingData
from sluice.template import load_template
from tests.unit.alarms.support import TOPIC, alarm

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


def test_every_alarm_of_the_template_can_be_evaluated_locally():
    model = load_template(TEMPLATE, config_env="dev")

    definitions = {d.logical_id: d for d in alarm_definitions(model.alarms)}

    assert set(definitions) == set(model.alarms)
    silence = definitions["IntegrationSilenceAlarm"]
    assert (silence.metric.namespace, silence.metric.name) == ("Sluice", "SilentIntegrations")
    assert dict(silence.metric.dimensions) == {"service": "sluice", "environment": "dev"}
    assert silence.treat_missing_data is TreatMissingData.BREACHING
    dlq = definitions["ErpRequestDeadLetterQueueAlarm"]
    assert dict(dlq.metric.dimensions) == {"QueueName": "sluice-dev-erp-requests-dlq"}
    assert dlq.ok_actions == dlq.alarm_actions == (model.topics["AlertsTopic"].arn,)


def test_properties_are_typed_and_datapoints_to_alarm_defaults_to_evaluation_periods():
    definition = alarm(EvaluationPeriods="3", Threshold="2.5", TreatMissingData=None)

    assert definition.evaluation_periods == definition.datapoints_to_alarm == 3
    assert definition.threshold == 2.5
    assert definition.statistic is Statistic.MAXIMUM
    assert definition.comparison is ComparisonOperator.GREATER
    assert definition.treat_missing_data is TreatMissingData.MISSING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Metrics": [{"Id": "m1", "Expression": "SUM(METRICS())"}]}, "Metrics is not supported"),
        ({"ExtendedStatistic": "p99"}, "ExtendedStatistic is not supported"),
        ({"ComparisonOperator": "GreaterThanUpperThreshold"}, "ComparisonOperator"),
        ({"Period": 45}, "Period 45 must be 10, 30 or a multiple of 60"),
        ({"EvaluationPeriods": 2, "DatapointsToAlarm": 3}, "DatapointsToAlarm 3 exceeds"),
        ({"Period": 3600, "EvaluationPeriods": 25}, "may not exceed one day"),
        ({"AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop"]}, "only SNS actions"),
        ({"Statistic": None}, "Statistic is required"),
    ],
)
def test_what_cannot_be_evaluated_locally_is_refused_naming_the_alarm(changes, message):
    with pytest.raises(UnsupportedAlarm, match=message) as refused:
        alarm("QueueDepthAlarm", **changes)

    assert "Alarm 'QueueDepthAlarm'" in str(refused.value)


def test_actions_disabled_run_no_action():
    definition = alarm(ActionsEnabled="false", AlarmActions=[TOPIC])

    assert definition.actions_for(AlarmState.ALARM) == ()
    assert alarm().actions_for(AlarmState.ALARM) == (TOPIC,)
