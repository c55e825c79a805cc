"""Billing: shipment ingest, payment capture, ERP invoices, tracking, reconciliation."""
