"""The whole product against the sandbox over real HTTP: `python -m reverse_etl sync` from a seeded world to
agreement, then, in one more sync, a record created in the source of every enabled flow, an edit on either side of
a link of every flow, a conflict on every flow and an edit in Exact that travels back along the chain of flows;
then a sync that has nothing to send. Last, the same seeded world synced again with a fifth of all calls failing
and pushes killed (kill -9) at random points must end exactly as the fault-free sync left the first one.

Write fidelity, on the same world and syncs (a sync costs minutes): never make a CRM's data worse, a blank is not
a clear, and bad input stays where it was entered. The first sync leaves no mapped field of any record holding a
worse form of what it held before (case lost, country code lost, legal form or words dropped, fewer digits, another
identifier kind), and restyles none. With the edits: a Zoho account's billing city is set to four spaces and a
Custom CRM contact's first name to invisible characters, and the bad input of tests/sync/bad_input.py is written
(invalid values, valid edits beside them, more blanks), each on records no other edit touches. That sync holds the
clears (listed in sync_held_clears, counted in the summary), every other system keeps the value, the bad input
stays where it was entered while the valid edits arrive, and the quiet sync after it sends nothing. Every round of
the three syncs says where its time went (waiting on the APIs, our own work).

One module, so that the fault-free state the faults test compares with is the first sync of the scenario's world
(pytest -n keeps a module on one worker: --dist loadfile)."""

from __future__ import annotations

import csv
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    carriers,
    holders,
    others,
    push_rejections,
    read,
    rejected,
)
from tests.sync.bad_input import write as write_slot
from tests.sync.conftest import ROOT, SyncWorld, sync_world, value_at

# The scenario is several whole syncs: far over the default per-test timeout.
pytestmark = [pytest.mark.slow(syncs=6), pytest.mark.timeout(1800)]

RECORDS = 24
SEED = 5
ENABLED_FLOWS = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13)


@dataclass
class Edit:
    """One edited link: what was written where, and what both sides must hold after the sync."""

    flow_id: int
    kind: str  # source | target | conflict
    source: tuple[str, str, str, str]  # system, API entity, record id, field
    target: tuple[str, str, str, str]
    expected: str


Snapshot = dict[tuple[str, str, str, str], str]  # (system, table, record id, field path) → value


@dataclass
class Fidelity:
    """What every mapped field held before and after the first sync, and the clears and bad input written for the
    edit sync."""

    before: Snapshot
    after: Snapshot
    fields: dict[tuple[str, str, str], str]
    cleared: dict[str, str]  # system → record id emptied
    pick: Picker  # picked every edited record: more picks stay clear of them
    price: Price  # the bad input, written for the same sync as the clears
    hostile: Hostile
    blanks: Blanks


@dataclass
class Scenario:
    world: SyncWorld
    fidelity: Fidelity | None = None
    first_sync: str = ""  # what the first sync printed
    agreed: dict[str, Counter[str]] = field(default_factory=dict)  # every system's records after the first sync
    created: dict[int, str] = field(default_factory=dict)  # flow -> id of the record created in its source
    edits: list[Edit] = field(default_factory=list)
    edited_clusters: set[str] = field(default_factory=set)  # identity clusters edit_links and edit_in_exact wrote to
    chain: dict[str, str] = field(default_factory=dict)  # system -> record id of the company edited in Exact
    writes_before_quiet_sync: int = 0
    writes_after_quiet_sync: int = 0
    edit_sync: str = ""  # what the sync after the edits printed
    quiet_sync: str = ""  # what the sync right after agreement printed


def flows(world: SyncWorld) -> dict[int, dict[str, Any]]:
    return {r["flow_id"]: r for r in world.query("select * from flows")}


def edit_field(world: SyncWorld, flow_id: int) -> dict[str, Any]:
    """The flow's first plain-text field that is read back (a name, mostly)."""
    rows = world.query(
        "select * from field_mappings where flow_id = ? and compare_as = 'text' and read_back"
        " and source_field not like '%.%' and target_field not like '%.%' order by source_field",
        flow_id,
    )
    return rows[0]


