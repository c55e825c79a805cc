"""The ERP API: customers and sales orders."""

from typing import Any

from pydantic import Field

from sluice_shared.models.orders import Address, Customer, Order
from sluice_shared.providers.addresses import address_body
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.responses import ProviderResponse, parse_response

PROVIDER = "erp"


class ErpCustomer(ProviderResponse):
    """A customer record in the ERP."""

    id: str = Field(min_length=1)
    email: str = ""


class _CustomerSearch(ProviderResponse):
    """The answer of `GET /customers?email=`."""

    customers: list[ErpCustomer]


class ErpSalesOrder(ProviderResponse):
    """A sales order created in the ERP."""

    id: str = Field(min_length=1)
    number: str = Field(min_length=1)


def customer_body(customer: Customer, billing_address: Address | None) -> dict[str, Any]:
    """The body of `POST /customers`."""
    body: dict[str, Any] = {
        "email": customer.email,
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "phone": customer.phone,
    }
    if billing_address is not None:
        body["billingAddress"] = address_body(billing_address)
    return {key: value for key, value in body.items() if value is not None}


def sales_order_body(order: Order, business_key: str, customer_id: str) -> dict[str, Any]:
    """The body of `POST /sales-orders`; money as strings with two places."""
    body: dict[str, Any] = {
        "customerId": customer_id,
        "externalReference": business_key,
        "orderDate": order.created_at.isoformat(),
        "currency": order.currency,
        "lines": [
            {
                "sku": line.sku,
                "description": line.title,
                "quantity": line.quantity,
                "unitPrice": str(line.unit_price),
            }
            for line in order.line_items
        ],
        "totals": {
            "shipping": str(order.shipping_total),
            "tax": str(order.tax_total),
            "total": str(order.total),
        },
    }
    if order.shipping_address is not None:
        body["shippingAddress"] = address_body(order.shipping_address)
    if order.billing_address is not None:
        body["billingAddress"] = address_body(order.billing_address)
    if order.note:
        body["note"] = order.note
    return body


class ErpClient:
    """Typed calls to the ERP over a `ProviderClient`."""

    def __init__(self, http: ProviderClient) -> None:
        self.http = http

    def find_customer_by_email(self, email: str) -> ErpCustomer | None:
        """The ERP customer with this email (compared case-insensitively), if any."""
        payload = self.http.request("GET", "/customers", params={"email": email})
        found = parse_response(PROVIDER, _CustomerSearch, payload).customers
        wanted = email.strip().lower()
        return next((customer for customer in found if customer.email.lower() == wanted), None)

    def create_customer(
        self, customer: Customer, billing_address: Address | None, idempotency_key: str
    ) -> ErpCustomer:
        """Create a customer; a repeated `idempotency_key` returns the first one created."""
        payload = self.http.request(
            "POST",
            "/customers",
            body=customer_body(customer, billing_address),
            idempotency_key=idempotency_key,
        )
        return parse_response(PROVIDER, ErpCustomer, payload)

    def create_sales_order(
        self, order: Order, business_key: str, customer_id: str, idempotency_key: str
    ) -> ErpSalesOrder:
        """Create a sales order; a repeated `idempotency_key` returns the first one created."""
        payload = self.http.request(
            "POST",
            "/sales-orders",
            body=sales_order_body(order, business_key, customer_id),
            idempotency_key=idempotency_key,
        )
        return parse_response(PROVIDER, ErpSalesOrder, payload)
