"""Raises an error named as the state machine would match it."""


class ProviderThrottled(Exception):
    """The provider asked us to slow down."""


def handler(event, context):
    """Fail with the message in the event."""
    raise ProviderThrottled(event["message"])