def pick_links(world: SyncWorld, count: int) -> dict[int, list[dict[str, Any]]]:
    """Per enabled flow, `count` active links whose records share no identity cluster with another pick, in
    clusters that agree: none of their records is one an API refused (Zoho's duplicate e-mail check holds some
    back; an attribute such a record never took has no agreed value, so two edits of it are merged as a first
    meeting, not logged as a conflict)."""
    used: set[str] = set()
    picked: dict[int, list[dict[str, Any]]] = {}
    all_flows = flows(world)
    candidates = {
        flow_id: world.query(
            f"select l.source_id, l.target_id, c.cluster_id from link_{all_flows[flow_id]['flow_name']} as l"
            " join identity_clusters as c on c.system = l.source_system and c.entity = l.source_entity"
            " and c.record_id = l.source_id where l.is_active and c.cluster_id not in ("
            " select m.cluster_id from identity_clusters as m join reverse_etl.push_outcomes as o"
            " on o.system = m.system and o.record_id = m.record_id where o.status in ('rejected', 'held'))"
            " order by l.source_id"
        )
        for flow_id in ENABLED_FLOWS
    }
    # The flows with the fewest links choose first (a small world has few PowerOffice persons).
    for flow_id in sorted(candidates, key=lambda f: len(candidates[f])):
        free = [r for r in candidates[flow_id] if r["cluster_id"] not in used]
        assert len(free) >= count, f"flow {flow_id} has {len(free)} free links, the test needs {count}"
        picked[flow_id] = free[:count]
        used.update(r["cluster_id"] for r in free[:count])
    return picked


ADDRESS = {"City": "Bergen", "ZipCode": "5003", "CountryCode": "NO"}
NEW_RECORDS: dict[str, dict[str, Any]] = {
    "zoho_account": {"Account_Name": "E2E Nordlys Konsult AS", "Billing_City": "Oslo", "Billing_Code": "0150"},
    "zoho_contact": {"First_Name": "Ingrid", "Last_Name": "Solberg-E2E", "Email": "ingrid@nordlys-e2e.no"},
    "zoho_deal": {"Deal_Name": "E2E rammeavtale", "Stage": "Qualification", "Amount": 125000.5},
    "webcrm_organisation": {"OrganisationName": "E2E Fjordlys ApS", "OrganisationCity": "Aarhus"},
    "webcrm_person": {"PersonFirstName": "Mette", "PersonLastName": "Fjord-E2E", "PersonName": "Mette Fjord-E2E"},
    "webcrm_product": {"ProductName": "E2E Fjordlampe", "ProductNumber": "E2E-LAMP-1", "ProductPrice": 499.0},
    "po_company": {"Name": "E2E Havbris AS", "MailAddress": ADDRESS},
    "po_department": {"Name": "E2E Avdeling Vest", "Code": "E2E-VEST"},
    "po_person": {"IsPerson": True, "FirstName": "Per", "LastName": "Havbris-E2E", "MailAddress": ADDRESS},
    "custom_customer": {"Name": "E2E Direkte Kunde AS", "City": "Oslo", "Country": "NO"},
    "custom_contact": {"FirstName": "Kari", "LastName": "Direkte-E2E", "Email": "kari@direkte-e2e.no"},
}


