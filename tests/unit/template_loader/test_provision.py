"""Provisioning creates the template's resources on a moto server, idempotently."""

from __future__ import annotations

import json

import pytest

from sluice.template import load_template
from sluice.template.provision import provision
from tests.unit.template_loader.conftest import REAL_TEMPLATE

WEBHOOK_SECRET = "sluice/dev/storefront/webhook-secret"


@pytest.fixture(scope="module")
def model():
    """template.yaml as the dev stack."""
    return load_template(REAL_TEMPLATE)


def test_tables_exist_with_their_keys_and_ttl(model, aws):
    provision(model, aws)
    failures = aws.dynamodb.describe_table(TableName="sluice-dev-ops-failures")["Table"]
    assert failures["KeySchema"] == [
        {"AttributeName": "businessKey", "KeyType": "HASH"},
        {"AttributeName": "failureId", "KeyType": "RANGE"},
    ]
    ttl = aws.dynamodb.describe_time_to_live(TableName="sluice-dev-idempotency")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expiration"


def test_request_queue_redrives_to_its_dead_letter_queue(model, aws):
    provision(model, aws)
    queue = model.queues["ErpRequestQueue"]
    attributes = aws.sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["All"])[
        "Attributes"
    ]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive == {
        "deadLetterTargetArn": model.queues["ErpRequestDeadLetterQueue"].arn,
        "maxReceiveCount": 10,
    }
    assert attributes["VisibilityTimeout"] == "720"
    assert attributes["QueueArn"] == queue.arn


def test_message_sent_to_the_template_queue_url_is_received(model, aws):
    """The CloudFormation-style URL in the state machine definition works against moto."""
    provision(model, aws)
    url = model.queues["ErpRequestQueue"].url
    aws.sqs.send_message(QueueUrl=url, MessageBody="hello")
    messages = aws.sqs.receive_message(QueueUrl=url)["Messages"]
    assert [message["Body"] for message in messages] == ["hello"]


def test_settings_parameters_hold_the_resolved_json(model, aws):
    provision(model, aws)
    value = aws.ssm.get_parameter(Name="/sluice/dev/providers/erp")["Parameter"]["Value"]
    assert json.loads(value)["connectionCap"] == 25


def test_caller_secrets_are_created_and_unsupplied_ones_reported(model, aws):
    report = provision(model, aws, {WEBHOOK_SECRET: "local-webhook-secret"})
    secret = aws.secretsmanager.get_secret_value(SecretId=WEBHOOK_SECRET)
    assert secret["SecretString"] == "local-webhook-secret"
    assert WEBHOOK_SECRET not in report.missing_secrets
    assert {"sluice/dev/erp/api-key", "sluice/dev/warehouse/api-key"} <= set(report.missing_secrets)


def test_rules_exist_with_their_patterns(model, aws):
    provision(model, aws)
    rule = model.event_rules["RecordExecutionFailureFunctionExecutionStopped"]
    described = aws.events.describe_rule(Name=rule.name)
    assert json.loads(described["EventPattern"]) == rule.event_pattern
    assert described["Arn"] == rule.arn


def test_provisioning_twice_succeeds_and_updates_values(model, aws):
    provision(model, aws, {WEBHOOK_SECRET: "first"})
    report = provision(model, aws, {WEBHOOK_SECRET: "second"})
    assert report.tables == [table.name for table in model.tables.values()]
    secret = aws.secretsmanager.get_secret_value(SecretId=WEBHOOK_SECRET)
    assert secret["SecretString"] == "second"
    assert len(aws.sqs.list_queues()["QueueUrls"]) == len(model.queues)


def test_buckets_topics_buses_and_sqs_subscriptions(load_yaml, aws):
    template = """
Resources:
  Drops:
    Type: AWS::S3::Bucket
    Properties: {BucketName: drops}
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
      Subscription:
        - Protocol: sqs
          Endpoint: !GetAtt AlertsQueue.Arn
  AlertsQueue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: alerts}
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: retail}
  OnBus:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {source: [warehouse]}
"""
    model = load_yaml(template)
    provision(model, aws)
    provision(model, aws)
    aws.s3.head_bucket(Bucket="drops")
    subscriptions = aws.sns.list_subscriptions_by_topic(TopicArn=model.topics["Alerts"].arn)
    assert [item["Endpoint"] for item in subscriptions["Subscriptions"]] == [
        model.queues["AlertsQueue"].arn
    ]
    rules = aws.events.list_rules(EventBusName="retail")["Rules"]
    assert [rule["Name"] for rule in rules] == [model.event_rules["OnBus"].name]


def test_declared_secret_gets_its_template_value_unless_the_caller_supplies_one(load_yaml, aws):
    template = """
Resources:
  Token:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: app/token, SecretString: from-template}
  Key:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: app/key, SecretString: from-template}
"""
    provision(load_yaml(template), aws, {"app/key": "from-caller"})
    token = aws.secretsmanager.get_secret_value(SecretId="app/token")["SecretString"]
    key = aws.secretsmanager.get_secret_value(SecretId="app/key")["SecretString"]
    assert (token, key) == ("from-template", "from-caller")
