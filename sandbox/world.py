"""The generated real world behind the sandbox: companies, people, products, deals and departments.

Every thing is a pure function of (seed, index), so 1M records per entity stream without being held in
memory, and the same seed gives the same world on every machine. Systems project this world into their own
records (sandbox/systems/<system>/seed.py), each with its own noise (sandbox/noise.py); which records are the
same thing is the ground truth the seeding writes to the data dir.
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from hashlib import blake2b
from itertools import accumulate
from operator import mul
from typing import Generic, TypeVar

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
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)


# The world's fixed "now": seeded data lies before it, so it is the same on every machine and every day.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
EPOCH_US = 1_767_225_600_000_000  # EPOCH in microseconds since 1970-01-01T00:00:00Z
_EPOCH_DATE = EPOCH.date()
_TWO_YEARS_US = 730 * 86_400 * 1_000_000
_FAKER_SEED = 20_260_101  # vocabulary pools are the same for every world (and every seed)


# --- small helpers ------------------------------------------------------------------------------------


_T = TypeVar("_T")


def _h64(text: str) -> int:
    """A stable 64-bit hash (Python's hash() of str is salted per process)."""
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


class _Weighted(Generic[_T]):
    """Weighted choice by bisecting cumulative weights: pick(r) with r = rng.random()."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: tuple[tuple[_T, float], ...]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, r: float) -> _T:
        return self.items[bisect_right(self.cum, r * self.total)]


def _pick(rng: random.Random, seq: Sequence[_T]) -> _T:
    """rng.choice, a little faster."""
    return seq[int(rng.random() * len(seq))]


_FOLD = str.maketrans(
    {
        "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ä": "a", "Ä": "A", "ö": "o",
        "Ö": "O", "ü": "u", "Ü": "U", "ß": "ss", "ĳ": "ij", "Ĳ": "Ij", "œ": "oe", "Œ": "Oe",
    }
)  # fmt: skip


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_LOCAL = re.compile(r"[^a-z0-9-]+")


def _ascii(text: str) -> str:
    """Letters folded to ASCII the way people do in domains and addresses: æ→ae, ø→o, å→a, ü→u, é→e."""
    if text.isascii():
        return text
    folded = text.translate(_FOLD)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Fjord Consulting" → "fjordconsulting"."""
    return _NOT_SLUG.sub("", _ascii(text).lower())


@lru_cache(maxsize=1 << 14)
def _local(text: str) -> str:
    """A name as an e-mail local part: "Anne-Marie" → "anne-marie", "van der Berg" → "vanderberg"."""
    return _NOT_LOCAL.sub("", _ascii(text).lower()).strip("-")


# --- countries ----------------------------------------------------------------------------------------

_COUNTRIES = ("NO", "DK", "NL", "GB")
_COUNTRY = _Weighted((("NO", 50), ("DK", 20), ("NL", 15), ("GB", 15)))
_PRODUCT_COUNTRY = _Weighted((("NO", 64), ("DK", 13), ("NL", 11), ("GB", 12)))
_TLD = {"NO": "no", "DK": "dk", "NL": "nl", "GB": "co.uk"}
_CURRENCY = {"NO": "NOK", "DK": "DKK", "NL": "EUR", "GB": "GBP"}
_PER_NOK = {"NO": 1.0, "DK": 1.5, "NL": 11.5, "GB": 13.5}  # NOK per unit of the country's currency
_LOCALES = {"NO": "no_NO", "DK": "da_DK", "NL": "nl_NL", "GB": "en_GB"}  # Faker has no nb_NO

_LEGAL_FORMS = {
    "NO": _Weighted((("AS", 80), ("ASA", 2), ("ENK", 10), ("DA", 3), ("NUF", 5))),
    "DK": _Weighted((("ApS", 60), ("A/S", 30), ("IVS", 10))),
    "NL": _Weighted((("BV", 85), ("NV", 4), ("VOF", 11))),
    "GB": _Weighted((("Ltd", 86), ("PLC", 4), ("LLP", 10))),
}
_MAIN_FORM = {"NO": "AS", "DK": "ApS", "NL": "BV", "GB": "Ltd"}


def _plans(prefixes: str, length: int) -> tuple[tuple[str, int], ...]:
    """E.164 number plans: (prefix of the national significant number, its length), valid per libphonenumber."""
    return tuple((prefix, length) for prefix in prefixes.split())


_LANDLINE = {
    "NO": _plans("21 22 23 24 31 32 33 35 37 38 51 52 53 55 56 57 61 62 63 64 66 67 69 70 71 72 73 74 75 77", 8),
    "DK": _plans("33 35 36 38 39 43 44 45 46 48 49 56 57 58 59 62 63 64 65 66 67 68 69 70 72 73 74 75 76 86 "
                 "87 89 96 97 98 99", 8),
    "NL": _plans("10 13 15 20 23 24 26 30 33 35 36 38 40 43 45 46 50 53 55 58 70 71 72 73 74 75 76 77 78 79", 9),
    "GB": _plans("203 207 208 1414 1512 1614 1912", 10),
}  # fmt: skip
_MOBILE = {
    "NO": _plans("40 41 45 46 47 48 90 91 92 93 94 95 96 97 98 99", 8),
    "DK": _plans("20 21 22 23 24 25 26 27 28 29 30 31 40 41 42 50 51 52 53 60 61 71 81 91 92 93", 8),
    "NL": _plans("61 62 63 64 65 68", 9),
    "GB": _plans("71 73 74 75 77 78 79", 10),
}

_FREEMAIL = {
    "NO": _Weighted((("gmail.com", 45), ("hotmail.com", 20), ("online.no", 12), ("outlook.com", 10),
                     ("live.no", 6), ("yahoo.no", 4), ("icloud.com", 3))),
    "DK": _Weighted((("gmail.com", 45), ("hotmail.com", 20), ("mail.dk", 10), ("outlook.dk", 10),
                     ("yahoo.dk", 5), ("live.dk", 5), ("icloud.com", 5))),
    "NL": _Weighted((("gmail.com", 45), ("hotmail.com", 20), ("ziggo.nl", 10), ("kpnmail.nl", 8),
                     ("outlook.com", 10), ("live.nl", 4), ("icloud.com", 3))),
    "GB": _Weighted((("gmail.com", 40), ("hotmail.co.uk", 18), ("yahoo.co.uk", 10), ("outlook.com", 12),
                     ("btinternet.com", 8), ("icloud.com", 7), ("sky.com", 5))),
}  # fmt: skip
_COMPANY_MAILBOX = {
    "NO": _Weighted((("post", 45), ("firmapost", 12), ("info", 25), ("kontakt", 10), ("faktura", 4),
                     ("mail", 4))),
    "DK": _Weighted((("info", 50), ("kontakt", 15), ("mail", 15), ("post", 12), ("faktura", 8))),
    "NL": _Weighted((("info", 65), ("contact", 12), ("administratie", 10), ("post", 5), ("mail", 8))),
    "GB": _Weighted((("info", 45), ("enquiries", 20), ("hello", 12), ("office", 10), ("accounts", 8),
                     ("sales", 5))),
}  # fmt: skip
_FAMILY_MAILBOX = {
    "NO": ("familien.{last}", "fam.{last}", "{last}familien", "familien{last}"),
    "DK": ("familien.{last}", "fam.{last}", "familien{last}"),
    "NL": ("fam.{last}", "familie{last}", "familie.{last}"),
    "GB": ("the{last}s", "{last}family", "the.{last}.family"),
}

# Accountants' shared mailboxes: well-known firms first, then generated local ones.
_ACCOUNTANTS = {
    "NO": ("accountor.no", "azets.no", "regnskapshuset.no", "aider.no", "okonomihuset.no", "bdo.no"),
    "DK": ("bdo.dk", "beierholm.dk", "ri.dk", "redmark.dk", "inforevision.dk"),
    "NL": ("flynth.nl", "countus.nl", "wijs-accountants.nl", "jong-en-laan.nl", "hlb-nl.nl"),
    "GB": ("azets.co.uk", "mha.co.uk", "ukbookkeeping.co.uk", "hwfisher.co.uk", "taxassist.co.uk"),
}
_ACCOUNTANT_FIRM = {
    "NO": ("{x}regnskap", "regnskapsbyraa-{x}", "{x}-regnskap", "{x}okonomi", "{x}regnskapskontor"),
    "DK": ("{x}revision", "{x}-regnskab", "bogholder-{x}", "{x}regnskabsservice"),
    "NL": ("{x}accountants", "administratiekantoor-{x}", "{x}-administratie", "{x}boekhouding"),
    "GB": ("{x}accountants", "{x}-bookkeeping", "{x}andco", "{x}taxservices"),
}
_ACCOUNTANT_MAILBOX = {
    "NO": ("regnskap", "faktura", "post", "bilag", "lonn"),
    "DK": ("regnskab", "faktura", "bogholderi", "bilag"),
    "NL": ("administratie", "facturen", "boekhouding", "info"),
    "GB": ("accounts", "bookkeeping", "invoices", "payroll"),
}

# --- places -------------------------------------------------------------------------------------------

# Norway and Denmark: (city, first postcode, last postcode, weight).
_NO_CITIES = (
    ("Oslo", 150, 1295, 30), ("Bergen", 5003, 5099, 10), ("Trondheim", 7010, 7099, 8),
    ("Stavanger", 4001, 4099, 7), ("Drammen", 3001, 3048, 4), ("Kristiansand", 4601, 4699, 4),
    ("Tromsø", 9006, 9020, 3), ("Fredrikstad", 1601, 1639, 3), ("Sandnes", 4301, 4329, 3),
    ("Bodø", 8001, 8049, 2), ("Ålesund", 6001, 6030, 2), ("Hamar", 2301, 2322, 2),
    ("Lillehammer", 2601, 2626, 2), ("Tønsberg", 3101, 3128, 2), ("Moss", 1501, 1599, 2),
    ("Sandvika", 1300, 1339, 3), ("Lysaker", 1324, 1327, 1), ("Skien", 3701, 3736, 2),
    ("Haugesund", 5501, 5538, 2), ("Molde", 6401, 6419, 1), ("Gjøvik", 2801, 2822, 1),
    ("Arendal", 4801, 4838, 1), ("Larvik", 3251, 3277, 1), ("Harstad", 9401, 9415, 1),
    ("Porsgrunn", 3901, 3948, 1), ("Jessheim", 2050, 2069, 1), ("Ski", 1400, 1409, 1),
    ("Lillestrøm", 2000, 2027, 2), ("Asker", 1370, 1397, 2), ("Halden", 1751, 1798, 1),
    ("Kongsberg", 3601, 3618, 1), ("Elverum", 2401, 2418, 1), ("Steinkjer", 7701, 7725, 1),
    ("Narvik", 8501, 8520, 1), ("Alta", 9501, 9518, 1), ("Førde", 6800, 6817, 1),
)  # fmt: skip
_DK_CITIES = (
    ("København K", 1050, 1473, 8), ("København V", 1550, 1799, 5), ("København Ø", 2100, 2100, 3),
    ("København N", 2200, 2200, 3), ("København S", 2300, 2300, 2), ("Frederiksberg C", 1800, 1974, 3),
    ("Aarhus C", 8000, 8000, 8), ("Aarhus N", 8200, 8200, 2), ("Odense C", 5000, 5000, 5),
    ("Aalborg", 9000, 9000, 5), ("Esbjerg", 6700, 6700, 3), ("Randers C", 8900, 8900, 2),
    ("Kolding", 6000, 6000, 3), ("Horsens", 8700, 8700, 2), ("Vejle", 7100, 7100, 3),
    ("Roskilde", 4000, 4000, 2), ("Herning", 7400, 7400, 2), ("Silkeborg", 8600, 8600, 2),
    ("Næstved", 4700, 4700, 2), ("Fredericia", 7000, 7000, 1), ("Viborg", 8800, 8800, 1),
    ("Køge", 4600, 4600, 1), ("Holstebro", 7500, 7500, 1), ("Taastrup", 2630, 2630, 1),
    ("Slagelse", 4200, 4200, 1), ("Hillerød", 3400, 3400, 1), ("Glostrup", 2600, 2600, 1),
    ("Hvidovre", 2650, 2650, 1), ("Ballerup", 2750, 2750, 1), ("Kongens Lyngby", 2800, 2800, 2),
)  # fmt: skip
_NL_CITIES = (
    ("Amsterdam", 1011, 1109, 12), ("Rotterdam", 3011, 3089, 9), ("Den Haag", 2491, 2597, 7),
    ("Utrecht", 3511, 3585, 7), ("Eindhoven", 5611, 5658, 5), ("Groningen", 9711, 9747, 3),
    ("Tilburg", 5011, 5049, 3), ("Almere", 1311, 1363, 2), ("Breda", 4811, 4839, 3),
    ("Nijmegen", 6511, 6546, 2), ("Haarlem", 2011, 2037, 2), ("Arnhem", 6811, 6846, 2),
    ("Amersfoort", 3811, 3829, 2), ("Zwolle", 8011, 8043, 2), ("Leiden", 2311, 2334, 2),
    ("Maastricht", 6211, 6229, 2), ("Apeldoorn", 7311, 7339, 1), ("Enschede", 7511, 7548, 1),
    ("'s-Hertogenbosch", 5211, 5237, 2), ("Delft", 2611, 2629, 1), ("Hilversum", 1211, 1223, 1),
    ("Amstelveen", 1181, 1189, 1), ("Zaandam", 1501, 1509, 1), ("Leeuwarden", 8911, 8939, 1),
)  # fmt: skip
# Great Britain: (city, outward codes, weight).
_GB_CITIES = (
    ("London", "EC1A EC1V EC2A EC2M EC3M EC4A WC1A WC1B WC2H WC2N W1D W1F W1K W1T W2 W8 SW1A SW1P SW3 "
               "SW6 SW11 SE1 SE10 E1 E14 E2 N1 N7 NW1 NW3", 30),
    ("Manchester", "M1 M2 M3 M4 M15 M20", 7), ("Birmingham", "B1 B2 B3 B4 B15 B16", 7),
    ("Leeds", "LS1 LS2 LS6 LS11", 4), ("Glasgow", "G1 G2 G3 G12", 4), ("Edinburgh", "EH1 EH2 EH3 EH8", 4),
    ("Bristol", "BS1 BS2 BS8", 4), ("Liverpool", "L1 L2 L3", 3), ("Sheffield", "S1 S2 S10", 3),
    ("Newcastle upon Tyne", "NE1 NE2", 2), ("Cardiff", "CF10 CF11 CF24", 2), ("Belfast", "BT1 BT2 BT7", 2),
    ("Nottingham", "NG1 NG2 NG7", 2), ("Reading", "RG1 RG2", 2), ("Cambridge", "CB1 CB2 CB4", 2),
    ("Oxford", "OX1 OX2 OX4", 2), ("Southampton", "SO14 SO15", 1), ("Brighton", "BN1 BN2", 2),
    ("Leicester", "LE1 LE2", 1), ("Aberdeen", "AB10 AB11", 1), ("York", "YO1 YO10", 1),
    ("Milton Keynes", "MK9 MK10", 1),
)  # fmt: skip
_DISTRICT = re.compile(r" [CKVØNS]$")  # "København K" → "København" in names
_SCOTTISH = frozenset(("Glasgow", "Edinburgh", "Aberdeen"))
_GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_NL_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

# Faker has about a hundred Norwegian and Danish surnames; these widen the pools (company names need it).
_MORE_SURNAMES = {
    "NO": """Aas Aasen Bakke Bakken Berge Bjerke Bjørnstad Brekke Brenna Bø Dahle Eide Eikeland Ellingsen Engen
        Fjeld Fossum Gjerde Grønli Haga Hagen Hauge Haugland Helland Hermansen Holm Hovland Husby Håland Kleppe
        Knutsen Kvalheim Kvam Lie Lien Lunde Mo Moe Myhre Myklebust Nes Nesheim Nygaard Opheim Ramberg Rød
        Rønning Sandvik Skogen Sletten Solberg Solheim Stene Strand Strøm Sæther Tangen Torgersen Tveit Vik Vold
        Våge Øien Aune Dale Dalen Egeland Furu Hammer Helle Hestnes Hovde Kolstad Løvås Malmo Moldestad Mæland
        Nordby Nordli Olaisen Rognes Rustad Sandberg Sandnes Skaar Skjelbred Steinsland Storhaug Tjelta Torp
        Ueland Vatne Vestby Wold Østby Aakre Bratli Dybdahl Fagerli Grimstad Hegdal Korsvik Langeland Lyngstad
        Mørk Nøstvik Rindal Røed Skarstein Stokke Tofte Ulvestad Vassbotn Ødegaard Ørnes Bergstrøm Fure Giske
        Hatlestad Indrebø Jacobsen Kaland Lothe Midtbø Nilsen Otterstad Pettersen Reitan Rossland Sunde Tennfjord
        Underhaug Valland Wiik Ystad""",
    "DK": """Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen
        Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen Mikkelsen
        Frederiksen Olesen Laursen Henriksen Lund Holm Schmidt Eriksen Kristiansen Nissen Clausen Simonsen
        Svendsen Andreasen Iversen Jeppesen Vestergaard Mogensen Jacobsen Nørgaard Lauridsen Bach Dahl Kjær
        Søndergaard Thygesen Brandt Bang Skov Juhl Bertelsen Dam Friis Lindholm Lassen Østergaard Kjeldsen
        Overgaard Bruun Krogh Ravn Buch Winther Toft Holst Schou Kirkegaard Koch Nygaard Riis Lorentzen Bisgaard
        Gregersen Hedegaard Bundgaard Damgaard Lykke Høj Storm Mølgaard Fogh Hald Kruse Bech Esbensen Ebbesen
        Fisker Gade Hjort Kaas Lindberg Mathiesen Munk Nyborg Palm Qvist Rosenberg Steffensen Tang Vinther Wulff
        Aagaard Abildgaard Bonde Dalgaard Eskildsen Fenger Grønbæk Hein Ibsen Jessen Kofoed Lange Markussen Nyholm
        Pallesen Rask Sommer Trolle Ulrich Vilhelmsen Westergaard""",
}

_STREETS = {
    "NO": ("Storgata", "Kirkegata", "Industriveien", "Strandveien", "Parkveien", "Skolegata", "Sjøgata",
           "Havnegata", "Jernbanegata", "Kongens gate", "Dronningens gate", "Drammensveien", "Grensen",
           "Sandakerveien", "Nedre Slottsgate", "Fjordveien", "Nygata", "Torggata", "Bryggen", "Løkkeveien"),
    "DK": ("Vestergade", "Østergade", "Nørregade", "Søndergade", "Hovedgaden", "Industrivej", "Stationsvej",
           "Kirkevej", "Strandvejen", "Algade", "Torvet", "Havnegade", "Skolevej", "Bredgade"),
    "NL": ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Hoofdstraat",
           "Industrieweg", "Nieuwstraat", "Marktplein", "Keizersgracht", "Herengracht", "Prinsengracht",
           "Beursplein", "Coolsingel", "Laan van Meerdervoort", "Julianalaan", "Wilhelminastraat"),
    "GB": ("High Street", "Station Road", "Church Street", "Main Street", "Park Road", "Victoria Road",
           "London Road", "Mill Lane", "Church Lane", "Queen Street", "King Street", "New Road", "Green Lane",
           "Manor Road", "Albert Road", "The Green", "Bridge Street", "Market Street", "Castle Street",
           "North Street", "Commercial Road", "Old Street", "Princes Street"),
}  # fmt: skip

