"""Resource types: SAM's generated resources, event sources, and unsupported types."""

from __future__ import annotations

import json

import pytest

from sluice.template import TemplateError, UnsupportedTemplateFeature

FUNCTION = """
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/worker/
      Handler: app.handler
      Runtime: python3.13
"""


def with_events(events: str, extra_resources: str = "") -> str:
    """A template with one function carrying the given `Events` block."""
    return f"Resources:{FUNCTION}      Events:\n{events}{extra_resources}"


def test_unsupported_resource_type_names_the_resource_and_type(load_yaml):
    template = """
Resources:
  GraphApi:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: graph
"""
    with pytest.raises(
        UnsupportedTemplateFeature,
        match=r"Resource 'GraphApi' has type AWS::AppSync::GraphQLApi, which the local cloud "
        r"does not support \(supported: .*AWS::SQS::Queue",
    ):
        load_yaml(template)


def test_unsupported_event_type_names_the_function_and_event(load_yaml):
    events = """
        Stream:
          Type: Kinesis
          Properties:
            Stream: arn:aws:kinesis:us-east-1:123456789012:stream/s
"""
    with pytest.raises(UnsupportedTemplateFeature, match="Event 'Stream' of resource 'Worker'"):
        load_yaml(with_events(events))


def test_unsupported_transform_is_rejected(load_yaml):
    with pytest.raises(UnsupportedTemplateFeature, match="Transform AWS::Include"):
        load_yaml("Transform: AWS::Include\nResources:\n  Q: {Type: AWS::SQS::Queue}\n")


def test_sqs_event_becomes_an_event_source_mapping(load_yaml):
    events = """
        Requests:
          Type: SQS
          Properties:
            Queue: !GetAtt Requests.Arn
            BatchSize: 5
            MaximumBatchingWindowInSeconds: 2
            ScalingConfig: {MaximumConcurrency: 3}
            FunctionResponseTypes: [ReportBatchItemFailures]
"""
    queue = "  Requests:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: requests}\n"
    source = load_yaml(with_events(events, queue)).sqs_event_sources["WorkerRequests"]
    assert source.function_logical_id == "Worker"
    assert source.queue.logical_id == "Requests"
    assert source.queue_url == "https://sqs.us-east-1.amazonaws.com/123456789012/requests"
    assert (source.batch_size, source.maximum_batching_window_seconds) == (5, 2)
    assert source.maximum_concurrency == 3
    assert source.function_response_types == ("ReportBatchItemFailures",)
    assert source.enabled is True


def test_schedule_events_become_rules_and_schedules(load_yaml):
    events = """
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * ? *)
            Enabled: false
            Input: '{"mode": "full"}'
        Hourly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 hour)
            ScheduleExpressionTimezone: Europe/Paris
            DeadLetterConfig: {Type: SQS}
"""
    model = load_yaml(with_events(events))
    rule = model.event_rules["WorkerNightly"]
    schedule = model.schedules["WorkerHourly"]
    assert (rule.schedule_expression, rule.state) == ("cron(0 2 * * ? *)", "DISABLED")
    assert json.loads(rule.targets[0].input) == {"mode": "full"}
    assert rule.targets[0].target.logical_id == "Worker"
    assert (schedule.expression, schedule.timezone) == ("rate(1 hour)", "Europe/Paris")
    assert schedule.target.target.arn == model.functions["Worker"].arn
    assert schedule.target.dead_letter.logical_id == "WorkerHourlyQueue"


def test_eventbridge_rule_event_on_a_state_machine_targets_its_arn(load_yaml, write_template):
    template = """
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Done
        States: {Done: {Type: Succeed}}
      Events:
        OnDrop:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern: {source: [warehouse]}
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: retail}
"""
    model = load_yaml(template)
    rule = model.event_rules["FlowOnDrop"]
    assert rule.bus_name == "retail"
    assert rule.arn.startswith("arn:aws:events:us-east-1:123456789012:rule/retail/")
    assert rule.targets[0].target.arn == model.state_machines["Flow"].arn
    assert model.state_machines["Flow"].arn.endswith(
        ":stateMachine:" + model.state_machines["Flow"].name
    )


def test_s3_event_adds_a_notification_to_the_bucket(load_yaml):
    events = """
        Dropped:
          Type: S3
          Properties:
            Bucket: !Ref Drops
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules: [{Name: prefix, Value: inventory/}, {Name: suffix, Value: .csv}]
"""
    bucket = "  Drops:\n    Type: AWS::S3::Bucket\n"
    model = load_yaml(with_events(events, bucket))
    spec = model.buckets["Drops"]
    (notification,) = spec.notifications
    assert spec.name == spec.name.lower() and spec.name.startswith("test-drops-")
    assert notification.kind == "lambda"
    assert notification.target.logical_id == "Worker"
    assert notification.events == ("s3:ObjectCreated:*",)
    assert notification.filter_rules == (("prefix", "inventory/"), ("suffix", ".csv"))


