"""Zoho CRM modules and field rules (spec section 1): API names, lengths, mandatory, unique and lookup fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.fields import Field
from sandbox.world import DEAL_STAGES

# The one CRM user of the sandbox org: owner, creator and modifier of every record.
USER = {"name": "Sandbox Admin", "id": "4876876000900000001", "email": "admin@sandbox.zohocrm.test"}
# Deals' Pipeline when a write gives none (the org has only Zoho's standard pipeline).
STANDARD_PIPELINE = "Standard (Standard)"
# Zoho's default stage -> probability (%) mapping, applied when a write sets Stage without Probability.
STAGE_PROBABILITY = {
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 40,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
}
# Record fields the server sets; a write may send them (clients echo records back) and they are ignored.
SERVER_FIELDS = frozenset({"Created_Time", "Modified_Time", "Created_By", "Modified_By"})
# Fields every module renders from the record's metadata rather than its body.
META_FIELDS = ("id", "Owner", "Created_By", "Modified_By", "Created_Time", "Modified_Time")
# Zoho's names for field kinds in INVALID_DATA's expected_data_type.
DATA_TYPES = {
    "text": "text",
    "email": "email",
    "phone": "phone",
    "url": "website",
    "int": "integer",
    "decimal": "currency",
    "date": "date",
    "choice": "picklist",
    "any": "lookup",
}

TEXT = 255  # Zoho's single-line maximum, used where the spec gives no field-specific length
TEXTAREA = 32_000


def _text(max_len: int = TEXT, *, required: bool = False) -> Field:
    return Field("text", max_len=max_len, required=required)


def _address(prefix: str, code: str) -> dict[str, Field]:
    return {
        f"{prefix}_Street": _text(250),
        f"{prefix}_City": _text(100),
        f"{prefix}_State": _text(),
        f"{prefix}_{code}": _text(30),
        f"{prefix}_Country": _text(),
    }


def _full_name(data: dict[str, Any]) -> str | None:
    name = " ".join(part for part in (data.get("First_Name"), data.get("Last_Name")) if part)
    return name or None


def _complete_deal(data: dict[str, Any], written: dict[str, Any]) -> None:
    """What Zoho fills in on a deal write: the standard pipeline, and the stage's probability when a write
    moves the stage without giving one."""
    if not data.get("Pipeline"):
        data["Pipeline"] = STANDARD_PIPELINE
    if "Stage" in written and "Probability" not in written:
        data["Probability"] = STAGE_PROBABILITY.get(data["Stage"])


def _complete_nothing(data: dict[str, Any], written: dict[str, Any]) -> None:
    """Modules whose writes store exactly what was sent."""


@dataclass(frozen=True)
class Module:
    name: str
    id_base: int  # record ids are id_base + a per-module number: 19-digit numeric strings
    api_id: str  # the module's own id (DUPLICATE_DATA names it)
    fields: dict[str, Field]
    display: Callable[[dict[str, Any]], str | None]  # the name lookups and the deleted feed show
    lookups: dict[str, str] = field(default_factory=dict)  # lookup field -> module it points to
    unique: tuple[str, ...] = ()  # system-unique fields (case-insensitive): DUPLICATE_DATA on a clash
    duplicate_check: tuple[str, ...] = ()  # upsert's default duplicate check fields
    computed: dict[str, Callable[[dict[str, Any]], Any]] = field(default_factory=dict)  # read-only fields
    # Server-side defaults applied to (stored body, written fields) on every write.
    complete: Callable[[dict[str, Any], dict[str, Any]], None] = _complete_nothing

    def record_id(self, number: int) -> str:
        return str(self.id_base + number)

    def readable(self) -> frozenset[str]:
        """Field API names a list call may ask for."""
        return frozenset(META_FIELDS) | self.fields.keys() | self.computed.keys()


ACCOUNTS = Module(
    name="Accounts",
    id_base=4_876_876_000_000_000_000,
    api_id="4876876000000002175",
    fields={
        "Account_Name": _text(200, required=True),
        "Phone": Field("phone", max_len=30),
        "Website": Field("url", max_len=255),
        "Fax": Field("phone", max_len=30),
        "Industry": _text(120),
        **_address("Billing", "Code"),
        **_address("Shipping", "Code"),
        "Description": _text(TEXTAREA),
        "Account_Number": _text(40),
    },
    display=lambda data: data.get("Account_Name"),
    unique=("Account_Name",),
    duplicate_check=("Account_Name",),
)

CONTACTS = Module(
    name="Contacts",
    id_base=4_876_876_000_100_000_000,
    api_id="4876876000000002179",
    fields={
        "First_Name": _text(40),
        "Last_Name": _text(80, required=True),
        "Email": Field("email", max_len=100),
        "Secondary_Email": Field("email", max_len=100),
        "Phone": Field("phone", max_len=30),
        "Mobile": Field("phone", max_len=30),
        "Other_Phone": Field("phone", max_len=30),
        "Home_Phone": Field("phone", max_len=30),
        "Title": _text(100),
        **_address("Mailing", "Zip"),
        **_address("Other", "Zip"),
        "Account_Name": Field("any"),
        "Date_of_Birth": Field("date"),
    },
    display=_full_name,
    lookups={"Account_Name": "Accounts"},
    unique=("Email",),
    duplicate_check=("Email",),
    computed={"Full_Name": _full_name},
)

DEALS = Module(
    name="Deals",
    id_base=4_876_876_000_200_000_000,
    api_id="4876876000000002181",
    fields={
        "Deal_Name": _text(120, required=True),
        "Stage": Field("choice", required=True, choices=DEAL_STAGES),
        "Pipeline": _text(),
        "Amount": Field("decimal"),
        "Closing_Date": Field("date"),
        "Probability": Field("int"),
        "Account_Name": Field("any"),
        "Contact_Name": Field("any"),
    },
    display=lambda data: data.get("Deal_Name"),
    lookups={"Account_Name": "Accounts", "Contact_Name": "Contacts"},
    duplicate_check=("Deal_Name",),
    complete=_complete_deal,
)

MODULES: dict[str, Module] = {m.name: m for m in (ACCOUNTS, CONTACTS, DEALS)}