# Regions and place words for names such as "Vestland Elektro" or "Elektro Vest".
_REGIONS = {
    "NO": ("Vest", "Nord", "Sør", "Øst", "Midt", "Vestland", "Sunnmøre", "Romerike", "Nordland", "Agder",
           "Vestfold", "Hadeland", "Jæren", "Helgeland", "Trøndelag", "Østlandet", "Fjord", "Nord-Norge"),
    "DK": ("Nord", "Syd", "Vest", "Øst", "Fyn", "Sjælland", "Nordjysk", "Østjysk", "Midtjysk", "Vestjysk",
           "Amager", "Bornholm", "Nordsjælland", "Trekant"),
    "NL": ("Noord", "Zuid", "West", "Oost", "Randstad", "Brabant", "Limburg", "Friesland", "Gelderland",
           "Twente", "Veluwe", "Zeeland", "Holland", "Delta"),
    "GB": ("North", "South", "West", "East", "Thames", "Pennine", "Cotswold", "Highland", "Midlands",
           "Northern", "Southern", "Yorkshire", "Kent", "Essex", "Cornish", "Anglian", "Albion"),
}  # fmt: skip
_COINED_HEADS = {
    "NO": ("Nord", "Sør", "Vest", "Øst", "Fjord", "Fjell", "Vik", "Berg", "Skog", "Sjø", "Bre", "Lys", "Blå",
           "Grønn", "Polar", "Midt", "Kyst", "Nor", "Smart", "Multi", "Bjørn", "Ørn", "Ulv", "Elg", "Stein",
           "Tind", "Nova", "Aker", "Hav", "Vind"),
    "DK": ("Nord", "Syd", "Vest", "Øst", "Dan", "Skov", "Sø", "Strand", "Hav", "Lys", "Grøn", "Blå", "Smart",
           "Multi", "Bøg", "Eg", "Ravn", "Ørn", "Sol", "Vind", "Kyst", "Nova"),
    "NL": ("Noord", "Zuid", "West", "Oost", "Delta", "Polder", "Dijk", "Tulp", "Molen", "Rijn", "Maas",
           "Zee", "Smart", "Multi", "Oranje", "Duin", "Eik", "Zon", "Wind", "Nova"),
    "GB": ("North", "South", "West", "East", "Thames", "Crown", "Oak", "Bridge", "Castle", "Summit", "Apex",
           "Pinnacle", "Smart", "Multi", "Red", "Blue", "Green", "Silver", "Iron", "Stone", "Nova", "Swift"),
}  # fmt: skip
_COINED_TAILS = {
    "NO": (
        "tek",
        "link",
        "kraft",
        "data",
        "com",
        "nett",
        "form",
        "vekst",
        "plan",
        "lab",
        "sol",
        "verk",
        "partner",
        "service",
        "consult",
        "systems",
        "huset",
        "senteret",
        "kompaniet",
        "gruppen",
        "invest",
        "bygg",
    ),
    "DK": (
        "tek",
        "link",
        "kraft",
        "data",
        "com",
        "net",
        "form",
        "vækst",
        "plan",
        "lab",
        "værk",
        "partner",
        "service",
        "consult",
        "systems",
        "huset",
        "centret",
        "kompagniet",
        "gruppen",
        "invest",
    ),
    "NL": (
        "tech",
        "link",
        "kracht",
        "data",
        "com",
        "net",
        "vorm",
        "groei",
        "plan",
        "lab",
        "werk",
        "partners",
        "service",
        "consult",
        "systems",
        "huis",
        "centrum",
        "groep",
        "invest",
        "bouw",
    ),
    "GB": (
        "tech",
        "link",
        "point",
        "data",
        "com",
        "net",
        "works",
        "field",
        "gate",
        "lab",
        "wise",
        "partners",
        "services",
        "consulting",
        "systems",
        "house",
        "centre",
        "solutions",
        "group",
        "line",
    ),
}
_NAME_ADJECTIVES = {
    "NO": ("Nye", "Moderne", "Total", "Proff", "Din", "Smart", "Rask", "Trygg", "Effektiv", "Norsk", "Lokal"),
    "DK": ("Dansk", "Nordisk", "Total", "Proff", "Hurtig", "Tryg", "Smart", "Moderne", "Lokal"),
    "NL": ("Hollandse", "Snelle", "Totaal", "Pro", "Groene", "Slimme", "Moderne", "Lokale"),
    "GB": ("British", "Premier", "Total", "Pro", "Swift", "Reliable", "Smart", "First Choice", "Modern"),
}
_SONS = {"NO": "& Sønn", "DK": "& Søn", "NL": "& Zn.", "GB": "& Sons"}
_AND = {"NO": ("&", "og"), "DK": ("&", "og"), "NL": ("&", "en"), "GB": ("&", "and")}
_NEAR_DUP = {
    "NO": ("Holding", "Consulting", "Eiendom", "Group", "Invest", "Nord", "Service", "Gruppen"),
    "DK": ("Holding", "Consulting", "Ejendomme", "Group", "Invest", "Nord", "Service"),
    "NL": ("Holding", "Consulting", "Vastgoed", "Groep", "Invest", "Noord", "Beheer"),
    "GB": ("Holdings", "Consulting", "Property", "Group", "Investments", "North", "Services"),
}

