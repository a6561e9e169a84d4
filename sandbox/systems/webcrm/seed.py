"""WebCRM's share of the generated world: a Danish CRM with the same companies, their contacts and products.

Ids are int32 numbers: the record of world index i has id i + 1. Persons are contact persons of organisations
(B2C persons are another WebCRM endpoint), so only employees whose employer is in WebCRM are seeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sandbox import noise
from sandbox.system import SeedRow
from sandbox.systems.webcrm.schema import COUNTRY_NAMES, ORGANISATIONS, PERSONS, PRODUCTS, Entity
from sandbox.world import World


def populations(world: World) -> dict[str, int]:
    """Highest seeded id per entity: new records get ids above these."""
    return {ORGANISATIONS.name: world.companies, PERSONS.name: world.persons, PRODUCTS.name: world.products}


def rows(world: World) -> dict[str, Iterator[SeedRow]]:
    return {
        ORGANISATIONS.name: _organisations(world),
        PERSONS.name: _persons(world),
        PRODUCTS.name: _products(world),
    }


def _place(entity: str) -> str:
    return f"webcrm.{entity}"


def _clipped(entity: Entity, data: dict[str, Any]) -> dict[str, Any]:
    """Texts cut to their column widths: what the database holds of a long website or name typed in the UI."""
    for name, rule in entity.fields.items():
        value = data[name]
        if rule.max_len is not None and isinstance(value, str) and len(value) > rule.max_len:
            data[name] = value[: rule.max_len]
    return data


def _organisations(world: World) -> Iterator[SeedRow]:
    place = _place(ORGANISATIONS.name)
    for i in range(world.companies):
        if not world.present(place, i):
            continue
        c = world.company(i)
        rng = world.rng(place, i)
        created, modified = world.times(rng)
        vat = noise.org_number(rng, c.vat_number, c.country)
        same_delivery = rng.random() < 0.4
        data = {
            "OrganisationName": noise.company_name(rng, c),
            "OrganisationAddress": c.street,
            "OrganisationPostCode": c.postcode,
            "OrganisationCity": c.city,
            "OrganisationState": "",
            "OrganisationCountry": noise.country_name(rng, c.country),
            "OrganisationCountryData": {
                "CodeISO": c.country,
                "Name": COUNTRY_NAMES.get(c.country, c.country),
            },
            "OrganisationTelephone": noise.phone(rng, c.phone) or "",
            "OrganisationWww": noise.website(rng, c.domain) or "",
            "OrganisationDomain": c.domain or "",
            "OrganisationVatNumber": vat or "",
            "OrganisationVatCountry": c.country if vat else "",
            "OrganisationDeliveryAddress": c.street if same_delivery else "",
            "OrganisationDeliveryPostCode": c.postcode if same_delivery else "",
            "OrganisationDeliveryCity": c.city if same_delivery else "",
            "OrganisationDeliveryState": "",
            "OrganisationCompanyDescription": c.description if rng.random() < 0.4 else "",
            "OrganisationCustom1": c.industry if rng.random() < 0.5 else "",
            "OrganisationCustom2": "",
            "OrganisationCustom3": "",
        }
        yield SeedRow(str(i + 1), _clipped(ORGANISATIONS, data), created, modified, "company", c.key)


def _persons(world: World) -> Iterator[SeedRow]:
    place = _place(PERSONS.name)
    for i in range(world.persons):
        if not world.present(place, i):
            continue
        p = noise.person_as(world, place, i)
        if p.employer is None or not world.present(_place(ORGANISATIONS.name), p.employer):
            continue
        rng = world.rng(place, i)
        created, modified = world.times(rng)
        first, last = noise.person_names(rng, p)
        data = {
            "PersonOrganisationId": p.employer + 1,
            "PersonFirstName": first,
            "PersonLastName": last,
            "PersonName": f"{first} {last}",
            "PersonEmail": noise.email(rng, p.email) or "",
            "PersonEmail2": "",
            "PersonDirectPhone": noise.phone(rng, p.phone) or "",
            "PersonMobilePhone": noise.phone(rng, p.mobile, missing=0.3) or "",
            "PersonTitle": p.title or "",
            "PersonStatus": "",
            "PersonBirthday": p.birth_date.isoformat() if p.birth_date else None,
        }
        yield SeedRow(str(i + 1), _clipped(PERSONS, data), created, modified, "person", p.key)


def _products(world: World) -> Iterator[SeedRow]:
    place = _place(PRODUCTS.name)
    for i in range(world.products):
        if not world.present(place, i):
            continue
        p = world.product(i)
        rng = world.rng(place, i)
        created, modified = world.times(rng)
        data = {
            "ProductName": p.name,
            "ProductNumber": p.sku if rng.random() > 0.05 else "",
            "ProductDescription": p.description,
            "ProductPrice": float(p.price),
            "ProductCostPrice": float(p.cost_price),
            "ProductListPrice": float(p.price),
            "ProductDiscount": 0.0,
            "ProductQuantity": float(rng.randint(0, 500)),
            "ProductVatCode": p.vat_code,
            "ProductCombined": False,
            "ProductOrganisationId": 0,
            "ProductPersonId": 0,
        }
        yield SeedRow(str(i + 1), _clipped(PRODUCTS, data), created, modified, "product", p.key)
