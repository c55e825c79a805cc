"""Shared code for sluice's Lambda functions: models, provider clients, observability."""

__version__ = "0.1.0"