# Industries: English label (Company.industry), the words that name such a company in "NO | DK", "NL | GB".
_INDUSTRY_TABLE = (
    ("Construction", "Bygg, Byggservice, Entreprenør, Tømrer | Byg, Entreprise, Tømrer",
     "Bouw, Bouwbedrijf, Aannemers | Construction, Builders, Building"),
    ("Electrical", "Elektro, Elektriker, El | El, El-service, Elektrik",
     "Elektro, Installatietechniek, Elektrotechniek | Electrical, Electrics, Electricians"),
    ("Plumbing", "Rør, Rørleggerservice, VVS | VVS, Blik & Rør",
     "Loodgieters, Installatie, Sanitair | Plumbing, Heating, Plumbing & Heating"),
    ("Accounting", "Regnskap, Regnskapsbyrå, Økonomi | Regnskab, Revision, Bogføring",
     "Administratie, Accountants, Boekhouding | Accounting, Accountants, Bookkeeping"),
    ("Transport", "Transport, Logistikk, Frakt | Transport, Logistik, Fragt",
     "Transport, Logistiek, Expeditie | Logistics, Transport, Freight, Haulage"),
    ("IT services", "IT, Data, Tech, Digital | IT, Data, Tech, Digital",
     "ICT, IT, Tech, Digital | IT, Tech, Digital, Software"),
    ("Consulting", "Consulting, Rådgivning, Konsult | Consulting, Rådgivning",
     "Consultancy, Advies | Consulting, Consultancy, Advisory"),
    ("Wholesale", "Handel, Import, Engros | Handel, Import, Engros",
     "Handel, Groothandel, Import | Trading, Wholesale, Supplies"),
    ("Real estate", "Eiendom, Eiendomsutvikling | Ejendomme, Ejendomsservice",
     "Vastgoed, Makelaardij | Property, Estates, Lettings"),
    ("Machinery", "Maskin, Maskinutleie, Anlegg | Maskiner, Maskinudlejning",
     "Machines, Machinehandel | Machinery, Plant Hire, Engineering"),
    ("Restaurants", "Restaurant, Kafé, Catering | Restaurant, Café, Catering",
     "Restaurant, Eetcafé, Catering | Restaurant, Kitchen, Catering"),
    ("Retail", "Butikk, Interiør, Sport | Butik, Interiør, Sport",
     "Winkel, Interieur, Sport | Stores, Interiors, Sports"),
    ("Marketing", "Reklame, Kommunikasjon, Media | Reklame, Kommunikation, Media",
     "Reclame, Communicatie, Media | Marketing, Media, Communications"),
    ("Healthcare", "Helse, Klinikk, Fysioterapi, Tannlege | Sundhed, Klinik, Fysioterapi, Tandlæge",
     "Zorg, Kliniek, Fysiotherapie, Tandarts | Health, Clinic, Physio, Dental"),
    ("Cleaning", "Renhold, Rengjøring, Vask | Rengøring, Service",
     "Schoonmaak, Facilitair | Cleaning, Cleaning Services, Facilities"),
    ("Legal", "Advokat, Advokatfirma, Juss | Advokat, Advokatfirma",
     "Advocaten, Juristen, Notariaat | Solicitors, Legal, Law"),
    ("Engineering", "Ingeniør, Teknikk, Prosjekt | Ingeniør, Teknik, Projekt",
     "Ingenieurs, Techniek, Engineering | Engineering, Technical, Projects"),
    ("Energy", "Energi, Kraft, Solenergi | Energi, Vind, Sol",
     "Energie, Zonne-energie, Duurzaam | Energy, Power, Solar"),
    ("Agriculture", "Gård, Landbruk, Gartneri | Landbrug, Gartneri, Agro",
     "Agro, Kwekerij, Landbouw | Farms, Agriculture, Nurseries"),
    ("Seafood", "Fisk, Sjømat, Havbruk, Laks | Fisk, Fiskeri, Seafood",
     "Vis, Visserij, Seafood | Seafood, Fisheries, Fish"),
    ("Automotive", "Bil, Bilverksted, Dekk | Auto, Autoværksted, Dæk",
     "Auto, Autobedrijf, Garage | Motors, Garage, Tyres"),
    ("Printing", "Trykk, Trykkeri, Grafisk | Tryk, Trykkeri, Grafisk",
     "Drukkerij, Print, Grafisch | Print, Printing, Graphics"),
    ("Security", "Sikkerhet, Vakt, Alarm | Sikkerhed, Vagt, Alarm",
     "Beveiliging, Security, Alarm | Security, Alarms, Guarding"),
    ("Recruitment", "Bemanning, Rekruttering, Vikar | Bemanding, Rekruttering, Vikar",
     "Uitzendbureau, Werving, Detachering | Recruitment, Staffing, Personnel"),
    ("Architecture", "Arkitekter, Arkitektur, Interiørarkitekt | Arkitekter, Tegnestue",
     "Architecten, Architectuur | Architects, Design, Architecture"),
    ("Education", "Kurs, Kompetanse, Opplæring | Kursus, Uddannelse, Kompetence",
     "Opleidingen, Training, Academie | Training, Academy, Learning"),
    ("Hospitality", "Hotell, Reiser, Turisme | Hotel, Rejser, Turisme",
     "Hotel, Reizen, Toerisme | Hotels, Travel, Tours"),
    ("Manufacturing", "Industri, Produksjon, Mekaniske | Industri, Produktion, Smedie",
     "Industrie, Productie, Metaal | Manufacturing, Industries, Fabrication"),
    ("Investment", "Invest, Kapital, Finans | Invest, Kapital, Finans",
     "Invest, Beheer, Participaties | Capital, Investments, Finance"),
    ("Holding company", "Holding | Holding",
     "Holding, Beheer | Holdings, Group"),
)  # fmt: skip
_INDUSTRIES: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = tuple(
    (
        label,
        {
            country: tuple(word.strip() for word in words.split(","))
            for country, words in zip(_COUNTRIES, f"{nordic} | {other}".split(" | "), strict=True)
        },
    )
    for label, nordic, other in _INDUSTRY_TABLE
)
_INDUSTRY_OF_EXTRA = {
    "Holding": "Holding company", "Holdings": "Holding company", "Beheer": "Holding company",
    "Eiendom": "Real estate", "Ejendomme": "Real estate", "Vastgoed": "Real estate", "Property": "Real estate",
    "Invest": "Investment", "Investments": "Investment", "Consulting": "Consulting",
}  # fmt: skip
_DESCRIPTIONS = {
    "NO": ("{name} er et selskap i {city} innen {what}.", "Vi leverer {what} til bedrifter og privatkunder i "
           "{city} og omegn.", "Lokal leverandør av {what} siden {year}.", "{name} – {what} i hele Norge."),
    "DK": ("{name} er en virksomhed inden for {what} med base i {city}.", "Vi leverer {what} til kunder i "
           "hele Danmark.", "Lokal leverandør af {what} siden {year}."),
    "NL": ("{name} is actief in {what} vanuit {city}.", "Wij leveren {what} aan klanten in heel Nederland.",
           "Specialist in {what} sinds {year}."),
    "GB": ("{name} provides {what} services from {city}.", "Supplying {what} to customers across the UK.",
           "Specialists in {what} since {year}."),
}  # fmt: skip

