"""Runs past its timeout in short sleeps, and notes how it ended."""

import sys
import time

import lambda_probe


def handler(event, context):
    """Busy for `event["seconds"]` real seconds unless interrupted."""
    deadline = time.monotonic() + event["seconds"]
    try:
        while time.monotonic() < deadline:
            time.sleep(0.002)
    finally:
        lambda_probe.note(event["key"], "interrupted" if sys.exc_info()[0] else "finished")
        lambda_probe.event(event["key"]).set()
    return {"slept": event["seconds"]}
