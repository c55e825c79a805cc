"""`invoices.create`: the ERP invoice of a shipment, an operation of the ERP dispatcher.

The billing workflow sends it with `sqs:sendMessage.waitForTaskToken`; the dispatcher
performs it once per idempotency key and answers the workflow with SendTaskSuccess
(`{"invoiceId", "invoiceNumber"}`) or SendTaskFailure (`ProviderRejected`, `RequestInvalid`).
"""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sluice_shared.dispatch.envelope import RequestEnvelope
from sluice_shared.dispatch.errors import RequestInvalid
from sluice_shared.models.field_errors import field_errors
from sluice_shared.models.orders import CurrencyCode, Money
from sluice_shared.providers.client import ProviderClient
from sluice_shared.providers.erp import PROVIDER
from sluice_shared.providers.responses import ProviderResponse, parse_response

CREATE_INVOICE = "invoices.create"


class InvoiceLine(BaseModel):
    """One invoiced line."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    sku: Annotated[str, Field(min_length=1)]
    quantity: Annotated[int, Field(gt=0)]
    unit_price: Money


class InvoicePayload(BaseModel):
    """The payload of `invoices.create` (sent by the billing workflow)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    sales_order_id: Annotated[str, Field(min_length=1)]
    shipment_id: Annotated[str, Field(min_length=1)]
    capture_id: Annotated[str, Field(min_length=1)]
    amount: Annotated[Decimal, Field(gt=0)]
    currency: CurrencyCode
    lines: Annotated[list[InvoiceLine], Field(min_length=1)]


class ErpInvoice(ProviderResponse):
    """An invoice created in the ERP."""

    id: str = Field(min_length=1)
    number: str = Field(min_length=1)


def _payload(request: RequestEnvelope) -> InvoicePayload:
    """The request's payload, or `RequestInvalid` naming the bad fields."""
    try:
        return InvoicePayload.model_validate(request.payload)
    except ValidationError as error:
        problems = "; ".join(f"{item['field']}: {item['message']}" for item in field_errors(error))
        raise RequestInvalid(f"invalid {CREATE_INVOICE} payload: {problems}") from error


def invoice_body(payload: InvoicePayload, business_key: str) -> dict[str, Any]:
    """The body of `POST /invoices`; money as strings with two places."""
    return {
        "salesOrderId": payload.sales_order_id,
        "externalReference": business_key,
        "shipmentId": payload.shipment_id,
        "paymentCaptureId": payload.capture_id,
        "amount": f"{payload.amount:.2f}",
        "currency": payload.currency,
        "lines": [
            {"sku": line.sku, "quantity": line.quantity, "unitPrice": f"{line.unit_price:.2f}"}
            for line in payload.lines
        ],
    }


def create_invoice(client: ProviderClient, request: RequestEnvelope) -> dict[str, Any]:
    """`POST /invoices` with the request's Idempotency-Key; `{"invoiceId", "invoiceNumber"}`."""
    answer = client.request(
        "POST",
        "/invoices",
        body=invoice_body(_payload(request), request.business_key),
        idempotency_key=request.idempotency_key,
    )
    invoice = parse_response(PROVIDER, ErpInvoice, answer)
    return {"invoiceId": invoice.id, "invoiceNumber": invoice.number}
