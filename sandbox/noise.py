"""Real-world noise for seeded records: how the same company or person is written differently per system.

Each function takes the record's own random generator (World.rng) so the noise is deterministic.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date

from sandbox.world import Company, Person, World

# How people write each legal form instead; "" drops it. "{name}" marks a form written before the name.
_LEGAL_FORM_VARIANTS: dict[str, tuple[str, ...]] = {
    "AS": ("A/S", "A.S.", "as", "As", "AS AS", "", "", "AS {name}"),
    "ASA": ("asa", "A.S.A.", "AS", "", ""),
    "ENK": ("enk", "Enk.", "ENK.", "", "", ""),
    "DA": ("da", "D.A.", "", ""),
    "NUF": ("nuf", "N.U.F.", "", ""),
    "ApS": ("APS", "Aps", "aps", "ApS.", "", ""),
    "A/S": ("AS", "A.S.", "a/s", "A/S.", "", ""),
    "IVS": ("ivs", "I.V.S.", "Ivs", "", ""),
    "BV": ("B.V.", "bv", "B.V", "Bv", "", ""),
    "NV": ("N.V.", "nv", "", ""),
    "VOF": ("V.O.F.", "vof", "v.o.f.", "", ""),
    "Ltd": ("Limited", "LTD", "Ltd.", "ltd", "LIMITED", "", ""),
    "PLC": ("plc", "P.L.C.", "Plc", "", ""),
    "LLP": ("llp", "L.L.P.", "Llp", "", ""),
}

_CALLING_CODES = {"47": "NO", "45": "DK", "31": "NL", "44": "GB"}
_TRUNK = {"NL": "0", "GB": "0"}  # countries where national numbers are written with a leading 0

_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "NO": ("Norway", "Norge", "NO", "NOR", "norway"),
    "DK": ("Denmark", "Danmark", "DK", "DNK"),
    "NL": ("Netherlands", "Nederland", "NL", "Holland"),
    "GB": ("United Kingdom", "UK", "GB", "England"),
}
# How often each variant is used, in the same order as above: the English name is the most common.
_COUNTRY_WEIGHTS = (45, 25, 15, 8, 7)

_KEYBOARD_NEIGHBOURS = {
    "a": "qswz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb",
    "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx", "æ": "øå", "ø": "læ", "å": "pø",
}  # fmt: skip


# Given names as people also write them (hard noise): a short form, a pet form or another spelling.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    # English
    "William": ("Bill", "Will", "Billy"), "Katherine": ("Kate", "Kathy", "Katie"), "Jonathan": ("Jon", "Jonny"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Robert": ("Rob", "Bob", "Bobby"), "Richard": ("Rich", "Dick"),
    "Michael": ("Mike", "Mick"), "Christopher": ("Chris",), "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jamie"),
    "Margaret": ("Maggie", "Peggy"), "Andrew": ("Andy", "Drew"), "Anthony": ("Tony",), "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",), "Nicholas": ("Nick",), "Samantha": ("Sam",), "Alexander": ("Alex", "Sander"),
    "Jennifer": ("Jen", "Jenny"), "Rebecca": ("Becky", "Becca"), "Joseph": ("Joe",), "Edward": ("Ed", "Ted"),
    "Stephen": ("Steve",), "Steven": ("Steve",), "Benjamin": ("Ben",), "Victoria": ("Vicky",),
    "Catherine": ("Cathy", "Kate"), "Susan": ("Sue",), "Patricia": ("Pat", "Trish"), "Deborah": ("Debbie",),
    "Joshua": ("Josh",), "Samuel": ("Sam",), "Timothy": ("Tim",), "Peter": ("Pete",),
    # Norwegian and Danish
    "Kristoffer": ("Christoffer",), "Kristian": ("Christian",), "Håkon": ("Haakon",), "Pål": ("Paal",),
    "Petter": ("Peter",), "Fredrik": ("Frederik", "Fred"), "Jørgen": ("Jørn",), "Karoline": ("Caroline", "Line"),
    "Kristine": ("Stine", "Christine"), "Cathrine": ("Kathrine", "Trine"), "Katrine": ("Trine", "Cathrine"),
    "Elisabeth": ("Lise", "Lisbeth", "Els"), "Margrethe": ("Grete", "Mette"), "Johannes": ("Johan", "Hans"),
    "Thor": ("Tor",), "Tor": ("Thor",), "Nikolaj": ("Nicolai",), "Ingeborg": ("Inge",),
    "Olav": ("Ola",), "Torbjørn": ("Tobben",), "Mathias": ("Matias",), "Karl": ("Carl", "Kalle"),
    # Dutch
    "Willem": ("Wim",), "Cornelis": ("Kees",), "Hendrik": ("Henk",),
    "Catharina": ("Tineke", "Karin"), "Maarten": ("Martin",), "Pieter": ("Piet",), "Johanna": ("Anneke", "Jo"),
    "Sebastiaan": ("Bas",), "Bastiaan": ("Bas",),
}  # fmt: skip


def person_as(world: World, place: str, index: int) -> Person:
    """World person `index` as system entity `place` holds it: the person itself, or in a world with hard noise
    the person as that system happened to be told (each draw independent per system, from a generator of its
    own): a nickname (~30 % of the names that have one), a typo in the first or last name (~10 %), a mistyped
    birth date (~8 %: one digit, or day and month swapped) or none (~15 %), the private e-mail instead of the work
    one (~30 % of employees), the work address (the employer's street, postcode and city) instead of the home one
    (~30 % of employees), and no e-mail (~20 %), phone (~25 %) or mobile (~25 %).
    The systems' own noise comes on top."""
    person = world.person(index)
    if world.noise != "hard":
        return person
    rng = world.rng("hard", place, index)
    r = rng.random
    first, last = person.first_name, person.last_name
    variants = _NICKNAMES.get(first)
    if variants and r() < 0.3:
        first = variants[int(r() * len(variants))]
    x = r()
    if x < 0.05:
        first = typo(rng, first, 1.0)
    elif x < 0.10:
        last = typo(rng, last, 1.0)
    email, street, postcode, city = person.email, person.street, person.postcode, person.city
    if person.employer is not None:
        if r() < 0.3:
            email = world.private_email(person)
        if r() < 0.3:
            employer = world.company(person.employer)
            street, postcode, city = employer.street, employer.postcode, employer.city
    return dataclasses.replace(
        person,
        first_name=first,
        last_name=last,
        email=missing(rng, email, 0.2),
        phone=missing(rng, person.phone, 0.25),
        mobile=missing(rng, person.mobile, 0.25),
        street=street,
        postcode=postcode,
        city=city,
        birth_date=birth_date(rng, person.birth_date),
    )


def birth_date(rng: random.Random, value: date | None) -> date | None:
    """A birth date as typed (hard noise): one digit wrong (~5 %), day and month swapped where both read as a
    month (~3 %), left out (~15 %), else as it is."""
    if value is None:
        return None
    x = rng.random()
    if x < 0.05:
        text = value.isoformat()
        for _ in range(20):  # a digit whose change still gives a date (not 1975-02-30)
            at = (2, 3, 5, 6, 8, 9)[int(rng.random() * 6)]
            typed = f"{text[:at]}{int(rng.random() * 10)}{text[at + 1 :]}"
            try:
                wrong = date.fromisoformat(typed)
            except ValueError:
                continue
            if wrong != value and wrong.year >= 1900:
                return wrong
        return value
    if x < 0.08:
        return value.replace(month=value.day, day=value.month) if value.day <= 12 else value
    if x < 0.23:
        return None
    return value


def company_name(rng: random.Random, company: Company, *, legal_form: bool = True) -> str:
    """Name with legal form, with noise: case (~15 %), doubled spaces (~5 %), suffix variants such as
    AS → A/S, A.S., as, or dropped (~30 %), and a typo (~4 %)."""
    text = company.name
    if legal_form and company.legal_form:
        form = company.legal_form
        if rng.random() < 0.30:
            variants = _LEGAL_FORM_VARIANTS.get(form, (form.upper(), form.lower(), ""))
            form = variants[int(rng.random() * len(variants))]
        if "{name}" in form:
            text = form.format(name=text)  # the form in front: "AS Fjord Consulting"
        elif form:
            text = f"{text} {form}"
    text = _case(rng, text, 0.15)
    if rng.random() < 0.05 and " " in text:
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        at = spaces[int(rng.random() * len(spaces))]
        text = f"{text[:at]} {text[at:]}"
    return typo(rng, text, 0.04)


def person_names(rng: random.Random, person: Person) -> tuple[str, str]:
    """(first, last) with case noise (~10 %) and a typo (~3 %)."""
    first, last = person.first_name, person.last_name
    x = rng.random()
    if x < 0.04:
        first, last = first.upper(), last.upper()
    elif x < 0.07:
        first, last = first.lower(), last.lower()
    elif x < 0.10:
        last = last.upper()  # the surname in capitals, as on forms
    if rng.random() < 0.03:
        if rng.random() < 0.5:
            first = typo(rng, first, 1.0)
        else:
            last = typo(rng, last, 1.0)
    return first, last


def email(rng: random.Random, value: str | None, *, missing: float = 0.1) -> str | None:
    """The address, sometimes in other letter case (~10 %), or None (missing share)."""
    value = _missing(rng, value, missing)
    if value is None:
        return None
    x = rng.random()
    if x < 0.05:
        local, _, domain = value.partition("@")
        # First.Last@domain: capitalised parts of the local part
        return ".".join(part[:1].upper() + part[1:] for part in local.split(".")) + "@" + domain
    if x < 0.08:
        return value.upper()
    if x < 0.10:
        local, _, domain = value.partition("@")
        return f"{local}@{domain.capitalize()}"
    return value


def phone(rng: random.Random, e164: str | None, *, missing: float = 0.1) -> str | None:
    """An E.164 number written one of six ways people write it (+47 22 33 44 55, 22334455, 0047 22334455,
    (+47) 22-33-44-55, +4722334455, 22 33 44 55), or None (missing share)."""
    e164 = _missing(rng, e164, missing)
    if e164 is None:
        return None
    code, national = _split_e164(e164)
    groups = _groups(_CALLING_CODES.get(code, ""), national)
    trunk = _TRUNK.get(_CALLING_CODES.get(code, ""), "")
    x = rng.random()
    if x < 0.25:
        return f"+{code} {' '.join(groups)}"
    if x < 0.45:
        return f"{trunk}{national}"
    if x < 0.55:
        return f"00{code} {national}"
    if x < 0.62:
        return f"(+{code}) {'-'.join(groups)}"
    if x < 0.80:
        return e164
    return f"{trunk}{' '.join(groups)}"


def website(rng: random.Random, domain: str | None, *, missing: float = 0.15) -> str | None:
    """https://www.x.no, www.x.no, x.no or http://x.no/, or None."""
    domain = _missing(rng, domain, missing)
    if domain is None:
        return None
    x = rng.random()
    if x < 0.4:
        return f"https://www.{domain}"
    if x < 0.7:
        return f"www.{domain}"
    if x < 0.85:
        return domain
    return f"http://{domain}/"


def org_number(rng: random.Random, value: str | None, country: str, *, missing: float = 0.15) -> str | None:
    """Registry number as people type it (spaced, with NO prefix / MVA suffix), or None."""
    value = _missing(rng, value, missing)
    if value is None:
        return None
    x = rng.random()
    if country == "NO" and len(value) == 9:
        if x < 0.55:
            return value
        if x < 0.8:
            return f"{value[:3]} {value[3:6]} {value[6:]}"
        if x < 0.9:
            return f"NO {value} MVA"
        return f"NO{value}MVA"
    if country == "DK" and len(value) == 8:
        if x < 0.6:
            return value
        if x < 0.8:
            return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:]}"
        if x < 0.9:
            return f"DK{value}"
        return f"DK {value}"
    if x < 0.75:
        return value
    if x < 0.9:
        return f"{country}{value}"
    return f"{country} {value}"


