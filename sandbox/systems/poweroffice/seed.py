"""PowerOffice Go's share of the generated world: an accounting client's customer ledger and departments.

Customers are companies (IsPerson false) and private persons (IsPerson true, people without an employer);
employees of companies are contact persons in PowerOffice, which the flows do not need. Every department of the
world is here (the client's chart of departments), and some customers belong to one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.systems.poweroffice.schema import (
    COMPANY_ID_BASE,
    CUSTOMER_NUMBER_BASE,
    DEFAULT_COUNTRY,
    DEPARTMENT_ID_BASE,
    PERSON_ID_BASE,
    address_id,
)
from sandbox.timefmt import iso_us
from sandbox.world import EPOCH_US, World

COMPANIES = "poweroffice.Customers"
PERSONS = "poweroffice.Customers.person"
DEPARTMENTS = "poweroffice.Departments"
CURRENCY = {"DK": "DKK", "NL": "EUR", "GB": "GBP", "SE": "SEK", "DE": "EUR"}
# An address edited after the customer itself: the documented cursor caveat, present in seeded data too.
LATE_ADDRESS_SHARE = 0.1
DEPARTMENT_SHARE = 0.2


def customer_numbers(world: World) -> int:
    """How many ledger numbers seeding may use: new customers get numbers above these."""
    return world.companies + world.persons


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {"Customers": _customers(world), "Departments": _departments(world)}


def _customers(world: World) -> Iterator[SeedRow]:
    """Companies, then persons: ids grow with the order, so the store's order is the API's order by Id."""
    for i in range(world.companies):
        if world.present(COMPANIES, i):
            yield _company(world, i)
    for i in range(world.persons):
        if world.present(PERSONS, i):
            person = _person(world, i)
            if person is not None:
                yield person


def _company(world: World, i: int) -> SeedRow:
    c = world.company(i)
    rng = world.rng(COMPANIES, i)
    created, modified = world.times(rng)
    id = COMPANY_ID_BASE + i + 1
    org_number = None
    if c.country == "NO":
        # PowerOffice keeps Norwegian organisation numbers as typed; most are typed as plain digits.
        org_number = c.org_number if rng.random() < 0.85 else noise.org_number(rng, c.org_number, c.country)
    email = noise.email(rng, c.email)
    data = {
        "IsPerson": False,
        "Name": noise.company_name(rng, c),
        "LegalName": f"{c.name} {c.legal_form}" if rng.random() < 0.5 else None,
        "FirstName": None,
        "LastName": None,
        "EmailAddress": email,
        "InvoiceEmailAddress": email if rng.random() < 0.3 else None,
        "InvoiceEmailAddressCC": None,
        "PhoneNumber": noise.phone(rng, c.phone),
        "WebsiteUrl": noise.website(rng, c.domain),
        "OrganizationNumber": org_number,
        "NationalIdNumber": None,
        "Number": CUSTOMER_NUMBER_BASE + i + 1,
        "ExternalNumber": None,
        "ExternalImportReference": None,
        "MailAddress": _address(rng, id, c.street, c.postcode, c.city, c.country, created, modified),
        **_department(world, rng),
        "ContactGroupIds": [],
        "CurrencyCode": CURRENCY.get(c.country),
        "IsArchived": rng.random() < 0.03,
        "DateOfBirth": None,
    }
    return SeedRow(str(id), data, created, modified, "company", c.key)


def _person(world: World, i: int) -> SeedRow | None:
    p = noise.person_as(world, PERSONS, i)
    if p.employer is not None:
        return None  # an employee is a contact person of a company customer, not a customer
    rng = world.rng(PERSONS, i)
    created, modified = world.times(rng)
    id = PERSON_ID_BASE + i + 1
    first, last = noise.person_names(rng, p)
    data = {
        "IsPerson": True,
        "Name": f"{first} {last}",
        "LegalName": None,
        "FirstName": first,
        "LastName": last,
        "EmailAddress": noise.email(rng, p.email),
        "InvoiceEmailAddress": None,
        "InvoiceEmailAddressCC": None,
        "PhoneNumber": noise.phone(rng, p.mobile or p.phone),
        "WebsiteUrl": None,
        "OrganizationNumber": None,
        "NationalIdNumber": None,
        "Number": CUSTOMER_NUMBER_BASE + world.companies + i + 1,
        "ExternalNumber": None,
        "ExternalImportReference": None,
        "MailAddress": _address(rng, id, p.street, p.postcode, p.city, p.country, created, modified),
        **_department(world, rng),
        "ContactGroupIds": [],
        "CurrencyCode": None,
        "IsArchived": rng.random() < 0.03,
        "DateOfBirth": p.birth_date.isoformat() if p.birth_date and rng.random() < 0.7 else None,
    }
    return SeedRow(str(id), data, created, modified, "person", p.key)


def _address(
    rng: random.Random, id: int, street: str, zip_code: str, city: str, country: str, created: int, modified: int
) -> dict[str, Any]:
    changed = rng.randint(created, modified)
    if rng.random() < LATE_ADDRESS_SHARE:
        changed = modified + 1 + rng.randrange(max(1, EPOCH_US - modified - 1))
    return {
        "Id": address_id(id),
        "AddressLine1": street,
        "AddressLine2": None,
        "City": city,
        "ZipCode": zip_code,
        "CountryCode": country or DEFAULT_COUNTRY,
        "ExternalCode": None,
        "LastChangedDateTimeOffset": iso_us(changed),
    }


def _department(world: World, rng: random.Random) -> dict[str, Any]:
    if rng.random() >= DEPARTMENT_SHARE:
        return {"DepartmentId": None, "DepartmentCode": None}
    j = rng.randrange(world.departments)
    return {"DepartmentId": DEPARTMENT_ID_BASE + j + 1, "DepartmentCode": world.department(j).code}


def _departments(world: World) -> Iterator[SeedRow]:
    for i in range(world.departments):
        d = world.department(i)
        rng = world.rng(DEPARTMENTS, i)
        created, modified = world.times(rng)
        data = {"Code": d.code, "Name": d.name, "IsActive": rng.random() > 0.05, "ManagerEmployeeId": None}
        yield SeedRow(str(DEPARTMENT_ID_BASE + i + 1), data, created, modified, "department", d.key)