_JOBS = {
    "NO": ("Daglig leder", "Økonomisjef", "Salgssjef", "Markedssjef", "Regnskapsfører", "Innkjøpsansvarlig",
           "Prosjektleder", "Konsulent", "Selger", "Kundeansvarlig", "IT-sjef", "HR-sjef", "Driftsleder",
           "Avdelingsleder", "Styreleder", "Controller", "Key Account Manager", "Rådgiver", "Seniorrådgiver",
           "Teknisk sjef", "Lagerleder", "Økonomimedarbeider", "Kontormedarbeider", "CEO", "CFO", "CTO"),
    "DK": ("Direktør", "Administrerende direktør", "Økonomichef", "Salgschef", "Marketingchef", "Bogholder",
           "Indkøbschef", "Projektleder", "Konsulent", "Sælger", "Kundeansvarlig", "IT-chef", "HR-chef",
           "Driftsleder", "Afdelingsleder", "Controller", "Key Account Manager", "Regnskabsmedarbejder", "CEO"),
    "NL": ("Directeur", "Algemeen directeur", "Financieel directeur", "Salesmanager", "Marketingmanager",
           "Boekhouder", "Inkoper", "Projectleider", "Consultant", "Accountmanager", "Office manager",
           "IT-manager", "HR-manager", "Bedrijfsleider", "Controller", "Teamleider", "Adviseur", "CEO"),
    "GB": ("Managing Director", "Director", "Finance Director", "Sales Manager", "Marketing Manager",
           "Accountant", "Bookkeeper", "Procurement Manager", "Project Manager", "Consultant", "Account Manager",
           "Office Manager", "IT Manager", "HR Manager", "Operations Manager", "Financial Controller",
           "Head of Sales", "Business Development Manager", "CEO", "CFO"),
}  # fmt: skip

# --- products and deals -------------------------------------------------------------------------------

