"""Errors the template loader raises: every message names the resource, parameter or path."""

from __future__ import annotations


class TemplateError(Exception):
    """The template cannot be loaded as written (bad syntax, dangling reference, cycle, ...)."""


class UnsupportedTemplateFeature(TemplateError):
    """The template uses a resource type, event type or intrinsic the local cloud cannot run."""


class ParameterError(TemplateError):
    """A parameter value is missing or breaks the constraints the template declares for it."""


class UnknownParameterError(ParameterError):
    """An override names a parameter the template does not declare."""
