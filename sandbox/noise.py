"""Real-world noise for seeded records: how the same company or person is written differently per system.

Each function takes the record's own random generator (World.rng) so the noise is deterministic.
"""

from __future__ import annotations

import random

from sandbox.world import Company, Person


def company_name(rng: random.Random, company: Company, *, legal_form: bool = True) -> str:
    """Name with legal form, with noise: case (~15 %), doubled spaces (~5 %), suffix variants such as
    AS → A/S, A.S., as, or dropped (~30 %), and a typo (~4 %)."""
    raise NotImplementedError


def person_names(rng: random.Random, person: Person) -> tuple[str, str]:
    """(first, last) with case noise (~10 %) and a typo (~3 %)."""
    raise NotImplementedError


def email(rng: random.Random, value: str | None, *, missing: float = 0.1) -> str | None:
    """The address, sometimes in other letter case (~10 %), or None (missing share)."""
    raise NotImplementedError


def phone(rng: random.Random, e164: str | None, *, missing: float = 0.1) -> str | None:
    """An E.164 number written one of six ways people write it (+47 22 33 44 55, 22334455, 0047 22334455,
    (+47) 22-33-44-55, +4722334455, 22 33 44 55), or None (missing share)."""
    raise NotImplementedError


def website(rng: random.Random, domain: str | None, *, missing: float = 0.15) -> str | None:
    """https://www.x.no, www.x.no, x.no or http://x.no/, or None."""
    raise NotImplementedError


def org_number(rng: random.Random, value: str | None, country: str, *, missing: float = 0.15) -> str | None:
    """Registry number as people type it (spaced, with NO prefix / MVA suffix), or None."""
    raise NotImplementedError


def country_name(rng: random.Random, iso: str) -> str:
    """A free-text country as users write it: "Norway", "Norge", "NO", "NOR", "norway"."""
    raise NotImplementedError


def typo(rng: random.Random, text: str, share: float) -> str:
    """With probability `share`, delete, swap or substitute one character (never the first)."""
    raise NotImplementedError


def missing(rng: random.Random, value: str | None, share: float) -> str | None:
    """None with probability `share`, else value."""
    raise NotImplementedError
