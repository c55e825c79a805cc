"""Addresses in the JSON shape the providers' APIs share."""

from typing import Any

from sluice_shared.models.orders import Address


def address_body(address: Address) -> dict[str, Any]:
    """An address in the providers' JSON shape."""
    name = " ".join(filter(None, (address.first_name, address.last_name)))
    body = {
        "name": name or None,
        "company": address.company,
        "line1": address.address1,
        "line2": address.address2,
        "city": address.city,
        "region": address.province,
        "postalCode": address.postal_code,
        "countryCode": address.country_code,
        "phone": address.phone,
    }
    return {key: value for key, value in body.items() if value is not None}
