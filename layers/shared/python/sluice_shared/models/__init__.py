"""Pydantic models: the storefront order and the payloads of the orders workflow's steps."""
