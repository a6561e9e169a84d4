"""Field rules the emulated APIs enforce on writes: required, types, max lengths, e-mail and phone formats.

Each emulator declares its entities' fields with these rules and turns the resulting FieldErrors into its own
API's error shape (Zoho INVALID_DATA, PowerOffice ProblemDetails, Custom CRM per-item errors, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal[
    "text",
    "email",
    "phone",
    "url",
    "int",
    "decimal",
    "bool",
    "date",
    "country",
    "currency",
    "choice",
    "object",
    "list",
    "any",
]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Real CRMs accept the usual ways people write numbers: +47 22 33 44 55, (+47) 22-33-44-55, 0047.22.33.44.55.
PHONE = re.compile(r"^\+?[0-9 ()+\-./]{3,30}$")
URL = re.compile(r"^(https?://)?[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)
COUNTRY = re.compile(r"^[A-Z]{2}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Field:
    kind: Kind = "text"
    max_len: int | None = None
    required: bool = False
    read_only: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: Literal["required", "too_long", "invalid", "read_only", "unknown"]
    message: str


def check(
    record: Mapping[str, Any],
    fields: Mapping[str, Field],
    *,
    creating: bool,
    unknown: Literal["reject", "ignore"] = "ignore",
    skip: frozenset[str] = frozenset(),
) -> list[FieldError]:
    """Every rule the record breaks. On update only the fields present are checked for required-ness."""
    errors: list[FieldError] = []
    for name, rule in fields.items():
        if name in skip:
            continue
        present = name in record
        value = record.get(name)
        if rule.required and (creating or present) and _empty(value):
            errors.append(FieldError(name, "required", f"{name} is required"))
            continue
        if not present or value is None:
            continue
        if rule.read_only:
            errors.append(FieldError(name, "read_only", f"{name} is read-only"))
            continue
        problem = _kind_problem(rule, value)
        if problem:
            errors.append(FieldError(name, "invalid", f"{name} {problem}"))
            continue
        if rule.max_len is not None and isinstance(value, str) and len(value) > rule.max_len:
            errors.append(
                FieldError(name, "too_long", f"{name} is {len(value)} characters, the maximum is {rule.max_len}")
            )
    if unknown == "reject":
        for name in record:
            if name not in fields and name not in skip:
                errors.append(FieldError(name, "unknown", f"{name} is not a field of this entity"))
    return errors


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kind_problem(rule: Field, value: Any) -> str | None:
    kind = rule.kind
    if kind == "any":
        return None
    if kind == "object":
        return None if isinstance(value, dict) else "must be an object"
    if kind == "list":
        return None if isinstance(value, list) else "must be a list"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "int":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be an integer"
    if kind == "decimal":
        if isinstance(value, bool):
            return "must be a number"
        try:
            Decimal(str(value))
        except InvalidOperation:
            return "must be a number"
        return None
    if not isinstance(value, str):
        return "must be a string"
    if kind == "text" or value == "":
        return None
    if kind == "email":
        return None if EMAIL.fullmatch(value) else "is not a valid e-mail address"
    if kind == "phone":
        return None if PHONE.fullmatch(value) and any(c.isdigit() for c in value) else "is not a valid phone number"
    if kind == "url":
        return None if URL.fullmatch(value) else "is not a valid URL"
    if kind == "country":
        return None if COUNTRY.fullmatch(value) else "must be an ISO 3166-1 alpha-2 code"
    if kind == "currency":
        return None if CURRENCY.fullmatch(value) else "must be an ISO 4217 code"
    if kind == "choice":
        return None if value in rule.choices else f"must be one of {', '.join(rule.choices)}"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "must be a date (yyyy-MM-dd)"
        return None
    raise AssertionError(f"unhandled field kind {kind}")