_PRODUCT_ADJECTIVES = {
    "NO": ("Premium", "Classic", "Pro", "Eco", "Smart", "Basic", "Nordic", "Ergo", "Ultra", "Kompakt", "Solid",
           "Lett", "Robust", "Elite", "Standard", "Komfort"),
    "DK": ("Premium", "Classic", "Pro", "Eco", "Smart", "Basic", "Nordic", "Ergo", "Ultra", "Kompakt", "Solid",
           "Let", "Robust", "Elite", "Standard", "Komfort"),
    "NL": ("Premium", "Classic", "Pro", "Eco", "Smart", "Basic", "Ergo", "Ultra", "Compact", "Solid", "Licht",
           "Robuust", "Elite", "Standaard", "Comfort"),
    "GB": ("Premium", "Classic", "Pro", "Eco", "Smart", "Basic", "Ergo", "Ultra", "Compact", "Solid", "Light",
           "Heavy Duty", "Elite", "Standard", "Comfort"),
}  # fmt: skip
_PRODUCT_THINGS = {
    "NO": ("Kontorstol", "Skrivebord", "Hevesenk", "Hyllesystem", "Skjerm", "Tastatur", "Mus", "Headset",
           "Lampe", "Arkivskap", "Kaffemaskin", "Skriver", "Bærbar PC", "Dokkingstasjon", "Whiteboard",
           "Møtebord", "Konsulenttime", "Serviceavtale", "Programvarelisens", "Opplæringskurs",
           "Vedlikeholdsavtale", "Arbeidshansker", "Verktøykasse", "Drill", "Stige", "Varmepumpe",
           "Vannfilter", "Kopipapir", "Rengjøringsmiddel", "Førstehjelpsskrin"),
    "DK": ("Kontorstol", "Skrivebord", "Hæve-sænkebord", "Reolsystem", "Skærm", "Tastatur", "Mus", "Headset",
           "Lampe", "Arkivskab", "Kaffemaskine", "Printer", "Bærbar", "Dockingstation", "Whiteboard",
           "Mødebord", "Konsulenttime", "Serviceaftale", "Softwarelicens", "Kursus", "Arbejdshandsker",
           "Værktøjskasse", "Boremaskine", "Stige", "Varmepumpe", "Kopipapir"),
    "NL": ("Bureaustoel", "Bureau", "Zit-sta bureau", "Stellingkast", "Monitor", "Toetsenbord", "Muis",
           "Headset", "Lamp", "Archiefkast", "Koffiemachine", "Printer", "Laptop", "Dockingstation",
           "Whiteboard", "Vergadertafel", "Adviesuur", "Servicecontract", "Softwarelicentie", "Training",
           "Werkhandschoenen", "Gereedschapskist", "Boormachine", "Ladder", "Warmtepomp", "Kopieerpapier"),
    "GB": ("Office Chair", "Desk", "Standing Desk", "Shelving Unit", "Monitor", "Keyboard", "Mouse", "Headset",
           "Desk Lamp", "Filing Cabinet", "Coffee Machine", "Printer", "Laptop", "Docking Station",
           "Whiteboard", "Conference Table", "Consulting Hour", "Service Agreement", "Software Licence",
           "Training Course", "Work Gloves", "Tool Kit", "Power Drill", "Ladder", "Heat Pump", "Copy Paper"),
}  # fmt: skip
_PRODUCT_FEATURES = {
    "NO": ("Leveres ferdig montert.", "2 års garanti.", "Passer for kontor og hjemmekontor.",
           "Miljøsertifisert.", "Lagervare – rask levering.", "Inkluderer installasjon.", "Bestillingsvare."),
    "DK": ("Leveres samlet.", "2 års garanti.", "Til kontor og hjemmekontor.", "Miljøcertificeret.",
           "Lagervare – hurtig levering.", "Inkl. installation."),
    "NL": ("Wordt gemonteerd geleverd.", "2 jaar garantie.", "Voor kantoor en thuiswerkplek.",
           "Duurzaam geproduceerd.", "Uit voorraad leverbaar.", "Inclusief installatie."),
    "GB": ("Delivered assembled.", "2-year warranty.", "Suits office and home office.", "Eco certified.",
           "In stock – fast delivery.", "Installation included.", "Made to order."),
}  # fmt: skip
_MODEL_LETTERS = "XSPMKRTGVZ"
_MODEL_NUMBERS = ("100", "200", "300", "500", "700", "900", "1000", "2000", "10", "15", "20", "40", "3", "5", "7")
_VAT_CODES = _Weighted((("25", 82), ("15", 6), ("12", 4), ("0", 8)))
_SKU_SPACE = 2_000_000  # affine bijection over this space keeps every SKU unique
_SKU_STEP = 1_234_567  # coprime with _SKU_SPACE
_SKU_LETTER_STEP = 1_733  # coprime with 26**3

_DEAL_STAGE = _Weighted(
    (("Qualification", 12), ("Needs Analysis", 10), ("Value Proposition", 9), ("Proposal/Price Quote", 11),
     ("Negotiation/Review", 8), ("Closed Won", 28), ("Closed Lost", 22))
)  # fmt: skip
_STAGE_PROBABILITY = {
    "Qualification": 10, "Needs Analysis": 20, "Value Proposition": 40, "Proposal/Price Quote": 60,
    "Negotiation/Review": 80, "Closed Won": 100, "Closed Lost": 0,
}  # fmt: skip
_DEAL_WORDS = {
    "NO": ("Rammeavtale", "Lisenser", "Oppgradering", "Serviceavtale", "Kontorutstyr", "Konsulentbistand",
           "Ny nettside", "Pilotprosjekt", "Utvidelse", "Fornyelse {year}", "Kurs og opplæring", "Innføring"),
    "DK": ("Rammeaftale", "Licenser", "Opgradering", "Serviceaftale", "Kontorudstyr", "Konsulentbistand",
           "Ny hjemmeside", "Pilotprojekt", "Udvidelse", "Fornyelse {year}", "Implementering"),
    "NL": ("Raamovereenkomst", "Licenties", "Upgrade", "Servicecontract", "Kantoorinrichting", "Advies",
           "Nieuwe website", "Pilotproject", "Uitbreiding", "Verlenging {year}", "Implementatie"),
    "GB": ("Framework Agreement", "Licences", "Upgrade", "Service Contract", "Office Equipment", "Consultancy",
           "New Website", "Pilot Project", "Expansion", "Renewal {year}", "Implementation", "Training"),
}  # fmt: skip

# --- departments --------------------------------------------------------------------------------------

_DEPT_CITIES = (
    ("OSL", "Oslo", "NO"), ("BGO", "Bergen", "NO"), ("TRD", "Trondheim", "NO"), ("SVG", "Stavanger", "NO"),
    ("KRS", "Kristiansand", "NO"), ("TOS", "Tromsø", "NO"), ("DRM", "Drammen", "NO"), ("BOO", "Bodø", "NO"),
    ("AES", "Ålesund", "NO"), ("FRE", "Fredrikstad", "NO"), ("CPH", "København", "DK"),
    ("AAR", "Aarhus", "DK"), ("ODE", "Odense", "DK"), ("AAL", "Aalborg", "DK"), ("ESB", "Esbjerg", "DK"),
    ("AMS", "Amsterdam", "NL"), ("RTM", "Rotterdam", "NL"), ("HAG", "Den Haag", "NL"),
    ("UTR", "Utrecht", "NL"), ("EIN", "Eindhoven", "NL"), ("LON", "London", "GB"),
    ("MAN", "Manchester", "GB"), ("BHX", "Birmingham", "GB"), ("EDI", "Edinburgh", "GB"),
    ("GLA", "Glasgow", "GB"), ("LDS", "Leeds", "GB"), ("BRS", "Bristol", "GB"),
)  # fmt: skip
# code, English name, then the local names (NO, DK, NL; GB uses English)
_DEPT_FUNCTIONS = (
    ("SALES", "Sales", {"NO": "Salg", "DK": "Salg", "NL": "Verkoop"}),
    ("SERVICE", "Service", {"NO": "Service", "DK": "Service", "NL": "Service"}),
    ("SUPPORT", "Support", {"NO": "Kundestøtte", "DK": "Kundeservice", "NL": "Klantenservice"}),
    ("FIN", "Finance", {"NO": "Økonomi", "DK": "Økonomi", "NL": "Financiën"}),
    ("MKT", "Marketing", {"NO": "Marked", "DK": "Marketing", "NL": "Marketing"}),
    ("HR", "HR", {"NO": "Personal", "DK": "HR", "NL": "Personeelszaken"}),
    ("IT", "IT", {"NO": "IT", "DK": "IT", "NL": "ICT"}),
    ("OPS", "Operations", {"NO": "Drift", "DK": "Drift", "NL": "Operations"}),
    ("PROC", "Procurement", {"NO": "Innkjøp", "DK": "Indkøb", "NL": "Inkoop"}),
    ("LOG", "Logistics", {"NO": "Lager", "DK": "Lager", "NL": "Logistiek"}),
)
_DEPT_SPACE = len(_DEPT_CITIES) * len(_DEPT_FUNCTIONS)  # 270
_DEPT_STEP = 77  # coprime with _DEPT_SPACE


