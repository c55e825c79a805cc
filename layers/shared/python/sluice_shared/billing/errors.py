"""Errors of the billing workflow that the state machine catches by class name."""


class PaymentDeclined(Exception):
    """The gateway declined the capture (HTTP 402): a business outcome, recorded, never retried."""

    def __init__(self, business_key: str, reason: str) -> None:
        self.business_key = business_key
        self.reason = reason
        super().__init__(f"payment for shipment {business_key} was declined: {reason}")


class ShipmentInvalid(Exception):
    """The shipment cannot be billed as sent: fix the data and re-run. Lists every problem."""

    def __init__(self, business_key: str | None, problems: list[str]) -> None:
        self.business_key = business_key
        self.problems = problems
        subject = f"shipment {business_key}" if business_key else "shipment"
        super().__init__(f"{subject} is invalid: " + "; ".join(problems))


class CaptureConflict(Exception):
    """The shipment already records a different capture: a second capture must not be hidden."""

    def __init__(self, business_key: str, recorded: str, new: str) -> None:
        self.business_key = business_key
        super().__init__(
            f"shipment {business_key} records capture {recorded}, the gateway answered {new}"
        )


class OrderTermsNotRecorded(Exception):
    """The shipment's order has no billing terms yet (its OrderProcessed event may lag): retried."""

    def __init__(self, business_key: str, order_key: str) -> None:
        self.business_key = business_key
        self.order_key = order_key
        super().__init__(
            f"shipment {business_key}: the terms of order {order_key} are not recorded yet"
        )


class OrderTermsInvalid(Exception):
    """An OrderProcessed event whose detail is not an order's billing terms. Lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("OrderProcessed detail is not billing terms: " + "; ".join(problems))
