"""HTTP clients for third-party providers (ERP, warehouse) and the errors they raise."""