# --- vocabulary pools (built once per process from Faker, then only picked from) ------------------------


class _Pools:
    """Per country: first and last names, streets, (postcode, city) pairs and job titles."""

    def __init__(self) -> None:
        from faker import Faker  # imported here: only worlds that generate records pay for it

        self.first: dict[str, tuple[str, ...]] = {}
        self.last: dict[str, tuple[str, ...]] = {}
        self.street: dict[str, tuple[str, ...]] = {}
        self.place: dict[str, tuple[tuple[str, str], ...]] = {}
        self.job: dict[str, tuple[str, ...]] = {}
        self.city: dict[str, tuple[str, ...]] = {}  # big cities, for names such as "Bergen Elektro"
        self.town: dict[str, tuple[str, ...]] = {}  # smaller places
        for n, (country, locale) in enumerate(sorted(_LOCALES.items())):
            fake = Faker(locale)
            fake.seed_instance(_FAKER_SEED + n)
            rnd = random.Random(_FAKER_SEED + n)
            self.first[country] = tuple(fake.first_name() for _ in range(2500))
            more = sorted(set(_MORE_SURNAMES.get(country, "").split()))
            self.last[country] = tuple([fake.last_name() for _ in range(2500)] + more * 12)
            faker_streets = [fake.street_name() for _ in range(1200)]
            self.street[country] = tuple(faker_streets + [s for s in _STREETS[country] for _ in range(15)])
            places = self._places(country, rnd)
            extra = len(places) // (9 if country == "GB" else 3)
            people = set(self.first[country]) | set(self.last[country])
            towns: list[tuple[str, str]] = []
            while len(towns) < extra:
                city = fake.city()
                if city in people:  # Faker's Norwegian towns are sometimes just a surname ("Nielsen")
                    continue
                if country == "NL":
                    postcode = self._nl_postcode(rnd, rnd.randrange(1000, 10_000))
                elif country == "GB":
                    postcode = fake.postcode().upper()
                else:
                    postcode = f"{rnd.randrange(1000, 10_000):04d}"
                towns.append((postcode, city))
            places += towns
            self.place[country] = tuple(places)
            big = {_DISTRICT.sub("", city) for _, city in places[: len(places) - extra]}
            self.city[country] = tuple(sorted(big))
            small = {_DISTRICT.sub("", city) for _, city in towns} - big
            # Faker's British towns ("Port Janetchester") are not fit for company names.
            self.town[country] = self.city[country] if country == "GB" else tuple(sorted(small))
            self.job[country] = tuple(list(_JOBS[country]) * 8 + [fake.job() for _ in range(150)])

    @staticmethod
    def _nl_postcode(rnd: random.Random, digits: int) -> str:
        while True:
            letters = rnd.choice(_NL_POSTCODE_LETTERS) + rnd.choice(_NL_POSTCODE_LETTERS)
            if letters not in ("SA", "SD", "SS"):
                return f"{digits} {letters}"

    def _places(self, country: str, rnd: random.Random) -> list[tuple[str, str]]:
        places: list[tuple[str, str]] = []
        if country == "GB":
            for city, outward, weight in _GB_CITIES:
                codes = outward.split()
                for _ in range(weight * 20):
                    inward = f"{rnd.randrange(10)}{rnd.choice(_GB_INWARD_LETTERS)}{rnd.choice(_GB_INWARD_LETTERS)}"
                    places.append((f"{rnd.choice(codes)} {inward}", city))
            return places
        table = {"NO": _NO_CITIES, "DK": _DK_CITIES, "NL": _NL_CITIES}[country]
        for city, low, high, weight in table:
            for _ in range(weight * 20):
                digits = rnd.randint(low, high)
                postcode = self._nl_postcode(rnd, digits) if country == "NL" else f"{digits:04d}"
                places.append((postcode, city))
        return places


_POOLS: _Pools | None = None
# What people and deals need of a company: (rng, country, legal form, industry, name, domain, email, phone).
_Head = tuple[random.Random, str, str, int, str, str | None, str | None, str | None]


def _pools() -> _Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = _Pools()
    return _POOLS


# --- numbers ------------------------------------------------------------------------------------------

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_DK_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)


def _no_org_number(rng: random.Random) -> str:
    """Nine digits, starting 8 or 9, with a valid MOD11 check digit (draws giving check digit 10 are skipped)."""
    while True:
        body = f"{9 if rng.random() < 0.9 else 8}{int(rng.random() * 10_000_000):07d}"
        rest = 11 - sum(map(mul, _NO_WEIGHTS, map(int, body))) % 11
        if rest == 10:
            continue
        return f"{body}{0 if rest == 11 else rest}"


def _dk_cvr(rng: random.Random) -> str:
    """Eight digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11, as real CVR numbers are."""
    while True:
        body = f"{1_000_000 + int(rng.random() * 9_000_000)}"
        check = -sum(map(mul, _DK_WEIGHTS, map(int, body))) % 11
        if check < 10:
            return f"{body}{check}"


def _number(rng: random.Random, plans: tuple[tuple[str, int], ...], code: str) -> str:
    prefix, length = _pick(rng, plans)
    rest = length - len(prefix)
    return f"+{code}{prefix}{int(rng.random() * 10**rest):0{rest}d}"


_CALLING = {"NO": "47", "DK": "45", "NL": "31", "GB": "44"}


def _landline(rng: random.Random, country: str) -> str:
    return _number(rng, _LANDLINE[country], _CALLING[country])


def _mobile(rng: random.Random, country: str) -> str:
    return _number(rng, _MOBILE[country], _CALLING[country])


def _cents(value: float) -> Decimal:
    return Decimal(round(value * 100)).scaleb(-2)


def _street_address(rng: random.Random, country: str, street: str) -> str:
    r = rng.random
    number = 1 + int(r() * r() * 160)
    if country == "GB":
        return f"Unit {1 + int(r() * 20)}, {street}" if r() < 0.08 else f"{number} {street}"
    text = f"{street} {number}"
    if r() < 0.1:
        text += "ABCD"[int(r() * 4)]
    if country == "DK" and r() < 0.15:
        text += f", {1 + int(r() * 5)}. {('th', 'tv', 'mf')[int(r() * 3)]}"
    return text


NOISE_LEVELS = ("plain", "hard")
# Share of persons who live with the person before them (one surname, address and mailbox, another first name):
# the hard world has five times as many households, the negatives a person matcher must not link.
_HOUSEHOLD_SHARE = {"plain": 0.01, "hard": 0.05}


