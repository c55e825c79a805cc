"""Returns something JSON cannot carry."""


def handler(event, context):
    """Return a set."""
    return {"tags": {"a"}}