def create_records(scenario: Scenario) -> None:
    """One new record in the source of every enabled flow (flows 7, 12 and 13 read Custom CRM)."""
    w, new = scenario.world, NEW_RECORDS
    with w.writer("zohocrm") as zoho:
        account = zoho.create("Accounts", new["zoho_account"])
        contact = zoho.create("Contacts", {**new["zoho_contact"], "Account_Name.id": account})
        deal = zoho.create("Deals", {**new["zoho_deal"], "Closing_Date": "2026-12-15", "Account_Name.id": account})
    with w.writer("webcrm") as webcrm:
        organisation = webcrm.create("Organisations", new["webcrm_organisation"])
        person = webcrm.create("Persons", {**new["webcrm_person"], "PersonOrganisationId": int(organisation)})
        product = webcrm.create("Products", new["webcrm_product"])
    with w.writer("poweroffice") as po:
        company = po.create("Customers", new["po_company"])
        department = po.create("Departments", new["po_department"])
        human = po.create("Customers", new["po_person"])
    with w.writer("customcrm") as custom:
        customer = custom.create("customers", new["custom_customer"])
        kari = custom.create("contacts", {**new["custom_contact"], "CustomerId": customer})
    scenario.created = {1: account, 2: contact, 3: deal, 4: organisation, 5: person, 6: product, 7: kari,
                        9: company, 10: department, 11: human, 12: kari, 13: customer}  # fmt: skip


def write(world: SyncWorld, system: str, entity: str, record_id: str, field_name: str, value: str) -> None:
    with world.writer(system) as w:
        w.update(entity, record_id, {field_name: value})


def edit_links(scenario: Scenario) -> None:
    """Per flow: an edit in the source, an edit in the target, and a conflict (source first, target a second
    later: the target's edit is the newer and must win)."""
    w = scenario.world
    all_flows = flows(w)
    conflicts: list[tuple[Edit, str]] = []
    picked = pick_links(w, 3)
    scenario.edited_clusters = {link["cluster_id"] for links in picked.values() for link in links}
    for flow_id, links in picked.items():
        f, m = all_flows[flow_id], edit_field(w, flow_id)
        s_entity = w.api_entity(f["source_system"], f["source_entity"])
        t_entity = w.api_entity(f["target_system"], f["target_entity"])
        for link, kind in zip(links, ("source", "target", "conflict"), strict=True):
            source = (f["source_system"], s_entity, link["source_id"], m["source_field"])
            target = (f["target_system"], t_entity, link["target_id"], m["target_field"])
            value = f"E2E {kind[:3]} {flow_id}"
            edit = Edit(flow_id, kind, source, target, value)
            if kind == "source":
                write(w, *source, value)
            elif kind == "target":
                write(w, *target, value)
            else:
                write(w, *source, f"E2E old {flow_id}")
                conflicts.append((edit, value))
            scenario.edits.append(edit)
    time.sleep(1.2)  # Zoho and Exact keep modified times to the second
    for edit, value in conflicts:
        write(w, *edit.target, value)


def edit_in_exact(scenario: Scenario) -> None:
    """A company linked PowerOffice → Zoho → Custom CRM → Exact (flows 9, 1, 13), renamed in Exact."""
    w = scenario.world
    rows = w.query(
        "select cluster_id, system, record_id from identity_clusters where (system, entity) in"
        " (('poweroffice', 'customers'), ('zohocrm', 'accounts'), ('customcrm', 'customers'), ('exact', 'accounts'))"
        " order by cluster_id"
    )
    clusters: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["cluster_id"] not in scenario.edited_clusters:
            clusters.setdefault(r["cluster_id"], {})[r["system"]] = r["record_id"]
    cluster, scenario.chain = next(((c, members) for c, members in clusters.items() if len(members) == 4), ("", {}))
    assert scenario.chain, "no company is linked across PowerOffice, Zoho, Custom CRM and Exact"
    scenario.edited_clusters.add(cluster)
    write(w, "exact", "Accounts", scenario.chain["exact"], "Name", "E2E Kjedet Navn AS")


def mapped_fields() -> dict[tuple[str, str, str], str]:
    """(system, raw table, field path) → compare_as, for both sides of every mapping row (seeds/*.csv)."""
    with (ROOT / "seeds" / "flows.csv").open(encoding="utf-8") as f:
        all_flows = {row["flow_id"]: row for row in csv.DictReader(f)}
    out = {}
    with (ROOT / "seeds" / "field_mappings.csv").open(encoding="utf-8") as f:
        for m in csv.DictReader(f):
            flow = all_flows[m["flow_id"]]
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


