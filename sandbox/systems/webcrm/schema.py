"""WebCRM entities: flat DTOs, every field named with the entity prefix (OrganisationName, PersonEmail, ...).

Max lengths follow the public swagger where it gives them; the others are the sandbox's choices (README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.fields import Field, Kind

# What a field reads as when nobody set it: the real API answers "" and 0 rather than null.
DEFAULTS: dict[Kind, Any] = {"text": "", "email": "", "int": 0, "decimal": 0.0, "bool": False}


@dataclass(frozen=True)
class Entity:
    name: str  # path segment and store entity, e.g. "Organisations"
    prefix: str  # field prefix, e.g. "Organisation"
    table: str  # table name in /Queries scripts, e.g. "organisation"
    fields: dict[str, Field]
    # Foreign keys checked on write (0 means none): field -> entity name.
    references: dict[str, str] = field(default_factory=dict)

    @property
    def id_field(self) -> str:
        return f"{self.prefix}Id"

    @property
    def created_field(self) -> str:
        return f"{self.prefix}CreatedAt"

    @property
    def updated_field(self) -> str:
        return f"{self.prefix}UpdatedAt"

    @property
    def server_fields(self) -> frozenset[str]:
        """Set by the server: accepted in a body (a GET result sent back) and ignored."""
        return frozenset({self.created_field, self.updated_field})

    @property
    def singular(self) -> str:
        return self.prefix.lower()


def _text(max_len: int | None = None, *, required: bool = False) -> Field:
    return Field(max_len=max_len, required=required)


ORGANISATIONS = Entity(
    "Organisations",
    "Organisation",
    "organisation",
    {
        "OrganisationName": _text(200, required=True),
        "OrganisationAddress": _text(250),
        "OrganisationPostCode": _text(20),
        "OrganisationCity": _text(50),
        "OrganisationState": _text(50),
        "OrganisationCountry": _text(50),
        "OrganisationCountryData": Field("object"),
        "OrganisationTelephone": _text(50),
        "OrganisationWww": _text(50),
        "OrganisationDomain": _text(50),
        "OrganisationVatNumber": _text(50),
        "OrganisationVatCountry": _text(10),
        "OrganisationDeliveryAddress": _text(250),
        "OrganisationDeliveryPostCode": _text(20),
        "OrganisationDeliveryCity": _text(50),
        "OrganisationDeliveryState": _text(50),
        "OrganisationCompanyDescription": _text(),
        "OrganisationCustom1": _text(200),
        "OrganisationCustom2": _text(200),
        "OrganisationCustom3": _text(200),
    },
)

PERSONS = Entity(
    "Persons",
    "Person",
    "person",
    {
        "PersonOrganisationId": Field("int"),
        "PersonFirstName": _text(50),
        "PersonLastName": _text(50),
        "PersonName": _text(100, required=True),  # or derived from the first and last names
        "PersonEmail": Field("email", max_len=100),
        "PersonEmail2": Field("email", max_len=100),
        "PersonDirectPhone": _text(50),
        "PersonMobilePhone": _text(50),
        "PersonTitle": _text(100),
        "PersonStatus": _text(50),
        "PersonBirthday": Field("date"),
    },
    references={"PersonOrganisationId": "Organisations"},
)

PRODUCTS = Entity(
    "Products",
    "Product",
    "product",
    {
        "ProductName": _text(100, required=True),
        "ProductNumber": _text(50),
        "ProductDescription": _text(2000),
        "ProductPrice": Field("decimal"),
        "ProductCostPrice": Field("decimal"),
        "ProductListPrice": Field("decimal"),
        "ProductDiscount": Field("decimal"),
        "ProductQuantity": Field("decimal"),
        "ProductVatCode": _text(10),
        "ProductCombined": Field("bool"),
        "ProductOrganisationId": Field("int"),
        "ProductPersonId": Field("int"),
    },
    references={"ProductOrganisationId": "Organisations", "ProductPersonId": "Persons"},
)

ENTITIES: dict[str, Entity] = {e.name: e for e in (ORGANISATIONS, PERSONS, PRODUCTS)}

# The keys of OrganisationCountryData.
COUNTRY_DATA_KEYS = frozenset({"CodeISO", "Name"})

# English names for OrganisationCountryData.Name of the countries the world has companies in.
COUNTRY_NAMES = {
    "DK": "Denmark",
    "NO": "Norway",
    "SE": "Sweden",
    "FI": "Finland",
    "NL": "Netherlands",
    "GB": "United Kingdom",
    "DE": "Germany",
}

INT32_MAX = 2**31 - 1
