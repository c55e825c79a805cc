"""The orders workflow's domain logic: ingest, validation, customer, sales order, fulfilment."""
