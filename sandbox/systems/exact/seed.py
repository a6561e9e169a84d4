"""Exact Online's share of the generated world: the accounting package's CRM accounts and their contacts."""

from __future__ import annotations

from collections.abc import Iterator

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.systems.exact.schema import account_code, birth_date, guid
from sandbox.world import World

# Exact's account statuses: C customer, P prospect, S suspect, A none; bookkeeping holds mostly customers.
STATUSES = (("C", 0.75), ("P", 0.12), ("S", 0.08), ("A", 0.05))


def populations(world: World) -> dict[str, int]:
    """Highest seeded number per entity: new records get numbers (and GUIDs, codes) above these."""
    return {"Accounts": world.companies, "Contacts": world.persons}


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {"Accounts": _accounts(world), "Contacts": _contacts(world)}


def _status(draw: float) -> str:
    for status, share in STATUSES:
        if draw < share:
            return status
        draw -= share
    return "C"


def _accounts(world: World) -> Iterator[SeedRow]:
    for i in range(world.companies):
        if not world.present("exact.Accounts", i):
            continue
        c = world.company(i)
        rng = world.rng("exact.Accounts", i)
        created, modified = world.times(rng)
        data = {
            "Code": account_code(str(i + 1)),
            "Name": noise.company_name(rng, c),
            "Email": noise.email(rng, c.email),
            "Phone": noise.phone(rng, c.phone),
            "Website": noise.website(rng, c.domain),
            "VATNumber": c.vat_number if rng.random() < 0.8 else None,
            # The chamber of commerce number is filled in less often than the VAT number.
            "ChamberOfCommerce": c.org_number if rng.random() < 0.4 else None,
            "AddressLine1": c.street,
            "AddressLine2": None,
            "AddressLine3": None,
            "Postcode": c.postcode,
            "City": c.city,
            "Country": c.country,
            "State": None,
            "Status": _status(rng.random()),
            "IsSupplier": rng.random() < 0.1,
            "Blocked": rng.random() < 0.02,
            "MainContact": None,
        }
        yield SeedRow(guid("Accounts", i + 1), data, created, modified, "company", c.key)


def _contacts(world: World) -> Iterator[SeedRow]:
    for i in range(world.persons):
        if not world.present("exact.Contacts", i):
            continue
        p = noise.person_as(world, "exact.Contacts", i)
        # A contact belongs to an account in Exact: only employees of companies that are accounts here.
        if p.employer is None or not world.present("exact.Accounts", p.employer):
            continue
        rng = world.rng("exact.Contacts", i)
        created, modified = world.times(rng)
        first, last = noise.person_names(rng, p)
        data = {
            "Account": guid("Accounts", p.employer + 1),
            "FirstName": first,
            "LastName": last,
            "MiddleName": None,
            "Email": noise.email(rng, p.email),
            "BusinessEmail": p.email if rng.random() < 0.3 else None,
            "Phone": noise.phone(rng, p.phone),
            "BusinessPhone": None,
            "Mobile": noise.phone(rng, p.mobile, missing=0.3),
            "BusinessMobile": None,
            "City": p.city,
            "Postcode": p.postcode,
            "Country": p.country,
            "BirthDate": birth_date(p.birth_date) if p.birth_date and rng.random() < 0.5 else None,
            "JobTitleDescription": p.title,
        }
        yield SeedRow(guid("Contacts", i + 1), data, created, modified, "person", p.key)
