"""Holds its instance until the test opens the gate, counting instances that run at once."""

import lambda_probe


def handler(event, context):
    """Wait on the gate named in the event (at most 5 s), then return."""
    name = context.function_name
    lambda_probe.enter(name)
    try:
        lambda_probe.event(event.get("gate", "gate")).wait(5)
    finally:
        lambda_probe.leave(name)
    return {"held": True}
