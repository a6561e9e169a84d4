"""PowerOffice Go v2 entities: the writable DTO fields with their rules, and what the server sets.

Lengths the public v2 swagger gives are used as they are (MailAddress 200/100/50, ExternalImportReference 50,
InvoiceEmailAddressCC 2000); the others are the sandbox's choice (README, "Choices").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sandbox.fields import Field

ADDRESS: dict[str, Field] = {
    "AddressLine1": Field(max_len=200),
    "AddressLine2": Field(max_len=200),
    "City": Field(max_len=100),
    "ZipCode": Field(max_len=50),
    "CountryCode": Field("country"),
    "ExternalCode": Field(max_len=50),
}
# On POST the address must say where it is.
ADDRESS_POST: dict[str, Field] = {
    **ADDRESS,
    "City": replace(ADDRESS["City"], required=True),
    "ZipCode": replace(ADDRESS["ZipCode"], required=True),
}
# Set by the server inside MailAddress; never accepted from a client.
ADDRESS_SERVER = ("Id", "LastChangedDateTimeOffset")
DEFAULT_COUNTRY = "NO"

CUSTOMER: dict[str, Field] = {
    "IsPerson": Field("bool"),
    "Name": Field(max_len=200),
    "LegalName": Field(max_len=200),
    "FirstName": Field(max_len=100),
    "LastName": Field(max_len=100),
    "EmailAddress": Field("email", max_len=254),
    "InvoiceEmailAddress": Field("email", max_len=254),
    "InvoiceEmailAddressCC": Field(max_len=2000),
    "PhoneNumber": Field(max_len=50),
    "WebsiteUrl": Field(max_len=200),
    "OrganizationNumber": Field(max_len=50),
    "NationalIdNumber": Field(max_len=50),
    "Number": Field("int"),
    "ExternalNumber": Field("int"),
    "ExternalImportReference": Field(max_len=50),
    "MailAddress": Field("object"),
    "DepartmentId": Field("int"),
    "DepartmentCode": Field(max_len=50),
    "ContactGroupIds": Field("list"),
    "CurrencyCode": Field("currency"),
    "IsArchived": Field("bool"),
    "DateOfBirth": Field("date"),
}

DEPARTMENT: dict[str, Field] = {
    "Code": Field(max_len=50),
    "Name": Field(max_len=100, required=True),
    "IsActive": Field("bool"),
    "ManagerEmployeeId": Field("int"),
}


@dataclass(frozen=True)
class Entity:
    """One v2 resource: its DTO's writable fields, the fields the server renders, how its errors are titled."""

    name: str  # path segment and store entity, e.g. "Customers"
    singular: str  # "Customer": ProblemDetails titles and details
    fields: dict[str, Field]
    # Rendered from the record, never stored or written: (Id, ..., created, last changed) in DTO order.
    server: tuple[str, ...]
    created_field: str
    # JSON fields looked up by value (uniqueness, references): indexed.
    lookups: tuple[str, ...]

    @property
    def dto_fields(self) -> tuple[str, ...]:
        return (*self.fields, *self.server)


CUSTOMERS = Entity(
    "Customers",
    "Customer",
    CUSTOMER,
    ("Id", "IsActive", "CustomerCreatedDateTimeOffset", "ContactCreatedDateTimeOffset", "LastChangedDateTimeOffset"),
    "CustomerCreatedDateTimeOffset",
    ("Number", "ExternalImportReference", "DepartmentId"),
)
DEPARTMENTS = Entity(
    "Departments",
    "Department",
    DEPARTMENT,
    ("Id", "CreatedDateTimeOffset", "LastChangedDateTimeOffset"),
    "CreatedDateTimeOffset",
    ("Code",),
)
ENTITIES: dict[str, Entity] = {e.name.lower(): e for e in (CUSTOMERS, DEPARTMENTS)}

# Ids: seeded companies, seeded private persons and new customers live in separate int64 ranges.
COMPANY_ID_BASE = 10_000_000
PERSON_ID_BASE = 30_000_000
NEW_CUSTOMER_ID_BASE = 50_000_000
DEPARTMENT_ID_BASE = 100
# A customer's mail address is its own entity in PowerOffice, with its own id.
ADDRESS_ID_OFFSET = 100_000_000
# Customer ledger numbers (the client's customer number series starts here).
CUSTOMER_NUMBER_BASE = 10_000
NUMBER_COUNTER = "CustomerNumbers"


def address_id(customer_id: int) -> int:
    return customer_id + ADDRESS_ID_OFFSET
