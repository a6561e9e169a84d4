"""Real-world noise for seeded records: how the same company or person is written differently per system.

Each function takes the record's own random generator (World.rng) so the noise is deterministic.
"""

from __future__ import annotations

import random

from sandbox.world import Company, Person

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
