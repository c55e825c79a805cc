"""Inbound webhook helpers."""
