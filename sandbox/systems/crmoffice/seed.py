"""CRMOffice's share of the generated world: a Norwegian B2B CRM, so every contact hangs on a company here and
organisation numbers are the Norwegian registry's (digits only, as a registry lookup fills them in)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.systems.crmoffice.schema import record_id
from sandbox.world import Company, World


def populations(world: World) -> dict[str, int]:
    """Highest seeded number per entity: new records get numbers above these."""
    return {"companies": world.companies, "contacts": world.persons}


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {"companies": _companies(world), "contacts": _contacts(world)}


def _address(company: Company, country: str) -> dict[str, Any]:
    return {
        "streetAddress": company.street,
        "postCode": company.postcode,
        "postalArea": company.city,
        "country": country,
    }


def _companies(world: World) -> Iterator[SeedRow]:
    for i in range(world.companies):
        if not world.present("crmoffice.companies", i):
            continue
        c = world.company(i)
        rng = world.rng("crmoffice.companies", i)
        created, modified = world.times(rng)
        post = _address(c, noise.country_name(rng, c.country))
        data = {
            "name": noise.company_name(rng, c),
            "orgNr": noise.missing(rng, c.org_number, 0.1) if c.country == "NO" else None,
            "email": noise.email(rng, c.email),
            "phone": noise.phone(rng, c.phone),
            "website": noise.website(rng, c.domain),
            "postAddress": post,
            "visitAddress": dict(post) if rng.random() < 0.4 else None,
        }
        yield SeedRow(record_id("companies", i + 1), data, created, modified, "company", c.key)


def _contacts(world: World) -> Iterator[SeedRow]:
    for i in range(world.persons):
        if not world.present("crmoffice.contacts", i):
            continue
        p = noise.person_as(world, "crmoffice.contacts", i)
        if p.employer is None or not world.present("crmoffice.companies", p.employer):
            continue  # contacts are created under their company
        rng = world.rng("crmoffice.contacts", i)
        created, modified = world.times(rng)
        first, last = noise.person_names(rng, p)
        data = {
            "givenName": first,
            "familyName": last,
            "email": noise.email(rng, p.email),
            "directPhone": noise.phone(rng, p.phone),
            "mobilePhone": noise.phone(rng, p.mobile, missing=0.3),
            "title": p.title,
            "company": {"id": record_id("companies", p.employer + 1)},
        }
        yield SeedRow(record_id("contacts", i + 1), data, created, modified, "person", p.key)
