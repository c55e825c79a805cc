"""The stack a template is loaded as: its name, account, region and partition."""

from __future__ import annotations

from dataclasses import dataclass

from sluice.template.naming import generated_uuid

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class StackContext:
    """Values of the pseudo parameters (`AWS::StackName`, `AWS::Region`, ...) and ARN parts."""

    stack_name: str
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """An ARN of this stack's account (and region, unless the service is global)."""
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def stack_id(self) -> str:
        """The stack's ARN, as `AWS::StackId` returns it."""
        stack = f"stack/{self.stack_name}/{generated_uuid(self.stack_name)}"
        return self.arn("cloudformation", stack)
