"""The generated real world behind the sandbox: companies, people, products, deals and departments.

Every thing is a pure function of (seed, index), so 1M records per entity stream without being held in
memory, and the same seed gives the same world on every machine. Systems project this world into their own
records (sandbox/systems/<system>/seed.py), each with its own noise (sandbox/noise.py); which records are the
same thing is the ground truth the seeding writes to the data dir.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# How much of a population one system entity holds: with population = records / PRESENCE, a system gets
# about `records` rows, and two systems share about PRESENCE² of the population.
PRESENCE = 0.7


@dataclass(frozen=True, slots=True)
class Company:
    key: str  # stable real-world identity, e.g. "company:000123"
    name: str  # trading name without legal form, e.g. "Fjord Consulting"
    legal_form: str  # "AS", "ASA", "ApS", "A/S", "BV", "Ltd", ...: fits the country
    country: str  # ISO 3166-1 alpha-2: NO, DK, NL, GB
    org_number: str | None  # registry number, digits only (NO: 9 digits with a valid MOD11 check digit)
    vat_number: str | None  # as written in that country, e.g. NO123456789MVA, DK12345678, NL123456789B01
    email: str | None  # lower case; may be a mailbox several companies share (accountants, post@)
    phone: str | None  # E.164
    domain: str | None  # e.g. "fjordconsulting.no"
    street: str
    postcode: str
    city: str
    industry: str
    description: str


@dataclass(frozen=True, slots=True)
class Person:
    key: str  # e.g. "person:000042"
    first_name: str
    last_name: str
    email: str | None  # lower case; two people may share one (a family mailbox)
    phone: str | None  # E.164
    mobile: str | None  # E.164
    title: str | None  # job title; None for private persons
    employer: int | None  # index of the Company the person works for; None for a private customer
    street: str
    postcode: str
    city: str
    country: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class Product:
    key: str  # e.g. "product:000007"
    sku: str
    name: str
    description: str
    price: Decimal  # two decimals
    cost_price: Decimal
    currency: str  # ISO 4217
    vat_code: str  # e.g. "25", "15", "0"


@dataclass(frozen=True, slots=True)
class Deal:
    key: str  # e.g. "deal:000099"
    title: str
    company: int  # Company index
    contact: int | None  # Person index (an employee of the company) or None
    amount: Decimal
    currency: str
    stage: str  # one of DEAL_STAGES
    probability: int  # 0..100, consistent with the stage
    closing_date: date


@dataclass(frozen=True, slots=True)
class Department:
    key: str  # e.g. "department:003"
    code: str  # short code, unique, e.g. "OSL-SALES"
    name: str  # e.g. "Sales Oslo"


DEAL_STAGES = (
    "Qualification", "Needs Analysis", "Value Proposition", "Proposal/Price Quote", "Negotiation/Review",
    "Closed Won", "Closed Lost",
)


class World:
    """Population sizes follow `records`; every accessor is deterministic in (seed, index)."""

    def __init__(self, seed: int, records: int) -> None:
        self.seed = seed
        self.records = records
        self.companies = max(1, round(records / PRESENCE))
        self.persons = max(1, round(records / PRESENCE))
        self.products = max(1, round(records / PRESENCE))
        self.deals = max(1, records)
        self.departments = max(3, records // 50)

    def rng(self, *parts: object) -> random.Random:
        """A generator for one record's choices, independent of every other record's."""
        raise NotImplementedError

    def present(self, place: str, index: int, share: float = PRESENCE) -> bool:
        """Whether thing `index` has a record in `place` (e.g. "zohocrm.Accounts"); deterministic."""
        raise NotImplementedError

    def times(self, rng: random.Random) -> tuple[int, int]:
        """(created_us, modified_us) of a seeded record: within the two years before the world's epoch."""
        raise NotImplementedError

    def company(self, index: int) -> Company:
        raise NotImplementedError

    def person(self, index: int) -> Person:
        raise NotImplementedError

    def product(self, index: int) -> Product:
        raise NotImplementedError

    def deal(self, index: int) -> Deal:
        raise NotImplementedError

    def department(self, index: int) -> Department:
        raise NotImplementedError
