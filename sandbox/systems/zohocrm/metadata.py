"""The metadata API Zoho's SDKs read before any record call: `settings/modules` and `settings/fields?module=`.

Rendered from the module rules in schema.py, in the shapes of Zoho's v8 Modules and Fields Metadata APIs (only
the members clients read: api names, labels, data and JSON types, lengths, mandatory, read-only, lookups,
picklist values)."""

from __future__ import annotations

from typing import Any

from sandbox.fields import Field
from sandbox.systems.zohocrm.schema import MODULES, USER, Module

# Field kind -> (Zoho data_type, json_type); a text longer than a single line is a textarea.
TYPES = {
    "text": ("text", "string"),
    "email": ("email", "string"),
    "phone": ("phone", "string"),
    "url": ("website", "string"),
    "int": ("integer", "integer"),
    "decimal": ("currency", "double"),
    "date": ("date", "string"),
    "choice": ("picklist", "string"),
    "any": ("lookup", "jsonobject"),
}
SINGLE_LINE = 255
# The fields every module has beside its own: owner and audit, set by the server.
META = {
    "Owner": ("ownerlookup", "jsonobject", False),
    "Created_By": ("ownerlookup", "jsonobject", True),
    "Modified_By": ("ownerlookup", "jsonobject", True),
    "Created_Time": ("datetime", "string", True),
    "Modified_Time": ("datetime", "string", True),
}


def modules() -> dict[str, Any]:
    """GET /settings/modules: the modules the API serves."""
    return {"modules": [_module(m) for m in MODULES.values()]}


def fields(module: Module) -> dict[str, Any]:
    """GET /settings/fields?module=: every field of the module."""
    own = [*module.fields.items(), *((name, Field("text", read_only=True)) for name in module.computed)]
    rendered = [_field(module, i, name, rule) for i, (name, rule) in enumerate(own)]
    rendered += [_meta(module, len(own) + i, name, *kind) for i, (name, kind) in enumerate(META.items())]
    return {"fields": rendered}


def _module(module: Module) -> dict[str, Any]:
    return {
        "id": module.api_id,
        "api_name": module.name,
        "module_name": module.name,
        "plural_label": module.name,
        "singular_label": module.name[:-1],
        "generated_type": "default",
        "api_supported": True,
        "creatable": True,
        "editable": True,
        "deletable": True,
        "viewable": True,
        "visibility": 1,
        "status": "visible",
        "modified_time": None,
        "modified_by": None,
    }


def _base(module: Module, index: int, name: str, data_type: str, json_type: str) -> dict[str, Any]:
    return {
        "id": str(int(module.api_id) + 1_000 + index),
        "api_name": name,
        "field_label": name.replace("_", " "),
        "display_label": name.replace("_", " "),
        "data_type": data_type,
        "json_type": json_type,
        "custom_field": False,
        "visible": True,
        "system_mandatory": False,
        "read_only": False,
        "field_read_only": False,
        "length": None,
        "lookup": {},
        "pick_list_values": [],
    }


def _field(module: Module, index: int, name: str, rule: Field) -> dict[str, Any]:
    data_type, json_type = TYPES[rule.kind]
    if data_type == "text" and (rule.max_len or 0) > SINGLE_LINE:
        data_type = "textarea"
    field = _base(module, index, name, data_type, json_type)
    field |= {"system_mandatory": rule.required, "read_only": rule.read_only, "length": rule.max_len}
    if name in module.lookups:
        target = MODULES[module.lookups[name]]
        field["lookup"] = {"module": {"api_name": target.name, "id": target.api_id}, "display_label": target.name}
    if rule.choices:
        field["pick_list_values"] = [
            {"display_value": choice, "actual_value": choice, "sequence_number": n + 1}
            for n, choice in enumerate(rule.choices)
        ]
    return field


def _meta(module: Module, index: int, name: str, data_type: str, json_type: str, read_only: bool) -> dict[str, Any]:
    field = _base(module, index, name, data_type, json_type)
    field |= {"read_only": read_only, "field_read_only": read_only}
    if data_type == "ownerlookup":
        field["lookup"] = {"module": {"api_name": "users", "id": USER["id"]}}
    return field