def country_name(rng: random.Random, iso: str) -> str:
    """A free-text country as users write it: "Norway", "Norge", "NO", "NOR", "norway"."""
    variants = _COUNTRY_NAMES.get(iso)
    if variants is None:
        return iso
    weights = _COUNTRY_WEIGHTS[: len(variants)]
    x = rng.random() * sum(weights)
    for variant, weight in zip(variants, weights, strict=True):
        x -= weight
        if x < 0:
            return variant
    return variants[0]


def typo(rng: random.Random, text: str, share: float) -> str:
    """With probability `share`, delete, swap or substitute one character (never the first)."""
    if rng.random() >= share or len(text) < 2:
        return text
    at = 1 + int(rng.random() * (len(text) - 1))  # 1 .. len - 1
    x = rng.random()
    if x < 0.3:
        return text[:at] + text[at + 1 :]  # delete
    if x < 0.6 and at + 1 < len(text) and text[at] != text[at + 1]:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]  # swap with the next
    old = text[at]
    near = _KEYBOARD_NEIGHBOURS.get(old.lower(), "eaionrst")
    new = near[int(rng.random() * len(near))]
    if new == old.lower():
        new = "e" if old.lower() != "e" else "a"
    if old.isupper():
        new = new.upper()
    return text[:at] + new + text[at + 1 :]  # substitute a neighbouring key


