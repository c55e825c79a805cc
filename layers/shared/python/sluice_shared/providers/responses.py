"""Validate a provider's successful response against the shape its API promises."""

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from sluice_shared.providers.errors import ProviderUnavailable

ResponseModel = TypeVar("ResponseModel", bound="ProviderResponse")


class ProviderResponse(BaseModel):
    """Base of response models: extra fields ignored, numeric ids accepted as strings."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)


def parse_response(
    provider: str, model: type[ResponseModel], payload: dict[str, Any]
) -> ResponseModel:
    """`payload` as `model`; a provider answering 2xx with another shape is a provider fault."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, detail["loc"])) for detail in error.errors())
        raise ProviderUnavailable(
            provider, f"unexpected {model.__name__} response, bad fields: {fields}"
        ) from error
