"""PowerOffice v2 DTOs: case-insensitive binding, validation into ProblemDetails errors, defaults, rendering."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sandbox.fields import EMAIL, check
from sandbox.store import Record
from sandbox.systems.poweroffice.schema import (
    ADDRESS,
    ADDRESS_POST,
    ADDRESS_SERVER,
    CUSTOMERS,
    DEFAULT_COUNTRY,
    Entity,
)
from sandbox.timefmt import iso_us

# ProblemDetails "errors": field (dotted for MailAddress) -> messages.
Errors = dict[str, list[str]]
MAX_CC_ADDRESSES = 10
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def bind(body: dict[str, Any], entity: Entity) -> dict[str, Any]:
    """The body with keys in the DTO's spelling: ASP.NET binds JSON property names case-insensitively."""
    doc = _rename(body, entity.dto_fields)
    address = doc.get("MailAddress")
    if entity is CUSTOMERS and isinstance(address, dict):
        doc["MailAddress"] = _rename(address, (*ADDRESS, *ADDRESS_SERVER))
    return doc


def _rename(body: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    spelling = {name.lower(): name for name in names}
    return {spelling.get(key.lower(), key): value for key, value in body.items()}


def validate(entity: Entity, doc: dict[str, Any], *, creating: bool) -> Errors:
    """Every rule the document breaks that needs no other record (uniqueness and references are the API's)."""
    errors: Errors = {}
    _server_fields(doc, entity.server, "", errors)
    for error in check(doc, entity.fields, creating=creating, unknown="reject", skip=frozenset(entity.server)):
        errors.setdefault(error.field, []).append(error.message)
    for name, rule in entity.fields.items():
        value = doc.get(name)
        if rule.kind == "int" and isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            errors.setdefault(name, []).append(f"{name} is outside the range of a 64-bit integer.")
    if entity is CUSTOMERS:
        _customer_rules(doc, creating, errors)
    return errors


def _server_fields(doc: dict[str, Any], names: Iterable[str], prefix: str, errors: Errors) -> None:
    for name in names:
        if name in doc:
            errors.setdefault(prefix + name, []).append(f"{name} is set by the server and cannot be written.")


def _customer_rules(doc: dict[str, Any], creating: bool, errors: Errors) -> None:
    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if doc.get("IsPerson") is True:
        for name in ("FirstName", "LastName"):
            if _blank(doc.get(name)):
                add(name, f"{name} is required when IsPerson is true.")
    elif _blank(doc.get("Name")):
        add("Name", "Name is required when IsPerson is false.")
    address = doc.get("MailAddress")
    if isinstance(address, dict):
        _server_fields(address, ADDRESS_SERVER, "MailAddress.", errors)
        rules = ADDRESS_POST if creating else ADDRESS
        for error in check(address, rules, creating=creating, unknown="reject", skip=frozenset(ADDRESS_SERVER)):
            add(f"MailAddress.{error.field}", error.message)
    cc = doc.get("InvoiceEmailAddressCC")
    if isinstance(cc, str) and cc.strip():
        addresses = [a.strip() for a in re.split(r"[;,]", cc) if a.strip()]
        if len(addresses) > MAX_CC_ADDRESSES:
            add("InvoiceEmailAddressCC", f"At most {MAX_CC_ADDRESSES} e-mail addresses, got {len(addresses)}.")
        for bad in [a for a in addresses if not EMAIL.match(a)]:
            add("InvoiceEmailAddressCC", f"'{bad}' is not a valid e-mail address.")
    groups = doc.get("ContactGroupIds")
    if isinstance(groups, list) and not all(isinstance(g, int) and not isinstance(g, bool) for g in groups):
        add("ContactGroupIds", "ContactGroupIds must be a list of integer ids.")
    number = doc.get("Number")
    if not creating and number is None:
        add("Number", "Number cannot be emptied.")
    if isinstance(number, int) and number <= 0:
        add("Number", "Number must be a positive customer number.")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def complete(entity: Entity, doc: dict[str, Any]) -> dict[str, Any]:
    """The stored body: every writable field present, with the server's defaults and derived values."""
    data = {name: doc.get(name) for name in entity.fields}
    if entity is not CUSTOMERS:
        data["IsActive"] = data["IsActive"] is not False
        return data
    data["IsPerson"] = data["IsPerson"] is True
    data["IsArchived"] = data["IsArchived"] is True
    data["ContactGroupIds"] = data["ContactGroupIds"] or []
    if data["IsPerson"]:
        # A person's Name is their full name; PowerOffice shows persons by it.
        data["Name"] = f"{data['FirstName'].strip()} {data['LastName'].strip()}"
    address = data["MailAddress"]
    if isinstance(address, dict):
        data["MailAddress"] = {
            **{name: address.get(name) for name in (*ADDRESS_SERVER, *ADDRESS)},
            "CountryCode": address.get("CountryCode") or DEFAULT_COUNTRY,
        }
    return data


def editable(entity: Entity, data: dict[str, Any]) -> dict[str, Any]:
    """The stored body as a client may patch it: without the address's server fields."""
    doc = dict(data)
    address = doc.get("MailAddress")
    if entity is CUSTOMERS and isinstance(address, dict):
        doc["MailAddress"] = {k: v for k, v in address.items() if k not in ADDRESS_SERVER}
    return doc


def render(entity: Entity, record: Record) -> dict[str, Any]:
    data = record.data
    created = iso_us(record.created_us)
    dto: dict[str, Any] = {"Id": int(record.id), **data}
    if entity is CUSTOMERS:
        dto["IsActive"] = not data["IsArchived"]
        dto["CustomerCreatedDateTimeOffset"] = dto["ContactCreatedDateTimeOffset"] = created
        if dto["NationalIdNumber"]:
            dto["NationalIdNumber"] = "hidden"  # the API never reads a national id number back
    else:
        dto["CreatedDateTimeOffset"] = created
    changed = record.modified_us
    dto["LastChangedDateTimeOffset"] = created if changed == record.created_us else iso_us(changed)
    return dto
