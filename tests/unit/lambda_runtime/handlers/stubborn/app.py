"""Swallows every interrupt until the test releases it."""

import lambda_probe


def handler(event, context):
    """Ignore timeouts (a handler that catches BaseException) until released."""
    release = lambda_probe.event(event["key"])
    while not release.is_set():
        try:
            release.wait(0.005)
        except BaseException:
            lambda_probe.note(event["key"], "swallowed")
    return {"released": True}
