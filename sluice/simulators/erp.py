"""The ERP simulator: customers, sales orders, invoices, order history; a hard concurrency cap.

The cap counts requests in flight, not TCP connections: with keep-alive one connection
carries many requests one after another, and what a provider's connection cap really limits
is the work it does at once. An extra request gets 429 with `Retry-After` immediately.

Routes (every one needs `Authorization: Bearer <api key>`):
- `GET /customers?email=` -> 200 `{"customers": [...]}` (email compared case-insensitively)
- `POST /customers` -> 201 customer; 409 when a customer already has that email
- `GET /customers/{id}` -> 200 customer
- `POST /customers/{id}/orders` -> 201 history entry: the async "customers.recordOrder" update
  (the route the dispatcher's operation calls), body `{"salesOrderId", "externalReference",
  "orderTotal"?, "currency"?}`
- `POST /sales-orders` -> 201 `{"id", "number", ...}`; `GET /sales-orders/{id}`
- `POST /invoices` -> 201 `{"id", "number", ...}` for an existing sales order; `GET /invoices/{id}`

Customer accounts: every route is also served under `/accounts/{account}` (a tenant in the
path, as Business Central puts it), so a client of account `beta` has the base URL
`<url>/accounts/beta`; a route without the prefix belongs to the account `default`. The
accounts share the API key, the cap and the records; `ErpSettings.account_failures` makes one
account's calls fail (e.g. 503 on every call) while the others are served. The journal keeps
each request's path, so `account_requests` counts per account.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from sluice.simulators.base import Simulator
from sluice.simulators.journal import Outcome, RecordedRequest
from sluice.simulators.messages import Request, Response, error, not_found
from sluice.simulators.records import IdSequence
from sluice.simulators.routing import Route
from sluice.simulators.settings import ErpSettings
from sluice.simulators.validation import BodyCheck

DEFAULT_API_KEY = "erp-local-api-key"
DEFAULT_CONNECTION_CAP = 25
DEFAULT_ACCOUNT = "default"
ACCOUNTS_SEGMENT = "accounts"
ACCOUNT_PREFIX = f"/{ACCOUNTS_SEGMENT}/{{account}}"


def account_of(path: str) -> str:
    """The account a request path belongs to: `/accounts/{name}/...` is `name`, else `default`."""
    segments = path.split("/", 3)
    if len(segments) > 2 and segments[1] == ACCOUNTS_SEGMENT and segments[2]:
        return unquote(segments[2])
    return DEFAULT_ACCOUNT


def account_path(account: str, path: str) -> str:
    """The path of `path` (e.g. `/customers`) in `account`'s part of the ERP."""
    return path if account == DEFAULT_ACCOUNT else f"/{ACCOUNTS_SEGMENT}/{account}{path}"