def test_http_api_event_without_api_id_uses_the_implicit_api(load_yaml):
    events = """
        Hook:
          Type: HttpApi
          Properties:
            Path: /hooks
            Method: post
"""
    api = load_yaml(with_events(events)).http_apis["ServerlessHttpApi"]
    (route,) = api.routes
    assert (route.method, route.path, route.payload_format_version) == ("POST", "/hooks", "2.0")
    assert api.stage_name == "$default"


def test_sns_event_subscribes_the_function(load_yaml):
    events = """
        Alerts:
          Type: SNS
          Properties:
            Topic: !Ref AlertsTopic
            FilterPolicy: {severity: [high]}
"""
    topic = "  AlertsTopic:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: alerts}\n"
    model = load_yaml(with_events(events, topic))
    subscription = model.subscriptions["WorkerAlerts"]
    assert subscription.topic.logical_id == "AlertsTopic"
    assert subscription.protocol == "lambda"
    assert subscription.target.logical_id == "Worker"
    assert subscription.filter_policy == {"severity": ["high"]}


def test_inline_definition_gets_substitutions(load_yaml):
    template = """
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: flow
      DefinitionString: >-
        {"StartAt": "S",
        "States": {"S": {"Type": "Pass", "Result": "${Url}", "End": true}}}
      DefinitionSubstitutions:
        Url: !Ref Jobs
"""
    machine = load_yaml(template).state_machines["Flow"]
    state = json.loads(machine.definition)["States"]["S"]
    assert state["Result"] == "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
    assert machine.arn == "arn:aws:states:us-east-1:123456789012:stateMachine:flow"


def test_definition_that_is_not_json_after_substitution_is_an_error(load_yaml):
    template = """
Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: '{"StartAt": ${Start}}'
      DefinitionSubstitutions: {Start: "not json"}
"""
    with pytest.raises(TemplateError, match="State machine 'Flow' definition is not valid JSON"):
        load_yaml(template)


def test_fifo_queue_without_a_name_gets_the_fifo_suffix(load_yaml):
    template = (
        "Resources:\n  Ordered:\n    Type: AWS::SQS::Queue\n    Properties: {FifoQueue: true}\n"
    )
    queue = load_yaml(template).queues["Ordered"]
    assert queue.name.endswith(".fifo")
    assert queue.fifo is True
    assert len(queue.name) <= 80


def test_alarms_and_log_groups_are_kept_as_data(load_yaml):
    template = """
Resources:
  Backlog:
    Type: AWS::SQS::Queue
    Properties: {QueueName: backlog}
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /app/logs, RetentionInDays: 90}
  BacklogAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      MetricName: ApproximateNumberOfMessagesVisible
      Namespace: AWS/SQS
      Dimensions: [{Name: QueueName, Value: !GetAtt Backlog.QueueName}]
      Threshold: 1
"""
    model = load_yaml(template)
    alarm = model.alarms["BacklogAlarm"]
    assert alarm.properties["Dimensions"] == [{"Name": "QueueName", "Value": "backlog"}]
    assert alarm.arn == f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{alarm.name}"
    logs = model.log_groups["Logs"]
    assert (logs.name, logs.retention_days) == ("/app/logs", 90)
    assert logs.arn == "arn:aws:logs:us-east-1:123456789012:log-group:/app/logs:*"


def test_declared_event_source_mapping_on_an_external_queue(load_yaml):
    template = f"""
Resources:{FUNCTION}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: arn:aws:sqs:eu-west-1:210987654321:shared-requests
      Enabled: "false"
"""
    source = load_yaml(template).sqs_event_sources["Mapping"]
    assert source.function_logical_id == "Worker"
    assert source.queue.logical_id is None
    assert source.queue_url == "https://sqs.eu-west-1.amazonaws.com/210987654321/shared-requests"
    assert (source.batch_size, source.enabled) == (10, False)


def test_event_source_mapping_on_a_stream_is_unsupported(load_yaml):
    template = f"""
Resources:{FUNCTION}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
"""
    with pytest.raises(UnsupportedTemplateFeature, match="'Mapping' reads arn:aws:kinesis"):
        load_yaml(template)


def test_secrets_named_in_policies_are_listed_unless_declared(load_yaml):
    template = f"""
Resources:{FUNCTION}
      Policies:
        - AWSSecretsManagerGetSecretValuePolicy:
            SecretArn: !Sub "arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:\\
              ${{AWS::AccountId}}:secret:app/token-*"
        - Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource:
                - arn:aws:secretsmanager:us-east-1:123456789012:secret:app/slack-??????
                - !Ref Declared
  Declared:
    Type: AWS::SecretsManager::Secret
    Properties: {{Name: app/declared, SecretString: s3cret}}
"""
    model = load_yaml(template)
    assert model.referenced_secret_names == ("app/slack", "app/token")
    declared = model.secrets["Declared"]
    assert declared.arn.startswith(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/declared-"
    )
    assert declared.secret_string == "s3cret"
