"""Never make a CRM's data worse, a blank is not a clear, and bad input stays where it was entered: whole syncs
against the sandbox over real HTTP, all on one world (a sync costs minutes).

A seeded world synced to agreement: no mapped field of any record holds a worse form of what it held before (case
lost, country code lost, legal form or words dropped, fewer digits, another identifier kind), and none was only
restyled. Then, for one more sync: a Zoho account's billing city is set to four spaces and a Custom CRM contact's
first name to invisible characters, and the bad input of tests/sync/bad_input.py is written (invalid values, valid
edits beside them, more blanks), each on records no other edit touches. That sync holds the clears (listed in
sync_held_clears, counted in the summary), every other system keeps the value, the bad input stays where it was
entered while the valid edits arrive, and a sync after that sends nothing. Every round of the three syncs says
where its time went (waiting on the APIs, our own work).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.write_fidelity import WORSE, classify
from connectors.base import CRMError
from connectors.config import SYSTEMS
from ingest.entities import entities_of
from tests.sync.bad_input import (
    INVALID,
    Blanks,
    Hostile,
    Picker,
    Price,
    holders,
    others,
    push_rejections,
    read,
    rejected,
    write,
)
from tests.sync.conftest import ROOT, SyncWorld, sync_world, value_at

pytestmark = [pytest.mark.slow(syncs=3), pytest.mark.timeout(1800)]
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
    cleared: dict[str, str]  # system → record id emptied
    pick: Picker  # picked every edited record: more picks stay clear of them
    price: Price  # the bad input, written for the same sync as the clears
    hostile: Hostile
    blanks: Blanks
    held_sync: str = ""
    writes_before_quiet_sync: int = 0
    writes_after_quiet_sync: int = 0


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fidelity]:
    with sync_world(Path(tmp_path_factory.mktemp("fidelity")), records=RECORDS, seed=SEED) as world:
        fields = mapped_fields()
        before = snapshot(world, fields)
        world.sync()
        after = snapshot(world, fields)
        # The clears' records first; one Picker keeps them and every bad input on records no other edit touches.
        pick = Picker(world)
        account, contact = pick("zohocrm", "accounts", "Billing_City"), pick("customcrm", "contacts", "FirstName")
        write(world, account, "    ")
        write(world, contact, "\u00a0\u200b")
        cleared = {"zohocrm": account[2], "customcrm": contact[2]}
        bad_input = Price.edit(world, pick), Hostile.edit(world, pick), Blanks.edit(world, pick)
        result = Fidelity(world, before, after, fields, cleared, pick, *bad_input)
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


def test_a_sync_after_held_clears_and_bad_input_sends_nothing(fidelity: Fidelity) -> None:
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


# -- bad input (tests/sync/bad_input.py), synced with the clears -------------------------------------------------


def test_an_absurd_price_is_rejected_and_a_rename_in_the_same_sync_arrives(fidelity: Fidelity) -> None:
    world, edit = fidelity.world, fidelity.price
    assert any(s[0] == "zohocrm" for s in edit.name_elsewhere)
    renamed = {slot: read(world, slot) for slot in edit.name_elsewhere}
    assert renamed == dict.fromkeys(edit.name_elsewhere, "Fjordlys Renamed AS")
    # The price did not travel, and was not read as empty: the linked products keep theirs.
    assert {slot: read(world, slot) for slot in edit.price_elsewhere} == edit.price_elsewhere
    [row] = rejected(world, edit.price)
    assert (row["rule"], float(row["raw_value"])) == ("cast_failed", 1e30)
    assert f"ProductPrice of webcrm products {edit.price[2]} " in row["reason"]
    assert push_rejections(world, f"ProductPrice of webcrm products {edit.price[2]} %"), "the push did not report it"


def test_bad_input_stays_where_it_was_entered(fidelity: Fidelity) -> None:
    world, edit = fidelity.world, fidelity.hostile
    for slot, value in edit.invalid.items():
        assert read(world, slot) == value, f"{slot} was overwritten"
        assert {other: read(world, other) for other in others(world, slot)} == edit.before[slot], slot
        [row] = rejected(world, slot)
        assert row["rule"] in ("control_character", "line_break", "cast_failed"), row
        assert push_rejections(world, f"{slot[3]} of {slot[0]} {slot[1]} {slot[2]} %"), slot
    # Nowhere else in the six systems is there a control character.
    entered = [(s[0], s[1]) for s, v in edit.invalid.items() if isinstance(v, str) and INVALID.search(v)]
    assert sorted(holders(world, INVALID)) == sorted(entered)
    for slot, value in edit.valid.items():
        assert {other: read(world, other) for other in others(world, slot)} == dict.fromkeys(others(world, slot), value)
    for other, old in edit.overlong_before.items():
        now = read(world, other)
        assert now == "W" * 200 or (
            now == old and push_rejections(world, "% characters; the target accepts at most %")
        ), other


def test_an_impossible_date_is_refused_where_it_is_entered(fidelity: Fidelity) -> None:
    """Every emulator refuses an impossible date, so no source can hold it."""
    with pytest.raises(CRMError):
        write(fidelity.world, fidelity.pick("zohocrm", "deals", "Closing_Date"), "2025-02-30")


def test_a_blank_erases_no_filled_value(fidelity: Fidelity) -> None:
    world, edit = fidelity.world, fidelity.blanks
    assert {slot: {other: read(world, other) for other in others(world, slot)} for slot in edit.blanks} == edit.before
