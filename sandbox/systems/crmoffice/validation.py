"""Request bodies to stored records, or the errors an ASP.NET Core [ApiController] would report for them.

Two stages as in ASP.NET: JSON conversion first (wrong types, unknown members; only the first problem is
reported, because System.Text.Json stops there, keyed by its JSON path "$.field"), then the field rules of the
model (every broken rule, keyed by the field's path "postAddress.postCode", with DataAnnotations wording).
"""

from __future__ import annotations

from typing import Any

from sandbox.fields import Field, FieldError, check
from sandbox.systems.crmoffice.schema import SERVER_FIELDS, Entity, ObjectType, valid_org_nr

Errors = dict[str, list[str]]
UNMAPPED = "The JSON property '{name}' could not be mapped to any .NET member contained in type '{type}'."


def to_record(entity: Entity, body: Any) -> tuple[dict[str, Any], Errors]:
    """The full record a POST or PUT stores (absent fields become null: PUT replaces), or the errors."""
    if not isinstance(body, dict):
        return {}, {"$": [f"The JSON value could not be converted to {entity.type_name}. Path: $."]}
    problem = _conversion_problem(entity, body)
    if problem:
        return {}, problem
    values = {name: body.get(name) for name in entity.fields}
    errors: Errors = {}
    _add(errors, "", check(values, entity.fields, creating=True), entity.fields)
    for name, kind in entity.objects.items():
        member_values = values[name]
        if member_values is None:
            continue
        _add(errors, f"{name}.", check(member_values, kind.fields, creating=True), kind.fields)
        # A reference stores only the id; everything else about the target is read from it when rendered.
        members = ("id",) if name in entity.references else tuple(kind.fields)
        values[name] = {m: member_values.get(m) for m in members}
    org_nr = values.get("orgNr")
    if org_nr and "orgNr" not in errors and not valid_org_nr(org_nr):
        errors["orgNr"] = [
            "The field orgNr must be a Norwegian organisation number: 9 digits with a valid check digit."
        ]
    return values, errors


def _conversion_problem(entity: Entity, body: dict[str, Any]) -> Errors:
    for name, value in body.items():
        if name in SERVER_FIELDS:
            continue
        if name not in entity.fields:
            return _unmapped(name, name, entity.type_name)
        if value is None:
            continue
        kind = entity.objects.get(name)
        if kind is None:
            if not isinstance(value, str):
                return _unconvertible(name, "System.String")
            continue
        if not isinstance(value, dict):
            return _unconvertible(name, kind.type_name)
        problem = _member_problem(name, kind, value)
        if problem:
            return problem
    return {}


def _member_problem(parent: str, kind: ObjectType, value: dict[str, Any]) -> Errors:
    for name, member in value.items():
        path = f"{parent}.{name}"
        if name not in kind.fields:
            return _unmapped(path, name, kind.type_name)
        if member is not None and not isinstance(member, str):
            return _unconvertible(path, "System.String")
    return {}


def _unmapped(path: str, name: str, type_name: str) -> Errors:
    return {f"$.{path}": [UNMAPPED.format(name=name, type=type_name)]}


def _unconvertible(path: str, type_name: str) -> Errors:
    return {f"$.{path}": [f"The JSON value could not be converted to {type_name}. Path: $.{path}."]}


def _add(errors: Errors, prefix: str, found: list[FieldError], fields: dict[str, Field]) -> None:
    for error in found:
        path = prefix + error.field
        errors.setdefault(path, []).append(_message(path, error, fields[error.field]))


def _message(path: str, error: FieldError, rule: Field) -> str:
    """DataAnnotations' wording for the rule broken."""
    if error.code == "required":
        return f"The {path} field is required."
    if error.code == "too_long":
        return f"The field {path} must be a string with a maximum length of {rule.max_len}."
    if rule.kind == "email":
        return f"The {path} field is not a valid e-mail address."
    if rule.kind == "phone":
        return f"The {path} field is not a valid phone number."
    if rule.kind == "url":
        return f"The {path} field is not a valid URL."
    return error.message