def clear_and_write_bad_input(
    scenario: Scenario, before: Snapshot, after: Snapshot, fields: dict[tuple[str, str, str], str]
) -> Fidelity:
    """Two clears and the bad input, on records none of the scenario's edits touch (one Picker keeps them apart)."""
    world = scenario.world
    pick = Picker(world, taken=scenario.edited_clusters)
    account, contact = pick("zohocrm", "accounts", "Billing_City"), pick("customcrm", "contacts", "FirstName")
    write_slot(world, account, "    ")
    write_slot(world, contact, "\u00a0\u200b")
    cleared = {"zohocrm": account[2], "customcrm": contact[2]}
    bad_input = Price.edit(world, pick), Hostile.edit(world, pick), Blanks.edit(world, pick)
    return Fidelity(before, after, fields, cleared, pick, *bad_input)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    with sync_world(Path(tmp_path_factory.mktemp("e2e")), records=RECORDS, seed=SEED) as world:
        fields = mapped_fields()
        before = snapshot(world, fields)
        # The rest of the data tests run once, at the end of the world's last sync that writes (the edits' sync).
        scenario = Scenario(world, first_sync=world.sync("--guard-tests-only").stdout)
        scenario.agreed = world.state()
        after = snapshot(world, fields)
        create_records(scenario)
        edit_links(scenario)
        edit_in_exact(scenario)
        scenario.fidelity = clear_and_write_bad_input(scenario, before, after, fields)
        scenario.edit_sync = world.sync().stdout
        scenario.writes_before_quiet_sync = world.writes()
        scenario.quiet_sync = world.sync().stdout
        scenario.writes_after_quiet_sync = world.writes()
        yield scenario


def link_of(world: SyncWorld, flow_id: int, source_id: str) -> dict[str, Any] | None:
    name = flows(world)[flow_id]["flow_name"]
    rows = world.query(f"select * from link_{name} where source_id = ? and is_active", source_id)
    return rows[0] if rows else None


@pytest.mark.parametrize("flow_id", ENABLED_FLOWS)
def test_a_record_created_in_the_source_is_created_and_linked_in_the_target(scenario: Scenario, flow_id: int) -> None:
    w = scenario.world
    source_id = str(scenario.created[flow_id])
    link = link_of(w, flow_id, source_id)
    assert link is not None, f"flow {flow_id}: created source record {source_id} has no active link"
    f = flows(w)[flow_id]
    with w.client(f["source_system"]) as s, w.client(f["target_system"]) as t:
        source = s.get(w.api_entity(f["source_system"], f["source_entity"]), source_id)
        target = t.get(w.api_entity(f["target_system"], f["target_entity"]), link["target_id"])
    mappings = w.query("select * from field_mappings where flow_id = ? and compare_as = 'text'", flow_id)
    for m in mappings:
        # An empty text is empty either way: WebCRM serves "" where Custom CRM stores null.
        written, read = value_at(target, m["target_field"]), value_at(source, m["source_field"])
        assert (written or None) == (read or None), (flow_id, m["target_field"])
    leftover = w.query(
        "select field, rejection from sync_plan where (source_id = ? or record_id = ?) and waiting_for is null",
        source_id,
        link["target_id"],
    )
    assert leftover == [], f"flow {flow_id}: still planned after the sync: {leftover}"


@pytest.mark.parametrize("kind", ["source", "target", "conflict"])
def test_an_edit_on_either_side_reaches_the_other_and_the_newer_edit_wins(scenario: Scenario, kind: str) -> None:
    w = scenario.world
    wrong = []
    for edit in (e for e in scenario.edits if e.kind == kind):
        for system, entity, record_id, field_name in (edit.source, edit.target):
            with w.client(system) as c:
                value = value_at(c.get(entity, record_id), field_name)
            if value != edit.expected:
                wrong.append((edit.flow_id, system, record_id, field_name, value, edit.expected))
    assert wrong == []


