"""Imports a module that is not there (as when a layer is missing)."""

import sluice_module_that_does_not_exist  # noqa: F401


def handler(event, context):
    """Never reached."""
    return event
