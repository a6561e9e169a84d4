"""Exact Online's CRM entities as the sandbox serves them: fields, write rules, filters and GUID ids.

Field length limits of Exact are not published (spec: [?]); the ones below are the sandbox's choice and are
listed in the README. Every choice about the real contract lives in this module or in api.py's constants.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sandbox.fields import Field
from sandbox.timefmt import odata_date

DIVISION = 3054411
# Fixed namespace: GUIDs are uuid5(namespace, "exact:<Entity>:<n>"), the same on every machine.
NAMESPACE = uuid.UUID("5a0b7e8e-1f0c-4c5e-9a57-3e0d2b6c9f41")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CODE_WIDTH = 18


def guid(entity: str, number: int) -> str:
    """The GUID of an entity's n-th record (seeded: world index + 1; new: the store's counter)."""
    return str(uuid.uuid5(NAMESPACE, f"exact:{entity}:{number}"))


def account_code(value: str) -> str:
    """Exact's Code: numeric codes right-aligned in 18 characters with leading spaces."""
    text = value.strip()
    return text.rjust(CODE_WIDTH) if text.isdigit() else text


@dataclass(frozen=True)
class Entity:
    name: str  # path segment and store entity, e.g. "Accounts"
    model: str  # OData __metadata type
    entity_type: int  # sync/Deleted EntityType
    writable: dict[str, Field]
    # Read-only fields the server derives, in rendering order after the writable ones.
    derived: tuple[str, ...]
    # $filter fields compared with eq (besides ID and Modified), each backed by a store index.
    eq_fields: tuple[str, ...]
    # Writable GUID fields and the entity whose live record they must name.
    references: dict[str, str]

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field of the regular and bulk endpoints, in Exact's order (ID first)."""
        return ("ID", *self.writable, *self.derived, "Created", "Modified", "Division")

    @property
    def sync_fields(self) -> tuple[str, ...]:
        return (*self.fields, "Timestamp")


ACCOUNTS = Entity(
    name="Accounts",
    model="Exact.Web.Api.Models.Account",
    entity_type=2,
    writable={
        "Code": Field(max_len=CODE_WIDTH),
        "Name": Field(max_len=100, required=True),
        "Email": Field("email", max_len=100),
        "Phone": Field(max_len=30),
        "Website": Field(max_len=100),
        "VATNumber": Field(max_len=20),
        "ChamberOfCommerce": Field(max_len=20),
        "AddressLine1": Field(max_len=100),
        "AddressLine2": Field(max_len=100),
        "AddressLine3": Field(max_len=100),
        "Postcode": Field(max_len=20),
        "City": Field(max_len=50),
        "Country": Field("country"),
        "State": Field(max_len=10),
        "Status": Field("choice", choices=("A", "S", "P", "C")),
        "IsSupplier": Field("bool"),
        "Blocked": Field("bool"),
        "MainContact": Field(),
    },
    derived=("CountryName",),
    eq_fields=("Name", "Email", "Code", "VATNumber", "ChamberOfCommerce"),
    references={"MainContact": "Contacts"},
)

CONTACTS = Entity(
    name="Contacts",
    model="Exact.Web.Api.Models.Contact",
    entity_type=5,
    writable={
        "Account": Field(required=True),
        "FirstName": Field(max_len=50),
        "LastName": Field(max_len=50),
        "MiddleName": Field(max_len=50),
        "Email": Field("email", max_len=100),
        "BusinessEmail": Field("email", max_len=100),
        "Phone": Field(max_len=30),
        "BusinessPhone": Field(max_len=30),
        "Mobile": Field(max_len=30),
        "BusinessMobile": Field(max_len=30),
        "City": Field(max_len=50),
        "Postcode": Field(max_len=20),
        "Country": Field("country"),
        "BirthDate": Field("any"),
        "JobTitleDescription": Field(max_len=100),
    },
    derived=("AccountName", "FullName", "IsMainContact"),
    eq_fields=("Account", "Email", "BusinessEmail", "FirstName", "LastName"),
    references={"Account": "Accounts"},
)

ENTITIES: dict[str, Entity] = {e.name.lower(): e for e in (ACCOUNTS, CONTACTS)}

# Page sizes: regular endpoints 60, bulk and sync 1000 (Exact's documented sizes).
PAGE_REGULAR = 60
PAGE_BULK = 1000

# Fields of sync/Deleted items.
DELETED_FIELDS = ("ID", "EntityKey", "EntityType", "DeletedDate", "Timestamp", "Division")

# Country names Exact shows next to the code (English UI); codes outside this list get no CountryName.
COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IS": "Iceland",
    "IT": "Italy",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "US": "United States",
}


def birth_date(day: date) -> str:
    """A date as Exact's OData v2 JSON writes it: /Date(ms)/ at midnight UTC."""
    return odata_date(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000)
