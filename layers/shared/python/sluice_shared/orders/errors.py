"""Errors of the orders workflow that the state machine catches by class name."""


class OrderInvalid(Exception):
    """The order fails validation: fix the data and re-run. Lists every problem found."""

    def __init__(self, business_key: str | None, problems: list[str]) -> None:
        self.business_key = business_key
        self.problems = problems
        subject = f"order {business_key}" if business_key else "order"
        super().__init__(f"{subject} is invalid: " + "; ".join(problems))