def test_every_conflict_is_logged_with_both_values(scenario: Scenario) -> None:
    logged = scenario.world.query("select record_id, value, winner_value from sync_conflicts")
    for edit in (e for e in scenario.edits if e.kind == "conflict"):
        _, _, source_id, _ = edit.source
        assert {"record_id": source_id, "value": f"E2E old {edit.flow_id}", "winner_value": edit.expected} in logged


def test_an_edit_in_exact_travels_back_through_custom_crm_and_zoho_to_poweroffice(scenario: Scenario) -> None:
    w = scenario.world
    names = {"poweroffice": ("Customers", "Name"), "zohocrm": ("Accounts", "Account_Name"),
             "customcrm": ("customers", "Name"), "exact": ("Accounts", "Name")}  # fmt: skip
    held = {}
    for system, (entity, field_name) in names.items():
        with w.client(system) as c:
            held[system] = c.get(entity, scenario.chain[system])[field_name]
    assert held == dict.fromkeys(names, "E2E Kjedet Navn AS")


def test_a_customer_created_in_poweroffice_reaches_zoho_custom_crm_and_exact(scenario: Scenario) -> None:
    w = scenario.world
    cluster = w.query(
        "select c2.system, c2.entity, c2.record_id from identity_clusters as c1"
        " join identity_clusters as c2 on c2.cluster_id = c1.cluster_id"
        " where c1.system = 'poweroffice' and c1.entity = 'customers' and c1.record_id = ?",
        str(scenario.created[9]),
    )
    members = {(r["system"], r["entity"]) for r in cluster}
    assert {("zohocrm", "accounts"), ("customcrm", "customers"), ("exact", "accounts")} <= members


def test_the_first_sync_ends_with_a_summary_and_links_what_it_created(scenario: Scenario) -> None:
    w, summary = scenario.world, " ".join(scenario.first_sync.split())
    for part in ("Links per flow", "Written per system", "round 1:"):
        assert part in summary
    assert "stopped: nothing left to send" in summary or "stopped: every update landed or was refused" in summary
    assert {r["status"] for r in w.query("select status from reverse_etl.push_runs")} == {"ok"}
    created = w.query("select flow_id, source_id, count(*) as n from reverse_etl.created_links group by all")
    assert created and all(r["n"] == 1 for r in created), "a source record was created twice"
    all_flows = flows(w)
    for link in w.query("select flow_id, source_id, target_id from reverse_etl.created_links"):
        linked = w.query(
            f"select match_rule, is_active from link_{all_flows[link['flow_id']]['flow_name']}"
            " where source_id = ? and target_id = ?",
            link["source_id"],
            link["target_id"],
        )
        assert linked == [{"match_rule": "created_by_push", "is_active": True}], link


def test_a_sync_that_wrote_runs_the_rest_of_the_data_tests_once_at_the_end(scenario: Scenario) -> None:
    printed = " ".join(scenario.edit_sync.split())
    assert "Data tests beyond the push's guards (once, at the end): passed" in printed, printed[-3000:]
    assert "Data tests beyond the push's guards" not in " ".join(scenario.first_sync.split()), "--guard-tests-only"


def test_a_sync_right_after_agreement_sends_no_write(scenario: Scenario) -> None:
    assert scenario.writes_after_quiet_sync == scenario.writes_before_quiet_sync
    # One round, and no data tests beyond the guards: the sync wrote nothing.
    printed = " ".join(scenario.quiet_sync.split())
    assert "round 1:" in printed and "round 2" not in printed, printed[-3000:]
    assert "Data tests beyond the push's guards" not in printed
    # What is left in the plan is what the plan rejects (a create with any rejected field is not sent at all) and
    # what an API refused and nobody has changed since: held back, not sent again.
    left = scenario.world.query(
        "select p.plan_key, p.field from sync_plan as p where p.waiting_for is null"
        " and p.plan_key not in (select plan_key from sync_plan where rejection is not null)"
        " and not exists (select 1 from reverse_etl.push_outcomes as o where o.plan_key = p.plan_key"
        " and o.status = 'held' and o.run_id = (select max(run_id) from reverse_etl.push_runs))"
    )
    assert left == []


