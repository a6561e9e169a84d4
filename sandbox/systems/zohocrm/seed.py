"""Zoho CRM's share of the generated world: sales-side accounts (companies and departments), contacts, deals."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.systems.zohocrm.schema import ACCOUNTS, CONTACTS, DEALS, STANDARD_PIPELINE
from sandbox.world import Company, World

DEPARTMENT_SHARE = 0.5


def populations(world: World) -> dict[str, int]:
    """Highest seeded number per module: new records get numbers above these."""
    return {
        "Accounts": world.companies + world.departments,
        "Contacts": world.persons,
        "Deals": world.deals,
    }


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {"Accounts": _accounts(world), "Contacts": _contacts(world), "Deals": _deals(world)}


def _account_id(index: int) -> str:
    return ACCOUNTS.record_id(index + 1)


def _department_id(world: World, index: int) -> str:
    # Department accounts are numbered after every company, so both id ranges stay stable per world.
    return ACCOUNTS.record_id(world.companies + index + 1)


def _contact_id(index: int) -> str:
    return CONTACTS.record_id(index + 1)


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """Empty fields are not stored: they render as null like every field the record lacks."""
    return {k: v for k, v in data.items() if v is not None}


class _Distinct:
    """Keeps a system-unique field unique in the seed, as the real org would have refused a duplicate."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._next: dict[str, int] = {}

    def name(self, value: str) -> str:
        """The value, or on a clash the value with " (2)", " (3)", ... appended."""
        candidate, key = value, value.lower()
        while candidate.lower() in self._seen:
            self._next[key] = self._next.get(key, 1) + 1
            candidate = f"{value} ({self._next[key]})"
        self._seen.add(candidate.lower())
        return candidate

    def first(self, value: str | None) -> str | None:
        """The value if no earlier record has it, else None (the second contact's address stays empty)."""
        if value is None or value.lower() in self._seen:
            return None
        self._seen.add(value.lower())
        return value


def _country(rng: random.Random, iso: str) -> str:
    """Zoho's country fields are free text: users type names as often as codes."""
    return noise.country_name(rng, iso) if rng.random() < 0.5 else iso


def _accounts(world: World) -> Iterator[SeedRow]:
    names = _Distinct()
    for i in range(world.companies):
        if not world.present("zohocrm.Accounts", i):
            continue
        company = world.company(i)
        rng = world.rng("zohocrm.Accounts", i)
        created, modified = world.times(rng)
        data = _account(rng, company, names)
        yield SeedRow(_account_id(i), data, created, modified, "company", company.key)
    for j in range(world.departments):
        if not world.present("zohocrm.Accounts.departments", j, DEPARTMENT_SHARE):
            continue
        department = world.department(j)
        rng = world.rng("zohocrm.Accounts.departments", j)
        created, modified = world.times(rng)
        # The department code goes into Account_Number: it is the merge key other systems hold.
        data = {"Account_Name": names.name(department.name), "Account_Number": department.code}
        yield SeedRow(_department_id(world, j), data, created, modified, "department", department.key)


def _account(rng: random.Random, company: Company, names: _Distinct) -> dict[str, Any]:
    billing = {
        "Street": company.street,
        "City": company.city,
        "Code": company.postcode,
        "Country": _country(rng, company.country),
    }
    shipping = billing if rng.random() < 0.6 else {}
    return _present(
        {
            "Account_Name": names.name(noise.company_name(rng, company)),
            "Phone": noise.phone(rng, company.phone),
            "Website": noise.website(rng, company.domain),
            "Industry": company.industry,
            **{f"Billing_{k}": v for k, v in billing.items()},
            **{f"Shipping_{k}": v for k, v in shipping.items()},
            "Description": company.description if rng.random() < 0.3 else None,
            "Account_Number": noise.org_number(rng, company.org_number, company.country),
        }
    )


def _contacts(world: World) -> Iterator[SeedRow]:
    emails = _Distinct()
    for i in range(world.persons):
        if not world.present("zohocrm.Contacts", i):
            continue
        person = noise.person_as(world, "zohocrm.Contacts", i)
        rng = world.rng("zohocrm.Contacts", i)
        created, modified = world.times(rng)
        first, last = noise.person_names(rng, person)
        employer = person.employer
        if employer is not None and not world.present("zohocrm.Accounts", employer):
            employer = None  # the lookup stays empty when the employer is not an account here
        data = {
            "First_Name": first,
            "Last_Name": last,
            "Email": emails.first(noise.email(rng, person.email)),
            "Phone": noise.phone(rng, person.phone),
            "Mobile": noise.phone(rng, person.mobile, missing=0.3),
            "Title": person.title,
            "Mailing_Street": person.street,
            "Mailing_City": person.city,
            "Mailing_Zip": person.postcode,
            "Mailing_Country": _country(rng, person.country),
            "Account_Name": _account_id(employer) if employer is not None else None,
            "Date_of_Birth": person.birth_date.isoformat() if person.birth_date else None,
        }
        yield SeedRow(_contact_id(i), _present(data), created, modified, "person", person.key)


def _deals(world: World) -> Iterator[SeedRow]:
    for i in range(world.deals):
        if not world.present("zohocrm.Deals", i):
            continue
        deal = world.deal(i)
        rng = world.rng("zohocrm.Deals", i)
        created, modified = world.times(rng)
        contact = deal.contact
        data = {
            "Deal_Name": deal.title,
            "Stage": deal.stage,
            "Pipeline": STANDARD_PIPELINE,
            "Amount": float(deal.amount),
            "Closing_Date": deal.closing_date.isoformat(),
            "Probability": deal.probability,
            "Account_Name": _account_id(deal.company) if world.present("zohocrm.Accounts", deal.company) else None,
            "Contact_Name": (
                _contact_id(contact) if contact is not None and world.present("zohocrm.Contacts", contact) else None
            ),
        }
        yield SeedRow(DEALS.record_id(i + 1), _present(data), created, modified, "deal", deal.key)
