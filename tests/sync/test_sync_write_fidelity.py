"""Never make a CRM's data worse, and a blank is not a clear: whole syncs against the sandbox over real HTTP.

A seeded world synced to agreement: no mapped field of any record holds a worse form of what it held before (case
lost, country code lost, legal form or words dropped, fewer digits, another identifier kind), and none was only
restyled. Then a Zoho account's billing city is set to four spaces and a Custom CRM contact's first name to
invisible characters: the next sync holds both clears (listed in sync_held_clears, counted in the summary), every
other system keeps the value, and a sync after that sends nothing. Every round of the three syncs says where its
time went (waiting on the APIs, our own work).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from benchmarks.write_fidelity import WORSE, classify
from connectors.config import SYSTEMS
from ingest.entities import entities_of
from tests.sync.conftest import ROOT, SyncWorld, sync_world

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
RECORDS = 30
SEED = 11

Snapshot = dict[tuple[str, str, str, str], str]  # (system, table, record id, field path) → value


def mapped_fields() -> dict[tuple[str, str, str], str]:
    """(system, raw table, field path) → compare_as, for both sides of every mapping row (seeds/*.csv)."""
    with (ROOT / "seeds" / "flows.csv").open(encoding="utf-8") as f:
        flows = {row["flow_id"]: row for row in csv.DictReader(f)}
    out = {}
    with (ROOT / "seeds" / "field_mappings.csv").open(encoding="utf-8") as f:
        for m in csv.DictReader(f):
            flow = flows[m["flow_id"]]
            out[(flow["source_system"], flow["source_entity"], m["source_field"])] = m["compare_as"]
            out[(flow["target_system"], flow["target_entity"], m["target_field"])] = m["compare_as"]
    return out


def value_at(record: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None  # type: ignore[assignment]
    return record


def snapshot(world: SyncWorld, fields: dict[tuple[str, str, str], str]) -> Snapshot:
    """Every mapped text value every system holds, through its own API."""
    out: Snapshot = {}
    for system in SYSTEMS:
        with world.client(system) as c:
            for entity in entities_of(system):
                paths = [f for (s, t, f) in fields if s == system and t == entity.table]
                for page in c.pages(entity.path):
                    for record in page:
                        for path in paths:
                            value = value_at(record, path)
                            if isinstance(value, str) and value.strip():
                                out[(system, entity.table, str(record[entity.primary_key]), path)] = value
    return out


@dataclass
class Fidelity:
    world: SyncWorld
    before: Snapshot
    after: Snapshot
    fields: dict[tuple[str, str, str], str]
    cleared: dict[str, str] = field(default_factory=dict)  # system → record id emptied
    held_sync: str = ""
    writes_before_quiet_sync: int = 0
    writes_after_quiet_sync: int = 0


def agreed_record(world: SyncWorld, system: str, entity: str, field_name: str) -> str:
    """A record whose field is filled and agreed with at least one other system."""
    rows = world.query(
        "select a.record_id from sync_agreed_values as a join int_sync__slots as s using (system, entity, record_id,"
        " field) where a.system = ? and a.entity = ? and a.field = ? and a.agreed_value is not null"
        " and (select count(*) from int_sync__slots as o where o.component_id = s.component_id) > 1"
        " order by a.record_id limit 1",
        system,
        entity,
        field_name,
    )
    assert rows, f"no agreed {system}.{entity}.{field_name}"
    return str(rows[0]["record_id"])


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fidelity]:
    with sync_world(Path(tmp_path_factory.mktemp("fidelity")), records=RECORDS, seed=SEED) as world:
        fields = mapped_fields()
        before = snapshot(world, fields)
        world.sync()
        result = Fidelity(world, before, snapshot(world, fields), fields)
        account = agreed_record(world, "zohocrm", "accounts", "Billing_City")
        contact = agreed_record(world, "customcrm", "contacts", "FirstName")
        with world.writer("zohocrm") as zoho:
            zoho.update("Accounts", account, {"Billing_City": "    "})
        with world.writer("customcrm") as custom:
            custom.update("contacts", contact, {"FirstName": "\u00a0\u200b"})
        result.cleared = {"zohocrm": account, "customcrm": contact}
        result.held_sync = world.sync().stdout
        result.writes_before_quiet_sync = world.writes()
        world.sync()
        result.writes_after_quiet_sync = world.writes()
        yield result


def test_the_first_sync_makes_no_value_worse_and_restyles_none(fidelity: Fidelity) -> None:
    found: dict[str, list[str]] = {}
    for key, old in fidelity.before.items():
        new = fidelity.after.get(key)
        if new is None or new == old:
            continue
        system, table, _, path = key
        kind = classify(fidelity.fields[(system, table, path)], path.split(".")[-1], old, new)
        if kind in WORSE or kind == "equivalent":
            found.setdefault(kind, []).append(f"{key}: {old!r} → {new!r}")
    assert found == {}


def test_a_blank_is_held_not_spread(fidelity: Fidelity) -> None:
    w = fidelity.world
    held = w.query("select cleared_in_system, cleared_in_record_id, value from sync_held_clears")
    for system, record in fidelity.cleared.items():
        erased = [r for r in held if r["cleared_in_system"] == system and r["cleared_in_record_id"] == record]
        assert erased and all(r["value"] for r in erased), (system, record, held)
    # The values the clears would erase are still in the other systems' records, as the last ingest read them.
    kept = w.query(
        "select h.system, h.record_id, h.field, s.value from sync_held_clears as h"
        " left join int_sync__slots as s using (system, entity, record_id, field)"
    )
    assert kept and all(r["value"] for r in kept), kept
    assert "Held clears" in fidelity.held_sync


def test_a_sync_after_a_held_clear_sends_nothing(fidelity: Fidelity) -> None:
    assert fidelity.writes_after_quiet_sync == fidelity.writes_before_quiet_sync


def test_every_round_says_where_its_time_went(fidelity: Fidelity) -> None:
    rounds = fidelity.world.query("select * from reverse_etl.sync_rounds order by sync_started_at, round")
    syncs = sorted({r["sync_started_at"] for r in rounds})
    assert len(syncs) == 3, rounds
    parts = ("api_limit_seconds", "api_answer_seconds", "ingest_seconds", "dbt_seconds", "push_seconds")
    for r in rounds:
        assert all(r[p] is not None and r[p] >= 0 for p in parts), r
        assert sum(r[p] for p in parts) <= r["wall_seconds"] + 1e-6, r
        assert r["api_answer_seconds"] > 0 and r["dbt_seconds"] > 0, r  # every round reads the APIs and builds
    summary = " ".join(fidelity.held_sync.split())
    assert "Where the time went" in summary and "Waiting on the APIs" in summary
    took = re.search(r"rounds? in (\d+) s", summary)
    assert took, summary[-500:]
    held_rounds = [r for r in rounds if r["sync_started_at"] == syncs[1]]
    assert sum(r["wall_seconds"] for r in held_rounds) <= int(took[1]) + 0.5