class World:
    """Population sizes follow `records`; every accessor is deterministic in (seed, index).

    `noise` is how differently the systems write one person: "plain" (the default), or "hard" for a matcher's
    test (sandbox/noise.py person_as: nicknames, typos, mistyped birth dates, private vs work e-mail, home vs work
    address, missing e-mails and phones, and more households). The hard draws come from generators of their own,
    so a plain world is the same with or without them."""

    def __init__(self, seed: int, records: int, noise: str = "plain") -> None:
        if noise not in NOISE_LEVELS:
            raise ValueError(f"noise {noise!r}: must be one of {', '.join(NOISE_LEVELS)}")
        self.seed = seed
        self.records = records
        self.noise = noise
        self.companies = max(1, round(records / PRESENCE))
        self.persons = max(1, round(records / PRESENCE))
        self.products = max(1, round(records / PRESENCE))
        self.deals = max(1, round(records / PRESENCE))
        self.departments = max(3, records // 50)

    def rng(self, *parts: object) -> random.Random:
        """A generator for one record's choices, independent of every other record's."""
        return random.Random(_h64(f"{self.seed}:" + ":".join(map(str, parts))))

    def present(self, place: str, index: int, share: float = PRESENCE) -> bool:
        """Whether thing `index` has a record in `place` (e.g. "zohocrm.Accounts"); deterministic."""
        return _h64(f"{self.seed}?{place}:{index}") < share * 18_446_744_073_709_551_616.0

    def times(self, rng: random.Random) -> tuple[int, int]:
        """(created_us, modified_us) of a seeded record: within the two years before the world's epoch."""
        created = EPOCH_US - 1 - min(_TWO_YEARS_US - 1, int(rng.random() * _TWO_YEARS_US))
        if rng.random() < 0.35:
            return created, created  # never edited
        return created, min(EPOCH_US - 1, created + int(rng.random() * (EPOCH_US - created)))

    # --- companies ------------------------------------------------------------------------------------

    def company(self, index: int) -> Company:
        rng, country, legal_form, industry, name, domain, email, phone = self._company_head(index)
        r = rng.random
        if r() < 0.10:
            org_number = None
        elif country == "NO":
            org_number = _no_org_number(rng)
        elif country == "DK":
            org_number = _dk_cvr(rng)
        elif country == "NL":
            org_number = f"{10_000_000 + int(r() * 90_000_000)}"
        else:
            org_number = None  # drawn below, once the city is known (Scottish companies are "SC…")
        pools = self._pools
        street = _street_address(rng, country, _pick(rng, pools.street[country]))
        postcode, city = _pick(rng, pools.place[country])
        if country == "GB" and r() >= 0.10:
            if city in _SCOTTISH:
                org_number = f"SC{int(r() * 1_000_000):06d}"
            elif city == "Belfast":
                org_number = f"NI{int(r() * 1_000_000):06d}"
            else:
                org_number = f"{int(r() * 16_000_000):08d}"
        vat_number = None
        if org_number is not None and r() >= 0.12:
            if country == "NO":
                vat_number = f"NO{org_number}MVA"
            elif country == "DK":
                vat_number = f"DK{org_number}"
            elif country == "NL":
                vat_number = f"NL{100_000_000 + int(r() * 900_000_000)}B01"
            else:
                vat_number = f"GB{100_000_000 + int(r() * 900_000_000)}"
        label, words = _INDUSTRIES[industry]
        what = words["GB"][0] if country == "GB" else words[country][0]
        what = what if what.isupper() else what.lower()
        description = _pick(rng, _DESCRIPTIONS[country]).format(
            name=name, city=city, what=what, year=1950 + int(r() * 74)
        )
        return Company(
            key=f"company:{index:06d}",
            name=name,
            legal_form=legal_form,
            country=country,
            org_number=org_number,
            vat_number=vat_number,
            email=email,
            phone=phone,
            domain=domain,
            street=street,
            postcode=postcode,
            city=city,
            industry=label,
            description=description,
        )

    def _company_base(self, index: int) -> tuple[random.Random, bool, str, str, int, str]:
        """(rng, near-duplicate?, country, legal form, industry, name) before the near-duplicate step."""
        rng = self._rng("company", index)
        r = rng.random
        near_duplicate = r() < 0.03
        country = _COUNTRY.pick(r())
        legal_form = _LEGAL_FORMS[country].pick(r())
        industry = int(r() * len(_INDUSTRIES))
        name = self._company_name(rng, country, legal_form, industry)
        return rng, near_duplicate, country, legal_form, industry, name

    def _company_head(self, index: int) -> _Head:
        """The company's first draws (see _Head); company() draws the rest from the same rng."""
        rng, near_duplicate, country, legal_form, industry, name = self._company_base(index)
        r = rng.random
        if near_duplicate and index > 0:
            # A different company whose name is confusingly like its neighbour's: "Fjord Consulting Holding".
            _, _, country, _, industry, base = self._company_base(index - 1)
            extra = _pick(rng, _NEAR_DUP[country])
            name = f"{base} {extra}"
            legal_form = _MAIN_FORM[country]
            if extra in _INDUSTRY_OF_EXTRA:
                industry = next(n for n, (label, _) in enumerate(_INDUSTRIES) if label == _INDUSTRY_OF_EXTRA[extra])
        slug = _slug(name)
        domain = None
        if slug and r() >= 0.10:
            if r() < 0.12 and " " in name:
                domain = "-".join(filter(None, (_slug(w) for w in name.split()))) + "." + _TLD[country]
            else:
                domain = f"{slug}.{_TLD[country]}"
        x = r()
        if x < 0.015:
            email = self._accountant_mailbox(country, int(r() * max(3, self.companies // 200)))
        elif domain is not None:
            email = None if r() < 0.04 else f"{_COMPANY_MAILBOX[country].pick(r())}@{domain}"
        else:
            email = f"{slug}@{_FREEMAIL[country].pick(r())}" if slug and r() < 0.5 else None
        phone = None
        if r() < 0.88:
            phone = _mobile(rng, country) if r() < 0.15 else _landline(rng, country)
        return rng, country, legal_form, industry, name, domain, email, phone

    def _company_name(self, rng: random.Random, country: str, legal_form: str, industry: int) -> str:
        pools = self._pools
        r = rng.random
        word = _pick(rng, _INDUSTRIES[industry][1][country])
        if legal_form == "ENK" and r() < 0.7:  # a sole proprietorship carries its owner's name
            return f"{_pick(rng, pools.first[country])} {_pick(rng, pools.last[country])} {word}"
        x = r()
        if x < 0.11:
            return f"{_pick(rng, pools.last[country])} {word}"
        if x < 0.27:
            return f"{_pick(rng, pools.first[country])} {_pick(rng, pools.last[country])} {word}"
        if x < 0.39:
            return f"{_pick(rng, pools.last[country])} {word} {self._name_place(rng, country)}"
        if x < 0.49:
            return f"{self._name_place(rng, country)} {word}"
        if x < 0.64:
            coined = _pick(rng, _COINED_HEADS[country]) + _pick(rng, _COINED_TAILS[country])
            return coined if x < 0.515 else f"{coined} {word}"
        if x < 0.74:
            joined = f"{_pick(rng, pools.last[country])} {_pick(rng, _AND[country])} {_pick(rng, pools.last[country])}"
            return joined if r() < 0.4 else f"{joined} {word}"
        if x < 0.7475:
            return f"{_pick(rng, pools.last[country])} {_SONS[country]}"
        if x < 0.84:
            return f"{word} {self._name_place(rng, country)}"
        if x < 0.86:
            return f"{_pick(rng, _NAME_ADJECTIVES[country])} {word}"
        if x < 0.89:
            letters = "".join(_pick(rng, "ABDEFGHJKLMNOPRSTV") for _ in range(2 + (r() < 0.3)))
            return f"{letters} {word}"
        coined = _pick(rng, _COINED_HEADS[country]) + _pick(rng, _COINED_TAILS[country])
        return f"{coined} {word} {self._name_place(rng, country)}"

    def _name_place(self, rng: random.Random, country: str) -> str:
        """A place as it appears in company names: a big city, a small town or a region."""
        x = rng.random()
        if x < 0.45:
            return _pick(rng, self._pools.city[country])
        if x < 0.75:
            return _pick(rng, self._pools.town[country])
        return _pick(rng, _REGIONS[country])

    def _accountant_mailbox(self, country: str, number: int) -> str:
        """One of a small pool of accountants' mailboxes that many client companies give as their e-mail."""
        rng = self._rng("accountant", country, number)
        known = _ACCOUNTANTS[country]
        if rng.random() < 0.3:
            domain = _pick(rng, known)
        else:
            stem = _slug(_pick(rng, self._pools.last[country]))
            domain = _pick(rng, _ACCOUNTANT_FIRM[country]).format(x=stem) + "." + _TLD[country]
        return f"{_pick(rng, _ACCOUNTANT_MAILBOX[country])}@{domain}"

    # --- people ---------------------------------------------------------------------------------------

    def person(self, index: int) -> Person:
        rng, employer, head, country, first, last, street, postcode, city = self._person_core(index)
        r = rng.random
        # A family mailbox: person index shares it with index - 1, and the family lives at one address.
        family_mailbox = None
        if index > 0 and self._family(index):
            root = index - 1
            while root > 0 and self._family(root) and index - root < 20:
                root -= 1
            _, _, _, country, _, last, street, postcode, city = self._person_core(root)
            family_mailbox = self._family_mailbox(root, country, last)
        elif index + 1 < self.persons and self._family(index + 1):
            family_mailbox = self._family_mailbox(index, country, last)
        title = None if employer is None else _pick(rng, self._pools.job[country])
        company_domain = head[5] if head is not None else None
        if family_mailbox is not None:
            email: str | None = family_mailbox
        elif company_domain is not None and r() < 0.92:
            email = f"{self._work_local(rng, first, last)}@{company_domain}"
        else:
            email = f"{self._private_local(rng, first, last)}@{_FREEMAIL[country].pick(r())}"
        if family_mailbox is None and r() < 0.08:
            email = None
        mobile = _mobile(rng, country) if r() < 0.85 else None
        x = r()
        if head is not None:
            phone = head[7] if x < 0.25 else (_landline(rng, country) if x < 0.5 else None)
        else:
            phone = _landline(rng, country) if x < 0.2 else None
        birth_date = None
        if r() < 0.6:
            birth_date = date(1940, 1, 1) + timedelta(days=int(r() * 23_741))  # up to 2004-12-31
        return Person(
            key=f"person:{index:06d}",
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            mobile=mobile,
            title=title,
            employer=employer,
            street=street,
            postcode=postcode,
            city=city,
            country=country,
            birth_date=birth_date,
        )

    def _person_start(self, index: int) -> tuple[random.Random, int | None]:
        """The person's rng and employer: the first draws, cheap enough for deals to look up contacts."""
        rng = self._rng("person", index)
        if rng.random() < 0.25:
            return rng, None  # a private customer
        return rng, int(rng.random() * self.companies)

    def _person_core(self, index: int) -> tuple:
        """(rng, employer, employer's head, country, first, last, street, postcode, city)."""
        rng, employer = self._person_start(index)
        r = rng.random
        head = None if employer is None else self._company_head(employer)
        x = r()
        country = head[1] if head is not None and x < 0.9 else _COUNTRY.pick(r())
        pools = self._pools
        first = _pick(rng, pools.first[country])
        last = _pick(rng, pools.last[country])
        street = _street_address(rng, country, _pick(rng, pools.street[country]))
        postcode, city = _pick(rng, pools.place[country])
        return rng, employer, head, country, first, last, street, postcode, city

    def _family(self, index: int) -> bool:
        """Whether person index shares a mailbox with person index - 1."""
        return self.present("@family", index, _HOUSEHOLD_SHARE[self.noise])

    def private_email(self, person: Person) -> str:
        """The person's own private address (a freemail one), the same in every system: what an employee gives
        a system instead of the work address (hard noise)."""
        rng = self._rng("private-email", person.key)
        local = self._private_local(rng, person.first_name, person.last_name)
        return f"{local}@{_FREEMAIL[person.country].pick(rng.random())}"

    def _family_mailbox(self, root: int, country: str, last: str) -> str:
        rng = self._rng("family", root)
        local = _pick(rng, _FAMILY_MAILBOX[country]).format(last=_local(last))
        if rng.random() < 0.3:
            local += f"{int(rng.random() * 100):02d}"
        return f"{local}@{_FREEMAIL[country].pick(rng.random())}"

    @staticmethod
    def _work_local(rng: random.Random, first: str, last: str) -> str:
        f, s = _local(first), _local(last)
        x = rng.random()
        if x < 0.7:
            return f"{f}.{s}"
        if x < 0.8:
            return f
        if x < 0.9:
            return f"{f[:1]}{s}"
        return f"{f}{s[:1]}"

    @staticmethod
    def _private_local(rng: random.Random, first: str, last: str) -> str:
        f, s = _local(first), _local(last)
        x = rng.random()
        if x < 0.35:
            return f"{f}{s}{int(rng.random() * 100):02d}"
        if x < 0.65:
            return f"{f}.{s}" if rng.random() < 0.5 else f"{f}.{s}{1950 + int(rng.random() * 56)}"
        if x < 0.75:
            return f"{f}_{s}"
        if x < 0.9:
            return f"{f[:1]}{s}{40 + int(rng.random() * 60)}"
        return f"{f}{1 + int(rng.random() * 999)}"

    # --- products, deals, departments -----------------------------------------------------------------

    def product(self, index: int) -> Product:
        rng = self._rng("product", index)
        r = rng.random
        country = _PRODUCT_COUNTRY.pick(r())
        adjective = _pick(rng, _PRODUCT_ADJECTIVES[country])
        thing = _pick(rng, _PRODUCT_THINGS[country])
        x = r()
        if x < 0.45:
            model = f" {_pick(rng, _MODEL_LETTERS)}{_pick(rng, _MODEL_NUMBERS)}"
        elif x < 0.6:
            model = f" {_pick(rng, ('Pro', 'Max', 'Mini', 'Plus', 'Lite'))} {_pick(rng, _MODEL_NUMBERS)}"
        elif x < 0.7:
            model = f" {2015 + int(r() * 11)}"
        else:
            model = ""
        name = f"{adjective} {thing}{model}"
        description = f"{name}. {_pick(rng, _PRODUCT_FEATURES[country])}"
        price = 10 * 5000 ** r()  # 10 .. 50 000, log-uniform
        x = r()
        if x < 0.4:
            price = float(round(price))
        elif x < 0.6:
            price = max(10.0, round(price) - 0.01)  # 199.99 pricing
        price_d = _cents(price)
        cost_d = _cents(price * (0.3 + 0.6 * r()))
        if cost_d >= price_d:
            cost_d = price_d - Decimal("0.01")
        return Product(
            key=f"product:{index:06d}",
            sku=self._sku(index),
            name=name,
            description=description,
            price=price_d,
            cost_price=cost_d,
            currency=_CURRENCY[country],
            vat_code=_VAT_CODES.pick(r()),
        )

    def _sku(self, index: int) -> str:
        """Unique per index (a bijection over 2M numbers), in one of two styles: SKU-123456 or KLM-0427."""
        n = (index * _SKU_STEP + self._sku_offset) % _SKU_SPACE
        if n < 1_000_000:
            return f"SKU-{n:06d}"
        n -= 1_000_000
        code = (n // 10_000 * _SKU_LETTER_STEP + self._sku_offset) % 17_576
        letters = chr(65 + code // 676) + chr(65 + code // 26 % 26) + chr(65 + code % 26)
        return f"{letters}-{n % 10_000:04d}"

    def deal(self, index: int) -> Deal:
        rng = self._rng("deal", index)
        r = rng.random
        contact = None
        company = -1
        if r() < 0.75:  # a contact first, then their employer: two tries find an employee 15 times in 16
            for _ in range(2):
                candidate = int(r() * self.persons)
                _, employer = self._person_start(candidate)
                if employer is not None:
                    company, contact = employer, candidate
                    break
        if company < 0:
            company = int(r() * self.companies)
        _, country, _, _, company_name, _, _, _ = self._company_head(company)
        stage = _DEAL_STAGE.pick(r())
        probability = _STAGE_PROBABILITY[stage]
        if 0 < probability < 100 and r() < 0.2:
            probability = min(90, max(10, probability + (10 if r() < 0.5 else -10)))
        if stage.startswith("Closed"):
            closing = _EPOCH_DATE - timedelta(days=1 + int(r() * 365))
        else:
            closing = _EPOCH_DATE + timedelta(days=int(r() * 455) - 90)
        nok = 5_000 * 400 ** r()  # 5 000 .. 2 000 000 NOK, log-uniform
        amount = nok / _PER_NOK[country]
        step = 100 if amount >= 10_000 else 10
        amount_d = _cents(max(step, round(amount / step) * step)) if r() < 0.8 else _cents(amount)
        what = _pick(rng, _DEAL_WORDS[country]).format(year=closing.year)
        return Deal(
            key=f"deal:{index:06d}",
            title=f"{company_name} – {what}",
            company=company,
            contact=contact,
            amount=amount_d,
            currency=_CURRENCY[country],
            stage=stage,
            probability=probability,
            closing_date=closing,
        )

    def department(self, index: int) -> Department:
        """Each index is its own (city, function) pair, in a seed-dependent order; "-2", "-3"… when reused."""
        rnd, position = divmod(index, _DEPT_SPACE)
        n = (position * _DEPT_STEP + self._dept_offset) % _DEPT_SPACE
        code3, city, country = _DEPT_CITIES[n // len(_DEPT_FUNCTIONS)]
        fcode, english, local = _DEPT_FUNCTIONS[n % len(_DEPT_FUNCTIONS)]
        rng = self._rng("department", index)
        function = english if country == "GB" or rng.random() < 0.5 else local[country]
        code, name = f"{code3}-{fcode}", f"{function} {city}"
        if rnd:
            code, name = f"{code}-{rnd + 1}", f"{name} {rnd + 1}"
        return Department(key=f"department:{index:06d}", code=code, name=name)

    # --- internals ------------------------------------------------------------------------------------

    def _rng(self, kind: str, *parts: object) -> random.Random:
        """The world's own generators ("@" keeps them apart from the systems' rng(place, index))."""
        if len(parts) == 1:
            return random.Random(_h64(f"{self.seed}:@{kind}:{parts[0]}"))
        return random.Random(_h64(f"{self.seed}:@{kind}:" + ":".join(map(str, parts))))

    @cached_property
    def _pools(self) -> _Pools:
        return _pools()

    @cached_property
    def _sku_offset(self) -> int:
        return _h64(f"{self.seed}:@sku") % _SKU_SPACE

    @cached_property
    def _dept_offset(self) -> int:
        return _h64(f"{self.seed}:@departments") % _DEPT_SPACE
