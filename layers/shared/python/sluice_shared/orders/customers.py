"""Find the order's customer in the ERP by email, creating the customer when missing."""

from sluice_shared.keys import customer_idempotency_key
from sluice_shared.models.steps import CustomerResult, OrderStepInput
from sluice_shared.observability import count
from sluice_shared.providers.erp import ErpClient
from sluice_shared.providers.errors import ProviderRejected
from sluice_shared.providers.factory import erp_client

CONFLICT = 409


def upsert_customer(step: OrderStepInput, erp: ErpClient | None = None) -> CustomerResult:
    """The ERP customer id for the order's customer, and whether it was created now.

    Two orders of one new customer may race here: the ERP refuses the second creation of an
    email with 409, and the loser then finds the winner's customer. A retry of one order
    replays its own creation through its Idempotency-Key.
    """
    client = erp or erp_client()
    customer = step.order.customer
    existing = client.find_customer_by_email(customer.email)
    if existing is not None:
        count("CustomersFound")
        return CustomerResult(customer_id=existing.id, created=False)
    billing_address = step.order.billing_address or step.order.shipping_address
    key = customer_idempotency_key(customer.email, step.business_key)
    try:
        created = client.create_customer(customer, billing_address, idempotency_key=key)
    except ProviderRejected as error:
        winner = client.find_customer_by_email(customer.email) if error.status == CONFLICT else None
        if winner is None:
            raise
        count("CustomerCreationRaces")
        return CustomerResult(customer_id=winner.id, created=False)
    count("CustomersCreated")
    return CustomerResult(customer_id=created.id, created=True)
