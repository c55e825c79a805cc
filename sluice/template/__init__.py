"""Load the SAM template for the local cloud and provision its AWS resources on moto."""

from sluice.template.errors import (
    ParameterError,
    TemplateError,
    UnknownParameterError,
    UnsupportedTemplateFeature,
)
from sluice.template.loader import load_template
from sluice.template.model import TemplateModel
from sluice.template.stack import StackContext

__all__ = [
    "ParameterError",
    "StackContext",
    "TemplateError",
    "TemplateModel",
    "UnknownParameterError",
    "UnsupportedTemplateFeature",
    "load_template",
]
