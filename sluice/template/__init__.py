"""Load the SAM template for the local cloud and provision its AWS resources on moto."""

from sluice.template.aws_clients import AwsClients
from sluice.template.errors import (
    ParameterError,
    TemplateError,
    UnknownParameterError,
    UnsupportedTemplateFeature,
)
from sluice.template.loader import load_template
from sluice.template.model import TemplateModel
from sluice.template.provision import ProvisionReport, provision
from sluice.template.stack import StackContext

__all__ = [
    "AwsClients",
    "ParameterError",
    "ProvisionReport",
    "StackContext",
    "TemplateError",
    "TemplateModel",
    "UnknownParameterError",
    "UnsupportedTemplateFeature",
    "load_template",
    "provision",
]
