"""Spends SLOW_INIT_SECONDS (real seconds, from its environment) importing, then echoes."""

import os
import time

_deadline = time.monotonic() + float(os.environ["SLOW_INIT_SECONDS"])
while time.monotonic() < _deadline:
    time.sleep(0.002)


def handler(event, context):
    """Return the event."""
    return event
