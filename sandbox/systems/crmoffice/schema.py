"""CRMOffice entities and field rules. Only the field names come from the public connector; every rule is an
assumption documented in this package's README."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sandbox.fields import Field


@dataclass(frozen=True)
class ObjectType:
    """An object-valued field's members (postAddress, company)."""

    type_name: str  # the .NET DTO name that JSON conversion errors mention
    fields: dict[str, Field]


ADDRESS = ObjectType(
    "AddressDto",
    {
        "streetAddress": Field(max_len=200),
        "postCode": Field(max_len=20),
        "postalArea": Field(max_len=100),
        # Free text ("Norge", "Norway", "NO"): the connector shows no code list, and text accepts both.
        "country": Field(max_len=100),
    },
)

# A contact's company as written: only the id counts; "name" is rendered from the company on every read.
COMPANY_REFERENCE = ObjectType("CompanyReferenceDto", {"id": Field(required=True), "name": Field()})


@dataclass(frozen=True)
class Entity:
    name: str  # path segment and store entity
    type_name: str  # the .NET DTO name that JSON conversion errors mention
    fields: dict[str, Field]
    objects: dict[str, ObjectType] = field(default_factory=dict)
    # Object fields whose "id" points to another entity: field -> (entity, the target field shown as "name").
    references: dict[str, tuple[str, str]] = field(default_factory=dict)


COMPANIES = Entity(
    "companies",
    "CompanyDto",
    {
        "name": Field(max_len=200, required=True),
        "orgNr": Field(),  # checked by valid_org_nr
        "email": Field("email", max_len=254),
        "phone": Field("phone", max_len=50),
        "website": Field("url", max_len=255),
        "postAddress": Field("object"),
        "visitAddress": Field("object"),
    },
    objects={"postAddress": ADDRESS, "visitAddress": ADDRESS},
)

CONTACTS = Entity(
    "contacts",
    "ContactDto",
    {
        "givenName": Field(max_len=100),
        "familyName": Field(max_len=100, required=True),
        "email": Field("email", max_len=254),
        "directPhone": Field("phone", max_len=50),
        "mobilePhone": Field("phone", max_len=50),
        "title": Field(max_len=100),
        "company": Field("object"),
    },
    objects={"company": COMPANY_REFERENCE},
    references={"company": ("companies", "name")},
)

ENTITIES: dict[str, Entity] = {e.name: e for e in (COMPANIES, CONTACTS)}

# Set by the server; ignored when a client sends them back (a GET -> PUT round trip must work).
SERVER_FIELDS = ("id", "createdAt", "updatedAt")

# Norwegian organisation numbers: 9 digits, the last a MOD11 check digit (Enhetsregisteret's rule).
ORG_NR = re.compile(r"^[0-9]{9}$")
_ORG_NR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

_ID_NAMESPACE = uuid.UUID("6f1c2b0e-1d0c-4c39-9a57-2f0f3c3e7a10")


def record_id(entity: str, number: int) -> str:
    """The GUID of an entity's n-th record: deterministic, so seeded ids are the same on every machine."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"crmoffice:{entity}:{number}"))


def valid_org_nr(value: str) -> bool:
    if not ORG_NR.match(value):
        return False
    remainder = sum(int(d) * w for d, w in zip(value, _ORG_NR_WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])
