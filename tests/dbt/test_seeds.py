"""The mapping seeds agree with the dataflow documents and with the staging models they name."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

# Document 003's property lists, in its order: (flow, source property, target property).
DOCUMENTED = [
    (9, "MailAddress.City", "Billing_City"),
    (9, "MailAddress.City", "Shipping_City"),
    (9, "MailAddress.CountryCode", "Billing_Country"),
    (9, "MailAddress.CountryCode", "Shipping_Country"),
    (9, "MailAddress.ZipCode", "Billing_Code"),
    (9, "MailAddress.ZipCode", "Shipping_Code"),
    (9, "Name", "Account_Name"),
    (9, "PhoneNumber", "Phone"),
    (9, "WebsiteUrl", "Website"),
    (10, "Name", "Account_Name"),
    (11, "EmailAddress", "Email"),
    (11, "EmailAddress", "Secondary_Email"),
    (11, "FirstName", "First_Name"),
    (11, "LastName", "Last_Name"),
    (11, "MailAddress.City", "Mailing_City"),
    (11, "MailAddress.City", "Other_City"),
    (11, "MailAddress.CountryCode", "Mailing_Country"),
    (11, "MailAddress.CountryCode", "Other_Country"),
    (11, "MailAddress.ZipCode", "Mailing_Zip"),
    (11, "MailAddress.ZipCode", "Other_Zip"),
    (11, "PhoneNumber", "Other_Phone"),
    (11, "PhoneNumber", "Phone"),
]


def rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def staging_columns() -> dict[str, list[str]]:
    """Model name → its documented columns, from models/staging/*/_*__models.yml."""
    models: dict[str, list[str]] = {}
    for path in (ROOT / "models" / "staging").glob("*/_*__models.yml"):
        spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for model in spec["models"]:
            models[model["name"]] = [c["name"] for c in model.get("columns", [])]
    return models


@pytest.fixture(scope="module")
def flows() -> dict[int, dict[str, str]]:
    return {int(r["flow_id"]): r for r in rows("flows.csv")}


@pytest.fixture(scope="module")
def mappings() -> list[dict[str, str]]:
    return rows("field_mappings.csv")


def test_the_fourteen_flows_with_products_into_companies_and_contacts_switched_off(flows: dict) -> None:
    assert sorted(flows) == list(range(1, 15))
    assert {i for i, f in flows.items() if f["enabled"] == "false"} == {8, 14}
    assert all(f["disabled_reason"] for f in flows.values() if f["enabled"] == "false")
    assert [f["document"] for _, f in sorted(flows.items())] == ["000"] * 3 + ["001"] * 3 + ["002"] * 2 + [
        "003"
    ] * 3 + ["004"] * 3
    assert (flows[9]["source_filter"], flows[11]["source_filter"]) == ("not is_person", "is_person")
    assert flows[3]["match_rule"] == "none", "deals become orders: created and linked, never matched"


def test_documented_rows_are_exactly_document_003s(mappings: list[dict[str, str]]) -> None:
    documented = [
        (int(m["flow_id"]), m["source_field"], m["target_field"]) for m in mappings if m["origin"] == "documented"
    ]
    assert documented == DOCUMENTED
    assert all(m["target_type"] == "string" for m in mappings if m["origin"] == "documented")


def test_every_other_flow_has_the_projects_own_mapping(flows: dict, mappings: list[dict[str, str]]) -> None:
    project = Counter(int(m["flow_id"]) for m in mappings if m["origin"] == "project")
    assert set(flows) - {9, 10, 11} <= set(project)
    assert {m["origin"] for m in mappings} == {"documented", "project"}


def test_the_first_listed_target_of_a_source_field_is_read_back(mappings: list[dict[str, str]]) -> None:
    seen: set[tuple[str, str]] = set()
    for m in mappings:
        key = (m["flow_id"], m["source_field"])
        assert m["read_back"] == ("false" if key in seen else "true"), m
        seen.add(key)


def test_mapped_columns_exist_in_the_staging_models(flows: dict, mappings: list[dict[str, str]]) -> None:
    models = staging_columns()
    for m in mappings:
        flow = flows[int(m["flow_id"])]
        source = f"stg_{flow['source_system']}__{flow['source_entity']}"
        target = f"stg_{flow['target_system']}__{flow['target_entity']}"
        assert m["source_column"] in models[source], (m["flow_id"], source, m["source_column"])
        assert m["target_column"] in models[target], (m["flow_id"], target, m["target_column"])
    for flow in flows.values():
        if flow["source_filter"]:
            assert flow["source_filter"].split()[-1] in models[f"stg_{flow['source_system']}__{flow['source_entity']}"]


def test_a_target_field_is_written_by_one_source_field(mappings: list[dict[str, str]]) -> None:
    targets = Counter((m["flow_id"], m["target_field"]) for m in mappings)
    assert [t for t, n in targets.items() if n > 1] == []


def test_references_translate_through_a_flow_between_the_same_two_systems(
    flows: dict, mappings: list[dict[str, str]]
) -> None:
    references = [m for m in mappings if m["target_type"] == "reference"]
    assert references
    for m in references:
        flow, via = flows[int(m["flow_id"])], flows[int(m["reference_flow_id"])]
        assert (via["source_system"], via["target_system"]) == (flow["source_system"], flow["target_system"]), m
    assert all(not m["reference_flow_id"] for m in mappings if m["target_type"] != "reference")


def test_link_overrides_ship_empty() -> None:
    assert rows("link_overrides.csv") == []


def test_country_codes_cover_the_variants_the_crms_hold() -> None:
    codes = {r["name"].lower(): r["iso_code"] for r in rows("country_codes.csv")}
    for name, iso in {
        "norway": "NO", "norge": "NO", "nor": "NO", "no": "NO",
        "denmark": "DK", "danmark": "DK", "dnk": "DK",
        "netherlands": "NL", "nederland": "NL", "holland": "NL",
        "united kingdom": "GB", "uk": "GB", "england": "GB", "gb": "GB",
    }.items():  # fmt: skip
        assert codes[name] == iso
    assert all(len(iso) == 2 and iso.isupper() for iso in codes.values())
