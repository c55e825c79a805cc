"""An SQS consumer driven by its messages: ok, fail (partial), raise, bad-id, hold on a gate."""

import json

import lambda_probe


def handler(event, context):
    """Process each record as its body's `action` says; report item failures."""
    name = context.function_name
    lambda_probe.enter(name)
    try:
        lambda_probe.note(f"{name}:batches", str(len(event["Records"])))
        failures = []
        for record in event["Records"]:
            lambda_probe.note(f"{name}:records", json.dumps(record))
            body = json.loads(record["body"])
            action = body.get("action", "ok")
            if action == "hold":
                lambda_probe.event(body["gate"]).wait(5)
            elif action == "raise":
                raise RuntimeError("the whole batch fails")
            elif action == "fail":
                failures.append({"itemIdentifier": record["messageId"]})
            elif action == "bad-id":
                failures.append({"itemIdentifier": ""})
        return {"batchItemFailures": failures}
    finally:
        lambda_probe.leave(name)
