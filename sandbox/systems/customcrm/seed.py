"""Custom CRM's share of the generated world: the customer's own system, tidy but not clean."""

from __future__ import annotations

from collections.abc import Iterator

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.world import World

SYSTEM = "customcrm"


def populations(world: World) -> dict[str, int]:
    """Highest seeded number per entity: new records get numbers above these."""
    return {
        "customers": world.companies,
        "contacts": world.persons,
        "orders": world.deals,
        "products": world.products,
    }


def _id(prefix: str, index: int) -> str:
    return f"{prefix}{index + 1:08d}"


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {
        "customers": _customers(world),
        "contacts": _contacts(world),
        "orders": _orders(world),
        "products": _products(world),
    }


def _customers(world: World) -> Iterator[SeedRow]:
    for i in range(world.companies):
        if not world.present("customcrm.customers", i):
            continue
        c = world.company(i)
        rng = world.rng("customcrm.customers", i)
        created, modified = world.times(rng)
        data = {
            "Name": noise.company_name(rng, c),
            "Email": noise.email(rng, c.email),
            "Phone": noise.phone(rng, c.phone),
            "Fax": None,
            "Website": noise.website(rng, c.domain),
            "Description": c.description if rng.random() < 0.3 else None,
            "StreetAddress1": c.street,
            "StreetAddress2": None,
            "City": c.city,
            "ZipCode": c.postcode,
            "Country": c.country,
            "OrgNumber": noise.org_number(rng, c.org_number, c.country),
        }
        yield SeedRow(_id("cus_", i), data, created, modified, "company", c.key)


def _contacts(world: World) -> Iterator[SeedRow]:
    for i in range(world.persons):
        if not world.present("customcrm.contacts", i):
            continue
        p = noise.person_as(world, "customcrm.contacts", i)
        if p.employer is None:
            continue  # the customer's CRM holds business contacts only (the same rule as _contact_here)
        rng = world.rng("customcrm.contacts", i)
        created, modified = world.times(rng)
        first, last = noise.person_names(rng, p)
        employer_here = world.present("customcrm.customers", p.employer)
        data = {
            "FirstName": first,
            "LastName": last,
            "Email": noise.email(rng, p.email),
            "Phone": noise.phone(rng, p.phone),
            "Mobile": noise.phone(rng, p.mobile, missing=0.3),
            "Title": p.title,
            "CustomerId": _id("cus_", p.employer) if employer_here else None,
            "City": p.city,
            "ZipCode": p.postcode,
            "Country": p.country,
        }
        yield SeedRow(_id("con_", i), data, created, modified, "person", p.key)


def _contact_here(world: World, index: int) -> bool:
    return world.present("customcrm.contacts", index) and world.person(index).employer is not None


def _orders(world: World) -> Iterator[SeedRow]:
    for i in range(world.deals):
        if not world.present("customcrm.orders", i):
            continue
        d = world.deal(i)
        rng = world.rng("customcrm.orders", i)
        created, modified = world.times(rng)
        contact = d.contact if d.contact is not None and _contact_here(world, d.contact) else None
        status = {"Closed Won": "won", "Closed Lost": "lost"}.get(d.stage, "open")
        data = {
            "Title": d.title,
            "OrderNumber": f"SO-{i + 10001}",
            "CustomerId": _id("cus_", d.company) if world.present("customcrm.customers", d.company) else None,
            "ContactId": _id("con_", contact) if contact is not None else None,
            "Amount": float(d.amount),
            "Currency": d.currency,
            "Status": status,
            "OrderDate": d.closing_date.isoformat(),
        }
        yield SeedRow(_id("ord_", i), data, created, modified, "deal", d.key)


def _products(world: World) -> Iterator[SeedRow]:
    for i in range(world.products):
        if not world.present("customcrm.products", i):
            continue
        p = world.product(i)
        rng = world.rng("customcrm.products", i)
        created, modified = world.times(rng)
        data = {
            "Name": p.name,
            "Sku": p.sku if rng.random() > 0.05 else None,
            "Description": p.description,
            "Price": float(p.price),
            "Currency": p.currency,
            "VatCode": p.vat_code,
        }
        yield SeedRow(_id("prd_", i), data, created, modified, "product", p.key)
