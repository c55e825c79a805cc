"""Field checks for simulated APIs: collect every problem, then answer 422 listing them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sluice.simulators.messages import Response, error

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class BodyCheck:
    """Reads fields of a JSON object, noting each problem as `{"field", "message"}`."""

    def __init__(
        self, body: Any, prefix: str = "", errors: list[dict[str, str]] | None = None
    ) -> None:
        self.errors: list[dict[str, str]] = [] if errors is None else errors
        self._prefix = prefix
        if isinstance(body, dict):
            self.body: dict[str, Any] = body
        else:
            self.body = {}
            self._problem("", "must be a JSON object")

    def _field(self, name: str) -> str:
        """The dotted path of a field, for error messages."""
        return ".".join(part for part in (self._prefix, name) if part) or "body"

    def _problem(self, name: str, message: str) -> None:
        """Note one problem."""
        self.errors.append({"field": self._field(name), "message": message})

    def text(self, name: str, *, required: bool = True) -> str | None:
        """A non-empty string field."""
        value = self.body.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(name, "must be a non-empty string")
            return None
        return value

    def integer(self, name: str, *, minimum: int | None = None) -> int | None:
        """An integer field, at least `minimum` when given."""
        value = self.body.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            self._problem(name, "must be an integer")
            return None
        if minimum is not None and value < minimum:
            self._problem(name, f"must be at least {minimum}")
            return None
        return value

    def money(self, name: str, *, positive: bool = False) -> Decimal | None:
        """A decimal amount (string or number) with at most two places, not negative."""
        value = self.body.get(name)
        try:
            amount = Decimal(str(value)) if isinstance(value, str | int | float) else None
        except InvalidOperation:
            amount = None
        if amount is None or isinstance(value, bool) or not amount.is_finite():
            self._problem(name, "must be a decimal amount")
            return None
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            self._problem(name, "must have at most two decimal places")
            return None
        if amount < 0 or (positive and amount == 0):
            self._problem(name, "must be positive" if positive else "cannot be negative")
            return None
        return amount

    def currency(self, name: str) -> str | None:
        """An ISO 4217 code such as `EUR`."""
        value = self.body.get(name)
        if not isinstance(value, str) or not _CURRENCY.match(value):
            self._problem(name, "must be a three-letter upper-case currency code")
            return None
        return value

    def nested(self, name: str, *, required: bool = True) -> BodyCheck | None:
        """A check of the object in field `name`, sharing this check's problems."""
        value = self.body.get(name)
        if value is None and not required:
            return None
        return BodyCheck(value, self._field(name), self.errors)

    def items(self, name: str) -> list[BodyCheck]:
        """Checks of each object in the non-empty list in field `name`."""
        value = self.body.get(name)
        if not isinstance(value, list) or not value:
            self._problem(name, "must be a non-empty list")
            return []
        return [
            BodyCheck(item, self._field(f"{name}.{index}"), self.errors)
            for index, item in enumerate(value)
        ]

    def reject(self, name: str, message: str) -> None:
        """Note a problem found by the caller (e.g. an unknown reference)."""
        self._problem(name, message)

    def failure(self) -> Response | None:
        """422 listing every problem, or None when the body is valid."""
        if not self.errors:
            return None
        return error(422, "invalid request", errors=list(self.errors))