class ErpSimulator(Simulator):
    """An ERP with a hard cap on concurrent requests (default 25)."""

    name = "erp"

    @classmethod
    def default_settings(cls) -> ErpSettings:
        """API key `erp-local-api-key`, cap 25, `Retry-After: 1`, every account healthy."""
        return ErpSettings(api_key=DEFAULT_API_KEY, concurrency_cap=DEFAULT_CONNECTION_CAP)

    def routes(self) -> Sequence[Route]:
        """The ERP's operations, for the default account and under `/accounts/{account}`."""
        operations = self._operations()
        return [
            *(self._in_account(route) for route in operations),
            *(
                self._in_account(dataclasses.replace(route, path=ACCOUNT_PREFIX + route.path))
                for route in operations
            ),
        ]

    def _operations(self) -> list[Route]:
        """The ERP's operations, by their paths in one account."""
        return [
            Route("GET", "/customers", self._find_customers),
            Route("POST", "/customers", self._create_customer),
            Route("GET", "/customers/{id}", self._get_customer),
            Route("POST", "/customers/{id}/orders", self._record_order),
            Route("POST", "/sales-orders", self._create_sales_order),
            Route("GET", "/sales-orders/{id}", self._get_sales_order),
            Route("POST", "/invoices", self._create_invoice),
            Route("GET", "/invoices/{id}", self._get_invoice),
        ]

    def _in_account(self, route: Route) -> Route:
        """`route`, answering with its account's failure instead when that account fails."""
        operation = route.handler

        def handle(request: Request) -> Response:
            account = request.path_params.get("account", DEFAULT_ACCOUNT)
            failure = self._account_failure(account)
            return failure if failure is not None else operation(request)

        return dataclasses.replace(route, handler=handle)

    def _account_failure(self, account: str) -> Response | None:
        """The failure to answer a call of `account` with, if its settings make this one fail."""
        settings = self.settings
        if not isinstance(settings, ErpSettings):
            return None
        failure = settings.account_failures.get(account)
        # A certain failure draws nothing, so the other accounts' seeded draws do not shift.
        if failure is None or (failure.rate < 1.0 and self.random() >= failure.rate):
            return None
        headers = (
            {}
            if failure.retry_after_seconds is None
            else {"Retry-After": str(failure.retry_after_seconds)}
        )
        message = f"account {account} is unavailable"
        return Response(failure.status, {"message": message, "account": account}, headers)

    def _reset_state(self) -> None:
        """No customers, sales orders, invoices or history."""
        self._customers: dict[str, dict[str, Any]] = {}
        self._sales_orders: dict[str, dict[str, Any]] = {}
        self._invoices: dict[str, dict[str, Any]] = {}
        self._order_history: dict[str, list[dict[str, Any]]] = {}
        self._customer_ids = IdSequence("CUS-")
        self._sales_order_ids = IdSequence("SO-")
        self._sales_order_numbers = IdSequence("SO", width=6, start=100001)
        self._invoice_ids = IdSequence("INV-")
        self._invoice_numbers = IdSequence("INV", width=6, start=500001)
        self._history_ids = IdSequence("OH-")

    # What tests inspect

    @property
    def customers(self) -> list[dict[str, Any]]:
        """Every customer, in creation order."""
        with self._state_lock:
            return copy.deepcopy(list(self._customers.values()))

    @property
    def sales_orders(self) -> list[dict[str, Any]]:
        """Every sales order, in creation order."""
        with self._state_lock:
            return copy.deepcopy(list(self._sales_orders.values()))

    @property
    def invoices(self) -> list[dict[str, Any]]:
        """Every invoice, in creation order."""
        with self._state_lock:
            return copy.deepcopy(list(self._invoices.values()))

    def order_history(self, customer_id: str) -> list[dict[str, Any]]:
        """The orders recorded against a customer."""
        with self._state_lock:
            return copy.deepcopy(self._order_history.get(customer_id, []))

    def account_requests(
        self,
        account: str,
        method: str | None = None,
        *,
        status: int | None = None,
        outcome: Outcome | None = None,
    ) -> list[RecordedRequest]:
        """Recorded requests of one account (told by their paths), in arrival order."""
        return [
            record
            for record in self.requests(method, status=status, outcome=outcome)
            if account_of(record.path) == account
        ]

    def add_customer(self, email: str, **fields: Any) -> dict[str, Any]:
        """Seed a customer directly (not through HTTP); return it."""
        with self._state_lock:
            return copy.deepcopy(self._store_customer({"email": email, **fields}))

    # Operations

    def _store_customer(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create and keep a customer record."""
        customer = {
            **body,
            "id": self._customer_ids.next(),
            "createdAt": self.clock.now().isoformat(),
        }
        self._customers[customer["id"]] = customer
        self._order_history[customer["id"]] = []
        return customer

    def _find_customers(self, request: Request) -> Response:
        """`GET /customers?email=`: customers with that email, or all without the filter."""
        wanted = request.query.get("email")
        found = [
            customer
            for customer in self._customers.values()
            if wanted is None or str(customer.get("email", "")).lower() == wanted.strip().lower()
        ]
        return Response(200, {"customers": copy.deepcopy(found)})

    def _create_customer(self, request: Request) -> Response:
        """`POST /customers`: a new customer; the email must be unused."""
        check = BodyCheck(request.body)
        check.text("email")
        for name in ("firstName", "lastName", "phone"):
            check.text(name, required=False)
        failure = check.failure()
        if failure is not None:
            return failure
        email = str(check.body["email"])
        if any(str(c.get("email", "")).lower() == email.lower() for c in self._customers.values()):
            return error(409, f"a customer with email {email} already exists")
        return Response(201, copy.deepcopy(self._store_customer(dict(check.body))))

    def _get_customer(self, request: Request) -> Response:
        """`GET /customers/{id}`."""
        customer = self._customers.get(request.path_params["id"])
        if customer is None:
            return not_found("customer", request.path_params["id"])
        return Response(200, copy.deepcopy(customer))

    def _record_order(self, request: Request) -> Response:
        """`POST /customers/{id}/orders`: note an order in the customer's history."""
        customer_id = request.path_params["id"]
        if customer_id not in self._customers:
            return not_found("customer", customer_id)
        check = BodyCheck(request.body)
        check.text("salesOrderId")
        check.text("externalReference")
        if "orderTotal" in check.body:
            check.money("orderTotal")
        if "currency" in check.body:
            check.currency("currency")
        failure = check.failure()
        if failure is not None:
            return failure
        entry = {
            **check.body,
            "id": self._history_ids.next(),
            "customerId": customer_id,
            "recordedAt": self.clock.now().isoformat(),
        }
        self._order_history[customer_id].append(entry)
        return Response(201, copy.deepcopy(entry))

    def _create_sales_order(self, request: Request) -> Response:
        """`POST /sales-orders`: a sales order for an existing customer."""
        check = BodyCheck(request.body)
        customer_id = check.text("customerId")
        check.text("externalReference")
        check.currency("currency")
        for line in check.items("lines"):
            line.text("sku")
            line.integer("quantity", minimum=1)
            line.money("unitPrice")
        totals = check.nested("totals")
        if totals is not None:
            totals.money("total")
        if customer_id is not None and customer_id not in self._customers:
            check.reject("customerId", f"unknown customer {customer_id}")
        failure = check.failure()
        if failure is not None:
            return failure
        sales_order = {
            **check.body,
            "id": self._sales_order_ids.next(),
            "number": self._sales_order_numbers.next(),
            "status": "open",
            "createdAt": self.clock.now().isoformat(),
        }
        self._sales_orders[sales_order["id"]] = sales_order
        return Response(201, copy.deepcopy(sales_order))

    def _get_sales_order(self, request: Request) -> Response:
        """`GET /sales-orders/{id}`."""
        sales_order = self._sales_orders.get(request.path_params["id"])
        if sales_order is None:
            return not_found("sales order", request.path_params["id"])
        return Response(200, copy.deepcopy(sales_order))

    def _create_invoice(self, request: Request) -> Response:
        """`POST /invoices`: an invoice for an existing sales order."""
        check = BodyCheck(request.body)
        sales_order_id = check.text("salesOrderId")
        check.text("externalReference", required=False)
        if "amount" in check.body:
            check.money("amount")
        if "currency" in check.body:
            check.currency("currency")
        if sales_order_id is not None and sales_order_id not in self._sales_orders:
            check.reject("salesOrderId", f"unknown sales order {sales_order_id}")
        failure = check.failure()
        if failure is not None:
            return failure
        invoice = {
            **check.body,
            "id": self._invoice_ids.next(),
            "number": self._invoice_numbers.next(),
            "status": "issued",
            "createdAt": self.clock.now().isoformat(),
        }
        self._invoices[invoice["id"]] = invoice
        return Response(201, copy.deepcopy(invoice))

    def _get_invoice(self, request: Request) -> Response:
        """`GET /invoices/{id}`."""
        invoice = self._invoices.get(request.path_params["id"])
        if invoice is None:
            return not_found("invoice", request.path_params["id"])
        return Response(200, copy.deepcopy(invoice))
