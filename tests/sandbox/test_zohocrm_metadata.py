"""Zoho CRM emulator: the metadata endpoints Zoho's SDKs call before any record call (`settings/modules`,
`settings/fields?module=`), in the v8 shapes, with the same auth as the record endpoints."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.systems.zohocrm.schema import MODULES
from tests.helpers.sandbox import RunningSandbox
from tests.sandbox.test_zohocrm_contract import SYSTEM, _client


def fields_of(zoho: httpx.Client, module: str) -> dict[str, dict[str, Any]]:
    answer = zoho.get("/settings/fields", params={"module": module})
    assert answer.status_code == 200, answer.text
    return {f["api_name"]: f for f in answer.json()["fields"]}


def test_modules_lists_the_api_supported_modules(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as zoho:
        answer = zoho.get("/settings/modules")
    assert answer.status_code == 200
    modules = {m["api_name"]: m for m in answer.json()["modules"]}
    assert set(modules) == set(MODULES)
    for name, module in modules.items():
        assert module["id"] == MODULES[name].api_id
        assert module["api_supported"] is True and module["generated_type"] == "default"
        assert module["module_name"] == name and module["plural_label"] and module["singular_label"]


def test_fields_describe_every_field_with_its_type_length_and_lookup(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as zoho:
        accounts, contacts, deals = (fields_of(zoho, module) for module in ("Accounts", "Contacts", "Deals"))
    assert set(MODULES["Accounts"].fields) <= set(accounts)
    name = accounts["Account_Name"]
    assert (name["data_type"], name["json_type"], name["length"], name["system_mandatory"]) == (
        "text",
        "string",
        200,
        True,
    )
    assert accounts["Website"]["data_type"] == "website" and accounts["Description"]["data_type"] == "textarea"
    assert accounts["Modified_Time"]["data_type"] == "datetime" and accounts["Modified_Time"]["read_only"] is True
    assert accounts["Owner"]["data_type"] == "ownerlookup"
    lookup = contacts["Account_Name"]
    assert lookup["data_type"] == "lookup" and lookup["lookup"]["module"]["api_name"] == "Accounts"
    assert contacts["Full_Name"]["read_only"] is True
    assert deals["Probability"]["data_type"] == "integer" and deals["Amount"]["data_type"] == "currency"
    assert deals["Stage"]["pick_list_values"][0]["actual_value"] == "Qualification"
    assert len({f["id"] for f in accounts.values()}) == len(accounts), "field ids are unique"


def test_fields_refuse_a_missing_or_unknown_module_and_a_missing_token(sandbox: RunningSandbox) -> None:
    with _client(sandbox) as zoho:
        missing = zoho.get("/settings/fields")
        unknown = zoho.get("/settings/fields", params={"module": "Leads"})
    assert (missing.status_code, missing.json()["code"]) == (400, "REQUIRED_PARAM_MISSING")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "INVALID_MODULE")
    anonymous = httpx.get(sandbox.url(SYSTEM, "/crm/v8/settings/modules"))
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "AUTHENTICATION_FAILURE")
