"""ERP operations: customers, sales orders, invoices and the order-history update."""

from tests.unit.simulators.helpers import get, post

SALES_ORDER_LINES = [{"sku": "TEE-BLK-M", "quantity": 2, "unitPrice": "24.95"}]


def _sales_order(customer_id: str) -> dict:
    """A valid sales order body."""
    return {
        "customerId": customer_id,
        "externalReference": "order-shopify-1001",
        "currency": "EUR",
        "lines": SALES_ORDER_LINES,
        "totals": {"total": "49.90"},
    }


def test_customers_are_found_by_email_case_insensitively(erp):
    """GIVEN a customer WHEN searched with another case THEN it is found."""
    customer = erp.add_customer("Ada@Example.com", firstName="Ada")
    response = get(erp, "/customers", {"email": "ada@example.COM"})
    assert response.json() == {"customers": [customer]}


def test_a_search_for_an_unknown_email_finds_nothing(erp):
    """GIVEN no such customer WHEN searched THEN an empty list."""
    erp.add_customer("ada@example.com")
    assert get(erp, "/customers", {"email": "bram@example.com"}).json() == {"customers": []}


def test_a_created_customer_gets_an_id(erp):
    """GIVEN a new email WHEN a customer is posted THEN 201 with an id, kept by the ERP."""
    response = post(erp, "/customers", {"email": "ada@example.com", "firstName": "Ada"})
    assert response.status_code == 201
    assert response.json()["id"] == "CUS-000001"
    assert erp.customers == [response.json()]


def test_a_second_customer_with_the_same_email_is_409(erp):
    """GIVEN a customer WHEN another is posted with that email THEN 409, still one customer."""
    erp.add_customer("ada@example.com")
    assert post(erp, "/customers", {"email": "ADA@example.com"}).status_code == 409
    assert len(erp.customers) == 1


def test_a_customer_without_email_is_422_naming_the_field(erp):
    """GIVEN no email WHEN a customer is posted THEN 422 with the field."""
    response = post(erp, "/customers", {"firstName": "Ada"})
    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["errors"]] == ["email"]


def test_a_sales_order_gets_an_id_and_a_number_and_can_be_read(erp):
    """GIVEN a customer WHEN a sales order is posted THEN 201 with id and number, readable."""
    customer = erp.add_customer("ada@example.com")
    created = post(erp, "/sales-orders", _sales_order(customer["id"]))
    assert created.status_code == 201
    assert (created.json()["id"], created.json()["number"]) == ("SO-000001", "SO100001")
    fetched = get(erp, f"/sales-orders/{created.json()['id']}")
    assert fetched.json() == created.json()


def test_a_sales_order_lists_every_problem(erp):
    """GIVEN an unknown customer, a bad currency and a zero quantity WHEN posted
    THEN 422 listing the three fields."""
    body = {
        **_sales_order("CUS-999999"),
        "currency": "euro",
        "lines": [{"sku": "TEE-BLK-M", "quantity": 0, "unitPrice": "24.95"}],
    }
    response = post(erp, "/sales-orders", body)
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["errors"]}
    assert fields == {"customerId", "currency", "lines.0.quantity"}
    assert erp.sales_orders == []


def test_an_unknown_sales_order_is_404(erp):
    """GIVEN no such sales order WHEN read THEN 404 with a message."""
    response = get(erp, "/sales-orders/SO-000042")
    assert (response.status_code, response.json()["message"]) == (
        404,
        "sales order SO-000042 not found",
    )


def test_an_invoice_is_created_for_an_existing_sales_order(erp):
    """GIVEN a sales order WHEN an invoice is posted for it THEN 201 with id and number."""
    customer = erp.add_customer("ada@example.com")
    sales_order = post(erp, "/sales-orders", _sales_order(customer["id"])).json()
    body = {"salesOrderId": sales_order["id"], "amount": "49.90", "currency": "EUR"}
    invoice = post(erp, "/invoices", body)
    assert invoice.status_code == 201
    assert invoice.json()["number"] == "INV500001"
    assert get(erp, f"/invoices/{invoice.json()['id']}").json() == invoice.json()


def test_an_invoice_for_an_unknown_sales_order_is_422(erp):
    """GIVEN no such sales order WHEN an invoice is posted THEN 422 and no invoice."""
    response = post(erp, "/invoices", {"salesOrderId": "SO-000404"})
    assert response.status_code == 422
    assert erp.invoices == []


def test_an_order_is_recorded_in_the_customer_history(erp):
    """GIVEN a customer WHEN an order is posted to its history THEN it is listed there."""
    customer = erp.add_customer("ada@example.com")
    body = {"salesOrderId": "SO-000001", "externalReference": "order-shopify-1001"}
    response = post(erp, f"/customers/{customer['id']}/orders", body)
    assert response.status_code == 201
    assert erp.order_history(customer["id"]) == [response.json()]


def test_history_for_an_unknown_customer_is_404(erp):
    """GIVEN no such customer WHEN an order is posted to its history THEN 404."""
    body = {"salesOrderId": "SO-000001", "externalReference": "order-shopify-1001"}
    assert post(erp, "/customers/CUS-404/orders", body).status_code == 404
