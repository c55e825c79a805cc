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
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from sluice.simulators.base import Simulator
from sluice.simulators.messages import Request, Response, error, not_found
from sluice.simulators.records import IdSequence
from sluice.simulators.routing import Route
from sluice.simulators.settings import SimulatorSettings
from sluice.simulators.validation import BodyCheck

DEFAULT_API_KEY = "erp-local-api-key"
DEFAULT_CONNECTION_CAP = 25


class ErpSimulator(Simulator):
    """An ERP with a hard cap on concurrent requests (default 25)."""

    name = "erp"

    @classmethod
    def default_settings(cls) -> SimulatorSettings:
        """API key `erp-local-api-key`, cap 25, `Retry-After: 1`."""
        return SimulatorSettings(api_key=DEFAULT_API_KEY, concurrency_cap=DEFAULT_CONNECTION_CAP)

    def routes(self) -> Sequence[Route]:
        """The ERP's operations."""
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
