"""Custom CRM's checks of a written item beyond the shared field rules: real ISO codes, strict dates,
decimals that survive the trip to a JSON number, and no empty strings in coded fields."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sandbox.fields import Field, check
from sandbox.systems.customcrm.codes import COUNTRIES, CURRENCIES

# The shared date rule takes every ISO form Python does (20240115, 2024-W03-1); the contract says yyyy-MM-dd.
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CODE_LISTS = {
    "country": (COUNTRIES, "an ISO 3166-1 alpha-2 code such as NO"),
    "currency": (CURRENCIES, "an ISO 4217 code such as NOK"),
}
CODED = {"country", "currency", "choice", "date"}


def problem(values: dict[str, Any], fields: dict[str, Field], *, creating: bool) -> tuple[str, str] | None:
    """(field, message) of the first rule the item breaks, or None."""
    errors = check(values, fields, creating=creating, unknown="reject")
    if errors:
        return errors[0].field, errors[0].message
    for name, value in values.items():
        rule = fields[name]
        if value is None:
            continue
        if rule.kind == "decimal":
            message = _decimal_problem(value)
        elif rule.kind in CODED:
            message = _coded_problem(rule, value)
        else:
            continue
        if message:
            return name, f"{name} {message}"
    return None


def stored(values: dict[str, Any], fields: dict[str, Field]) -> dict[str, Any]:
    """The item as stored: decimals (sent as numbers or numeric strings) become JSON numbers."""
    return {
        name: float(Decimal(str(value))) if fields[name].kind == "decimal" and value is not None else value
        for name, value in values.items()
    }


def _decimal_problem(value: Any) -> str | None:
    number = Decimal(str(value))  # the shared rule has refused what is not a number at all
    # Stored and served as a JSON number (a double): refuse what would come back as a different number.
    if not number.is_finite() or Decimal(repr(float(number))) != number:
        return "must be a finite number a JSON double holds exactly (at most 15 significant digits)"
    return None


def _coded_problem(rule: Field, value: str) -> str | None:
    if value == "":
        return "must not be empty (send null to clear it)"
    if rule.kind == "date" and not DATE.fullmatch(value):
        return "must be a date (yyyy-MM-dd)"
    if rule.kind in CODE_LISTS:
        codes, what = CODE_LISTS[rule.kind]
        if value not in codes:
            return f"must be {what}, got {value!r}"
    return None
