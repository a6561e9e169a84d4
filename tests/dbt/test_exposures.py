"""The exposures declare what reads the warehouse: a push per system the writers know, reading the plan, and the
analysts' link tables, one per flow in seeds/flows.csv; every model they name exists."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import yaml

from reverse_etl.writers import WRITERS

ROOT = Path(__file__).resolve().parents[2]
REF = re.compile(r"^ref\('([a-z0-9_]+)'\)$")


def exposures() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "models").rglob("*.yml")):
        for exposure in (yaml.safe_load(path.read_text()) or {}).get("exposures") or []:
            assert exposure["name"] not in found, f"{exposure['name']} is declared twice"
            found[exposure["name"]] = exposure
    return found


def refs(exposure: dict[str, Any]) -> set[str]:
    names = set()
    for dependency in exposure["depends_on"]:
        match = REF.match(dependency)
        assert match, f"{exposure['name']}: {dependency!r} is not a ref('...')"
        names.add(match[1])
    return names


def test_every_system_the_push_writes_to_has_an_application_exposure_on_the_plan() -> None:
    declared = exposures()
    for system in WRITERS:
        push = declared[f"push_to_{system}"]
        assert push["type"] == "application" and refs(push) == {"sync_plan"}


def test_the_analysts_exposure_lists_the_link_table_of_every_flow() -> None:
    flows = {row["flow_name"] for row in csv.DictReader((ROOT / "seeds" / "flows.csv").open())}
    links = {name for name in refs(exposures()["record_links"]) if name.startswith("link_") and name != "link_review"}
    assert links == {f"link_{flow}" for flow in flows}


def test_every_model_an_exposure_names_exists() -> None:
    models = {p.stem for p in (ROOT / "models").rglob("*.sql")} | {p.stem for p in (ROOT / "seeds").glob("*.csv")}
    for exposure in exposures().values():
        assert exposure["owner"]["name"]
        assert refs(exposure) <= models, f"{exposure['name']} names models that do not exist"