def missing(rng: random.Random, value: str | None, share: float) -> str | None:
    """None with probability `share`, else value."""
    return None if rng.random() < share else value


_missing = missing  # for functions whose keyword argument `missing` shadows the function


def _case(rng: random.Random, text: str, share: float) -> str:
    x = rng.random()
    if x >= share:
        return text
    if x < share * 0.4:
        return text.upper()
    if x < share * 0.7:
        return text.lower()
    return text.title()


def _split_e164(e164: str) -> tuple[str, str]:
    """("47", "22334455") from "+4722334455"; calling codes other than the world's four via libphonenumber."""
    digits = e164.lstrip("+")
    code = digits[:2]
    if code in _CALLING_CODES:
        return code, digits[2:]
    import phonenumbers

    number = phonenumbers.parse(e164)
    return str(number.country_code), phonenumbers.national_significant_number(number)


def _groups(country: str, national: str) -> list[str]:
    """The national number in the groups people write it in."""
    n = national
    if country in ("NO", "DK") and len(n) == 8:
        if country == "NO" and n[0] in "49":
            return [n[:3], n[3:5], n[5:]]  # mobile: 412 34 567
        return [n[:2], n[2:4], n[4:6], n[6:]]
    if country == "NL" and len(n) == 9:
        if n[0] == "6":
            return [n[:1], n[1:]]  # 06 12345678
        return [n[:2], n[2:5], n[5:]]  # 020 123 4567
    if country == "GB" and len(n) == 10:
        if n[0] == "2":
            return [n[:2], n[2:6], n[6:]]  # 020 7946 0958
        if n[0] == "7":
            return [n[:4], n[4:]]  # 07700 900123
        return [n[:3], n[3:6], n[6:]]  # 0161 496 0000
    return [n[i : i + 3] for i in range(0, len(n), 3)]
