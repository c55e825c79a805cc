"""Lambda handler: post the alerts of one SQS batch to Slack, each once (digest in a storm)."""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.notifications.wiring import notifier_from_environment
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """SQS batch of alerts -> `{"batchItemFailures": [...]}` for those not posted yet."""
    records = [SQSRecord(record) for record in event["Records"]]
    failed = notifier_from_environment().handle_batch(
        records, lambda: context.get_remaining_time_in_millis() / 1000
    )
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
