"""Plain-string secrets from Secrets Manager, cached by Powertools for warm invocations."""

from aws_lambda_powertools.utilities import parameters

# How long a warm Lambda reuses a secret before reading it again (the rotation delay).
SECRET_MAX_AGE_SECONDS = 300


def get_plain_secret(secret_name: str) -> str:
    """The secret string stored under `secret_name`, without surrounding whitespace."""
    return str(parameters.get_secret(secret_name, max_age=SECRET_MAX_AGE_SECONDS)).strip()
