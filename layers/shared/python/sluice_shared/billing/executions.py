"""Start a billing execution by name; an existing execution of that name is found, not doubled."""

from botocore.client import BaseClient
from botocore.exceptions import ClientError


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN an execution called `name` of this state machine has."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


def start_billing(
    stepfunctions: BaseClient, state_machine_arn: str, name: str, execution_input: str
) -> str:
    """Start the execution `name` (or find it started) and return its ARN."""
    try:
        started = stepfunctions.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=execution_input
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return execution_arn(state_machine_arn, name)
    return str(started["executionArn"])
