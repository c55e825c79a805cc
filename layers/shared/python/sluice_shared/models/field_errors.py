"""Turn a pydantic `ValidationError` into `{"field", "message"}` entries a caller can act on."""

from typing import TypedDict

from pydantic import ValidationError


class FieldError(TypedDict):
    """One invalid field: its dotted path (`line_items.0.quantity`) and what is wrong."""

    field: str
    message: str


def field_errors(error: ValidationError) -> list[FieldError]:
    """The field errors of `error`, in the order pydantic reports them."""
    return [
        FieldError(
            field=".".join(str(part) for part in detail["loc"]) or "(body)",
            message=detail["msg"],
        )
        for detail in error.errors(include_url=False)
    ]