# -- write fidelity: the first sync, and the clears and bad input of the edit sync ----------------------------------


@pytest.fixture(scope="module")
def fidelity(scenario: Scenario) -> Fidelity:
    assert scenario.fidelity is not None
    return scenario.fidelity


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


def test_a_blank_is_held_not_spread(scenario: Scenario, fidelity: Fidelity) -> None:
    w = scenario.world
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
    assert "Held clears" in scenario.edit_sync


def test_a_sync_after_held_clears_and_bad_input_sends_nothing(scenario: Scenario) -> None:
    assert scenario.writes_after_quiet_sync == scenario.writes_before_quiet_sync


def test_every_round_says_where_its_time_went(scenario: Scenario) -> None:
    rounds = scenario.world.query("select * from reverse_etl.sync_rounds order by sync_started_at, round")
    syncs = sorted({r["sync_started_at"] for r in rounds})
    assert len(syncs) == 3, rounds
    parts = ("api_limit_seconds", "api_answer_seconds", "ingest_seconds", "dbt_seconds", "push_seconds")
    for r in rounds:
        assert all(r[p] is not None and r[p] >= 0 for p in parts), r
        assert sum(r[p] for p in parts) <= r["wall_seconds"] + 1e-6, r
        assert r["api_answer_seconds"] > 0 and r["dbt_seconds"] > 0, r  # every round reads the APIs and builds
    summary = " ".join(scenario.edit_sync.split())
    assert "Where the time went" in summary and "Waiting on the APIs" in summary
    took = re.search(r"rounds? in (\d+) s", summary)
    assert took, summary[-500:]
    edit_rounds = [r for r in rounds if r["sync_started_at"] == syncs[1]]
    assert sum(r["wall_seconds"] for r in edit_rounds) <= int(took[1]) + 0.5


def test_an_absurd_price_is_rejected_and_a_rename_in_the_same_sync_arrives(
    scenario: Scenario, fidelity: Fidelity
) -> None:
    world, edit = scenario.world, fidelity.price
    assert any(s[0] == "zohocrm" for s in edit.name_elsewhere)
    renamed = {slot: read(world, slot) for slot in edit.name_elsewhere}
    assert renamed == dict.fromkeys(edit.name_elsewhere, "Fjordlys Renamed AS")
    # The price did not travel, and was not read as empty: the linked products keep theirs.
    assert {slot: read(world, slot) for slot in edit.price_elsewhere} == edit.price_elsewhere
    [row] = rejected(world, edit.price)
    assert (row["rule"], float(row["raw_value"])) == ("cast_failed", 1e30)
    assert f"ProductPrice of webcrm products {edit.price[2]} " in row["reason"]
    assert push_rejections(world, f"ProductPrice of webcrm products {edit.price[2]} %"), "the push did not report it"


def test_bad_input_stays_where_it_was_entered(scenario: Scenario, fidelity: Fidelity) -> None:
    world, edit = scenario.world, fidelity.hostile
    for slot, value in edit.invalid.items():
        assert read(world, slot) == value, f"{slot} was overwritten"
        assert {other: read(world, other) for other in others(world, slot)} == edit.before[slot], slot
        [row] = rejected(world, slot)
        assert row["rule"] in ("control_character", "line_break", "cast_failed"), row
        assert push_rejections(world, f"{slot[3]} of {slot[0]} {slot[1]} {slot[2]} %"), slot
    # Nowhere else in the six systems is there a control character.
    entered = [
        c for s, v in edit.invalid.items() if isinstance(v, str) and INVALID.search(v) for c in carriers(world, s)
    ]
    assert sorted(holders(world, INVALID)) == sorted(entered)
    for slot, value in edit.valid.items():
        assert {other: read(world, other) for other in others(world, slot)} == dict.fromkeys(others(world, slot), value)
    for other, old in edit.overlong_before.items():
        now = read(world, other)
        assert now == "W" * 200 or (
            now == old and push_rejections(world, "% characters; the target accepts at most %")
        ), other


