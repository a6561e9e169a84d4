"""The generated world and its noise: deterministic, realistic enough, and fast to stream."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import phonenumbers
import pytest

from sandbox import noise
from sandbox.world import DEAL_STAGES, EPOCH_US, World

_TWO_YEARS_US = 730 * 86_400 * 1_000_000
_REGION = {"47": "NO", "45": "DK", "31": "NL", "44": "GB"}


@pytest.fixture(scope="module")
def world() -> World:
    return World(7, 2000)


def _everything(world: World, n: int) -> list[object]:
    return [(world.company(i), world.person(i), world.product(i), world.deal(i), world.department(i)) for i in range(n)]


def test_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    a, b, other = World(11, 500), World(11, 500), World(12, 500)
    assert _everything(a, 150) == _everything(b, 150)
    assert [a.rng("zohocrm.Accounts", i).random() for i in range(50)] == [
        b.rng("zohocrm.Accounts", i).random() for i in range(50)
    ]
    assert [a.present("x", i) for i in range(500)] == [b.present("x", i) for i in range(500)]
    assert a.times(a.rng("t", 1)) == b.times(b.rng("t", 1))
    assert a.rng("zohocrm.Accounts", 1).random() != a.rng("zohocrm.Accounts", 2).random()
    assert a.rng("zohocrm.Accounts", 1).random() != a.rng("exact.Accounts", 1).random()
    different = sum(a.company(i) != other.company(i) for i in range(150))
    assert different == 150
    assert sum(a.person(i).email != other.person(i).email for i in range(150)) > 120
    assert [a.present("x", i) for i in range(500)] != [other.present("x", i) for i in range(500)]


def test_sizes_follow_records() -> None:
    world = World(7, 700)
    assert (world.companies, world.persons, world.products) == (1000, 1000, 1000)
    assert (world.deals, world.departments) == (1000, 14)  # deals, like companies, are records / PRESENCE
    assert World(7, 10).departments == 3
    assert world.company(5).key == "company:000005"
    assert world.person(42).key == "person:000042"
    assert world.department(3).key == "department:000003"


def test_country_mix_and_legal_forms(world: World) -> None:
    companies = [world.company(i) for i in range(world.companies)]
    share = Counter(c.country for c in companies)
    n = len(companies)
    assert 0.45 < share["NO"] / n < 0.55
    assert 0.16 < share["DK"] / n < 0.24
    assert 0.11 < share["NL"] / n < 0.19
    assert 0.11 < share["GB"] / n < 0.19
    forms = {
        "NO": {"AS", "ASA", "ENK", "DA", "NUF"},
        "DK": {"ApS", "A/S", "IVS"},
        "NL": {"BV", "NV", "VOF"},
        "GB": {"Ltd", "PLC", "LLP"},
    }
    for c in companies:
        assert c.legal_form in forms[c.country]
        assert c.name and c.name == c.name.strip()
        if c.domain is not None:
            assert re.fullmatch(r"[a-z0-9-]+\.(no|dk|nl|co\.uk)", c.domain)
        if c.email is not None:
            assert c.email == c.email.lower() and c.email.count("@") == 1
        if c.country == "NO":
            assert re.fullmatch(r"\d{4}", c.postcode)
        elif c.country == "NL":
            assert re.fullmatch(r"\d{4} [A-Z]{2}", c.postcode)
        elif c.country == "GB":
            assert re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", c.postcode)


def _mod11_no(number: str) -> bool:
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    rest = 11 - sum(w * int(d) for w, d in zip(weights, number[:8], strict=True)) % 11
    return rest != 10 and int(number[8]) == (0 if rest == 11 else rest)


def test_registry_and_vat_numbers(world: World) -> None:
    companies = [world.company(i) for i in range(world.companies)]
    norwegian = [c for c in companies if c.country == "NO"]
    with_number = [c for c in norwegian if c.org_number is not None]
    assert 0.8 < len(with_number) / len(norwegian) < 0.97
    for c in with_number:
        assert re.fullmatch(r"[89]\d{8}", c.org_number), c.org_number
        assert _mod11_no(c.org_number), c.org_number
        assert c.vat_number in (None, f"NO{c.org_number}MVA")
    for c in companies:
        if c.org_number is None:
            assert c.vat_number is None
        elif c.country == "DK":
            assert re.fullmatch(r"\d{8}", c.org_number)
            assert sum(w * int(d) for w, d in zip((2, 7, 6, 5, 4, 3, 2, 1), c.org_number, strict=True)) % 11 == 0
            assert c.vat_number in (None, f"DK{c.org_number}")
        elif c.country == "NL":
            assert re.fullmatch(r"\d{8}", c.org_number)
            assert c.vat_number is None or re.fullmatch(r"NL\d{9}B01", c.vat_number)
        elif c.country == "GB":
            assert re.fullmatch(r"\d{8}|(SC|NI)\d{6}", c.org_number)
            assert c.vat_number is None or re.fullmatch(r"GB\d{9}", c.vat_number)
    assert len({c.org_number for c in with_number}) > 0.99 * len(with_number)


def _assert_e164(number: str, country: str) -> None:
    parsed = phonenumbers.parse(number)
    assert phonenumbers.is_possible_number(parsed), number
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    assert phonenumbers.region_code_for_country_code(parsed.country_code) == country


def test_phones_are_e164_of_the_right_country(world: World) -> None:
    for i in range(600):
        c = world.company(i)
        if c.phone is not None:
            _assert_e164(c.phone, c.country)
        p = world.person(i)
        for number in (p.phone, p.mobile):
            if number is not None:
                _assert_e164(number, _REGION[number[1:3]])
        if p.mobile is not None and p.mobile.startswith("+47"):
            assert p.mobile[3] in "49"
        if p.mobile is not None:
            assert p.mobile.startswith({"NO": "+47", "DK": "+45", "NL": "+31", "GB": "+44"}[p.country])


def test_companies_share_mailboxes_and_have_near_duplicate_names(world: World) -> None:
    companies = [world.company(i) for i in range(world.companies)]
    emails = Counter(c.email for c in companies if c.email is not None)
    assert max(emails.values()) >= 2
    shared = {e for e, n in emails.items() if n >= 2}
    assert len({c.org_number for c in companies if c.email in shared}) >= 3  # different companies
    assert 0.04 < sum(c.email is None for c in companies) / len(companies) < 0.14
    assert 0.05 < sum(c.domain is None for c in companies) / len(companies) < 0.16
    near = [
        (before, after)
        for before, after in pairwise(companies)
        if after.name.startswith(before.name + " ") and len(after.name.split()) == len(before.name.split()) + 1
    ]
    assert 0.01 < len(near) / len(companies) < 0.06
    assert all(a.key != b.key and (a.org_number != b.org_number or a.org_number is None) for a, b in near)
    names = Counter(c.name for c in companies)
    assert len(names) > 0.95 * len(companies)  # mostly unique


def test_persons(world: World) -> None:
    persons = [world.person(i) for i in range(world.persons)]
    private = [p for p in persons if p.employer is None]
    assert 0.2 < len(private) / len(persons) < 0.3
    assert all(p.title is None for p in private)
    employees = [p for p in persons if p.employer is not None]
    assert all(0 <= p.employer < world.companies and p.title for p in employees)
    same_country = sum(p.country == world.company(p.employer).country for p in employees[:500])
    assert same_country > 0.8 * 500
    emails = Counter(p.email for p in persons if p.email is not None)
    shared = [e for e, n in emails.items() if n >= 2]
    assert shared
    # The family mailboxes: neighbours sharing one address
    assert any(a.email is not None and a.email == b.email for a, b in pairwise(persons))
    assert 0.04 < sum(p.email is None for p in persons) / len(persons) < 0.13
    born = [p.birth_date for p in persons if p.birth_date is not None]
    assert 0.5 < len(born) / len(persons) < 0.7
    assert all(1940 <= d.year <= 2004 for d in born)
    work = [
        p
        for p in employees
        if p.email is not None
        and world.company(p.employer).domain is not None
        and p.email.endswith("@" + world.company(p.employer).domain)
    ]
    assert len(work) > 0.5 * len(employees)


def test_products_deals_departments(world: World) -> None:
    products = [world.product(i) for i in range(world.products)]
    assert len({p.sku for p in products}) == len(products)
    for p in products:
        assert re.fullmatch(r"SKU-\d{6}|[A-Z]{3}-\d{4}", p.sku)
        assert p.price.as_tuple().exponent == -2 and p.cost_price.as_tuple().exponent == -2
        assert Decimal("10") <= p.price <= Decimal("50000")
        assert Decimal("0") < p.cost_price < p.price
        assert p.currency in ("NOK", "DKK", "EUR", "GBP") and p.vat_code in ("25", "15", "12", "0")
    assert Counter(p.currency for p in products).most_common(1)[0][0] == "NOK"

    deals = [world.deal(i) for i in range(world.deals)]
    with_contact = [d for d in deals if d.contact is not None]
    assert 0.55 < len(with_contact) / len(deals) < 0.85
    for d in with_contact[:300]:
        assert world.person(d.contact).employer == d.company
    for d in deals:
        assert 0 <= d.company < world.companies and d.stage in DEAL_STAGES
        assert d.probability == {"Closed Won": 100, "Closed Lost": 0}.get(d.stage, d.probability)
        assert d.stage.startswith("Closed") or 10 <= d.probability <= 90
        assert abs(d.closing_date - date(2026, 1, 1)) <= timedelta(days=366)
        assert d.amount > 0 and d.amount.as_tuple().exponent == -2
        assert d.title.startswith(world.company(d.company).name + " – ")
        assert d.currency == {"NO": "NOK", "DK": "DKK", "NL": "EUR", "GB": "GBP"}[world.company(d.company).country]

    big = World(7, 100_000)
    codes = [big.department(i).code for i in range(big.departments)]
    assert len(set(codes)) == len(codes) == 2000


def test_present_and_times(world: World) -> None:
    hits = sum(world.present("zohocrm.Accounts", i) for i in range(10_000))
    assert 6700 < hits < 7300
    assert sum(world.present("zohocrm.Accounts", i, 0.2) for i in range(10_000)) in range(1700, 2300)
    assert [world.present("a", i) for i in range(200)] != [world.present("b", i) for i in range(200)]
    for i in range(2000):
        created, modified = world.times(world.rng("t", i))
        assert EPOCH_US - _TWO_YEARS_US <= created <= modified < EPOCH_US


# --- noise ---------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def test_company_name_variants(world: World) -> None:
    companies = [world.company(i) for i in range(200)]
    for form in ("AS", "ApS", "BV", "Ltd"):
        company = next(c for c in companies if c.legal_form == form)
        rng = world.rng("noise", form)
        variants = [noise.company_name(rng, company) for _ in range(2000)]
        distinct = Counter(variants)
        assert len(distinct) >= 6
        assert distinct.most_common(1)[0][0] == f"{company.name} {form}"
        with_stem = sum(_squash(company.name) in _squash(v) for v in variants)
        assert with_stem > 0.9 * len(variants)
        assert any(v == company.name for v in variants)  # legal form dropped
        assert any(v.isupper() for v in variants) and any(v.islower() for v in variants)
        assert any("  " in v for v in variants)
    as_company = next(c for c in companies if c.legal_form == "AS")
    rng = world.rng("noise", "AS variants")
    seen = {noise.company_name(rng, as_company) for _ in range(3000)}
    assert {f"{as_company.name} A/S", f"{as_company.name} A.S."} <= seen
    bare = {noise.company_name(rng, as_company, legal_form=False) for _ in range(300)}
    assert as_company.name in bare and not any(v.endswith(" AS") for v in bare)


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_typo_and_missing() -> None:
    world = World(3, 10)
    rng = world.rng("typo")
    changed = 0
    for word in ("Fjord Consulting", "Hansen", "Ødegård Rør AS", "ab"):
        for _ in range(300):
            out = noise.typo(rng, word, 1.0)
            assert out[0] == word[0]
            assert _distance(word, out) <= 2
            changed += out != word
    assert changed > 0.95 * 1200
    assert all(noise.typo(rng, "Hansen", 0.0) == "Hansen" for _ in range(100))
    assert noise.typo(rng, "A", 1.0) == "A"
    nones = sum(noise.missing(rng, "x", 0.3) is None for _ in range(10_000))
    assert 2700 < nones < 3300
    assert noise.missing(rng, None, 0.0) is None
    emails = [noise.email(rng, "ola.nordmann@firma.no", missing=0.2) for _ in range(5000)]
    assert 800 < emails.count(None) < 1200
    assert all(e is None or e.lower() == "ola.nordmann@firma.no" for e in emails)
    assert any(e not in (None, "ola.nordmann@firma.no") for e in emails)


def test_phone_variants_normalise_back(world: World) -> None:
    rng = world.rng("phones")
    numbers = ["+4722334455", "+4741234567", "+4533221100", "+31201234567", "+31612345678", "+442079460958"]
    numbers += [x for i in range(100) for x in (world.company(i).phone, world.person(i).mobile) if x]
    for e164 in numbers:
        region = _REGION[e164[1:3]]
        outputs = {noise.phone(rng, e164, missing=0.0) for _ in range(200)}
        assert len(outputs) == 6, outputs
        for written in outputs:
            parsed = phonenumbers.parse(written, region)
            assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == e164, written
    assert {"+47 22 33 44 55", "22334455", "0047 22334455", "(+47) 22-33-44-55", "+4722334455", "22 33 44 55"} == {
        noise.phone(rng, "+4722334455", missing=0.0) for _ in range(300)
    }
    assert sum(noise.phone(rng, "+4722334455") is None for _ in range(5000)) in range(350, 650)
    assert noise.phone(rng, None, missing=0.0) is None


def test_org_number_website_country_noise(world: World) -> None:
    rng = world.rng("ids")
    seen = {noise.org_number(rng, "960475607", "NO", missing=0.0) for _ in range(500)}
    assert seen == {"960475607", "960 475 607", "NO 960475607 MVA", "NO960475607MVA"}
    for country, value in (("DK", "26969549"), ("NL", "38871494"), ("GB", "SC123456")):
        for _ in range(200):
            written = noise.org_number(rng, value, country, missing=0.0)
            assert written is not None and value in written.replace(" ", "")
            assert re.sub(r"[^0-9]", "", written) == re.sub(r"[^0-9]", "", value)
    assert sum(noise.org_number(rng, "960475607", "NO") is None for _ in range(4000)) in range(450, 750)
    sites = {noise.website(rng, "fjord.no", missing=0.0) for _ in range(300)}
    assert sites == {"https://www.fjord.no", "www.fjord.no", "fjord.no", "http://fjord.no/"}
    expected = {
        "NO": {"Norway", "Norge", "NO", "NOR", "norway"},
        "DK": {"Denmark", "Danmark", "DK", "DNK"},
        "NL": {"Netherlands", "Nederland", "NL", "Holland"},
        "GB": {"United Kingdom", "UK", "GB", "England"},
    }
    for iso, names in expected.items():
        assert {noise.country_name(rng, iso) for _ in range(500)} == names


def test_person_name_noise(world: World) -> None:
    person = world.person(3)
    rng = world.rng("names")
    pairs = [noise.person_names(rng, person) for _ in range(3000)]
    assert Counter(pairs).most_common(1)[0][0] == (person.first_name, person.last_name)
    assert any(last.isupper() for _, last in pairs)
    typos = [
        (first, last)
        for first, last in pairs
        if (first.lower(), last.lower()) != (person.first_name.lower(), person.last_name.lower())
    ]
    assert 0.01 < len(typos) / len(pairs) < 0.06
