"""The async request envelope on a provider's request queue (docs/conventions.md)."""

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sluice_shared.dispatch.errors import RequestInvalid
from sluice_shared.models.field_errors import field_errors
from sluice_shared.providers.config import ACCOUNT_NAME_PATTERN, MAX_ACCOUNT_NAME_LENGTH

# Step Functions task tokens are at most 1024 characters.
MAX_TASK_TOKEN_LENGTH = 1024


class RequestEnvelope(BaseModel):
    """One provider call to make, for which account, and the workflow waiting for it, if any.

    `{"provider", "operation", "idempotencyKey", "businessKey", "payload", "taskToken"?,
    "account"?}`; without `account` the call goes to the provider's default account.
    """

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    provider: str = Field(min_length=1)
    operation: str = Field(min_length=1)
    idempotency_key: str = Field(min_length=1, max_length=255)
    business_key: str = Field(min_length=1, max_length=80)
    payload: dict[str, Any]
    task_token: str | None = Field(default=None, min_length=1, max_length=MAX_TASK_TOKEN_LENGTH)
    account: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ACCOUNT_NAME_LENGTH,
        pattern=ACCOUNT_NAME_PATTERN,
    )

    def to_json(self) -> dict[str, Any]:
        """The envelope as the JSON object it was sent as."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def parse_envelope(body: str) -> RequestEnvelope:
    """The message body as an envelope, or `RequestInvalid` naming every problem."""
    try:
        return RequestEnvelope.model_validate_json(body)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise RequestInvalid(f"invalid request envelope: {problems}") from error


def task_token_in(body: str) -> str | None:
    """The task token of a body that may be no valid envelope (to tell its workflow why)."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    token = document.get("taskToken") if isinstance(document, dict) else None
    valid = isinstance(token, str) and 0 < len(token) <= MAX_TASK_TOKEN_LENGTH
    return token if valid else None