def test_an_impossible_date_is_refused_where_it_is_entered(scenario: Scenario, fidelity: Fidelity) -> None:
    """Every emulator refuses an impossible date, so no source can hold it."""
    with pytest.raises(CRMError):
        write_slot(scenario.world, fidelity.pick("zohocrm", "deals", "Closing_Date"), "2025-02-30")


def test_a_blank_erases_no_filled_value(scenario: Scenario, fidelity: Fidelity) -> None:
    world, edit = scenario.world, fidelity.blanks
    assert {slot: {other: read(world, other) for other in others(world, slot)} for slot in edit.blanks} == edit.before


# -- faults ------------------------------------------------------------------------------------------------------


def differences(left: dict[str, Counter[str]], right: dict[str, Counter[str]]) -> dict[str, tuple[int, int, list]]:
    """Per system entity that differs: record counts and a few records only one side holds."""
    out = {}
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key, Counter()), right.get(key, Counter())
        if a != b:
            out[key] = (sum(a.values()), sum(b.values()), list(((a - b) + (b - a)).elements())[:3])
    return out


# A round's `dbt build` (sync.rounds.dbt_build), in a process of its own as in a sync: DuckDB has one writer.
ROUND_BUILD = (
    "import sys; from sync.rounds import dbt_build; sys.exit('\\n'.join(dbt_build(guard_only=True).failures) or None)"
)


def killed_pushes(world: SyncWorld, rng: random.Random, kills: int) -> int:
    """Build a plan as a sync's round does (ingest, then dbt build with the data tests that guard the push), then
    start pushes and kill -9 each at a random moment; returns how many died mid-push."""
    for command in ([sys.executable, "-m", "ingest"], [sys.executable, "-c", ROUND_BUILD]):
        done = subprocess.run(command, cwd=world.folder, env=world.env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    died = 0
    for _ in range(kills):
        process = subprocess.Popen(
            [sys.executable, "-m", "reverse_etl", "push"],
            cwd=world.folder,
            env=world.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.5, 4.0))
        if process.poll() is None:
            process.kill()
            died += 1
        process.wait()
    return died


def test_faults_and_killed_pushes_end_in_the_fault_free_state(
    tmp_path_factory: pytest.TempPathFactory, scenario: Scenario
) -> None:
    with sync_world(Path(tmp_path_factory.mktemp("faulty")), records=RECORDS, seed=SEED) as world:
        world.env["SOURCES__HTTP_TIMEOUT_SECONDS"] = "2"
        for number, system in enumerate(SYSTEMS):
            faults = {"rate_429": 0.05, "rate_5xx": 0.05, "rate_timeout": 0.05, "rate_lost": 0.05}
            world.sandbox.faults(system, **faults, timeout_seconds=0.2, seed=number)
        died = killed_pushes(world, random.Random(SEED), kills=4)
        # May stop early: a round whose every answer was lost. Only the guards: what is compared is the state.
        world.run("sync", "--max-rounds", "10", "--guard-tests-only")
        injected = world.sandbox.admin("GET", "/stats")["systems"]
        for system in SYSTEMS:
            world.sandbox.faults(system, rate_429=0, rate_5xx=0, rate_timeout=0, rate_lost=0)
        world.sync()
        faulty = world.state()
    assert died >= 1, "no push was killed while it ran"
    assert sum(s["injected"]["lost"] for s in injected.values()) > 0
    assert differences(faulty, scenario.agreed) == {}
