"""The push against a real sandbox over HTTP and a real DuckDB file, with a plan written by hand per test."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.config import client_for
from reverse_etl.__main__ import main
from reverse_etl.push import push
from tests.helpers.sandbox import RunningSandbox, running_sandbox
from tests.reverse_etl.push_plan import PlanBuilder, pointed_at, query, records


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RunningSandbox, Path]]:
    """A small seeded sandbox of its own (the push writes to it) and a fresh warehouse."""
    with running_sandbox(tmp_path / "sandbox", records=20, seed=5) as sandbox, pointed_at(sandbox, tmp_path) as wh:
        yield sandbox, wh


def customers(sandbox: RunningSandbox) -> list[dict]:
    return records(sandbox, "customcrm", "customers")


def test_push_creates_updates_and_a_rerun_sends_nothing(world: tuple[RunningSandbox, Path]) -> None:
    sandbox, warehouse = world
    existing = customers(sandbox)[:3]
    plan = PlanBuilder()
    for i in range(5):
        plan.create("customcrm", "customers", 1, f"acc-{i}", {"Name": f"Pushed Co {i}", "City": "Oslo"})
    for r in existing:
        plan.update("customcrm", "customers", r["Id"], {"City": (r["City"], "Bergen")})
    plan.write(warehouse)

    report = push(["customcrm"])

    assert not report.failed
    assert report.totals()["created"] == 5 and report.totals()["updated"] == 3
    created = [c for c in customers(sandbox) if c["Name"].startswith("Pushed Co")]
    assert sorted(c["Name"] for c in created) == [f"Pushed Co {i}" for i in range(5)]
    by_id = {c["Id"]: c for c in customers(sandbox)}
    assert all(by_id[r["Id"]]["City"] == "Bergen" for r in existing)
    links = query(warehouse, "select flow_id, source_id, target_id from reverse_etl.created_links order by source_id")
    assert [(r["flow_id"], r["source_id"]) for r in links] == [(1, f"acc-{i}") for i in range(5)]
    assert {r["target_id"] for r in links} == {c["Id"] for c in created}
    intents = query(warehouse, "select status, count(*) as n from reverse_etl.push_intents group by status")
    assert intents == [{"status": "done", "n": 5}]

    # The same plan again (no rebuild in between): everything already landed, nothing is sent.
    before = sandbox.stats("customcrm")
    again = push(["customcrm"])
    assert again.totals()["skipped"] == 8
    assert sum(again.totals()[k] for k in ("created", "updated", "failed", "rejected")) == 0
    assert sandbox.stats("customcrm")["requests"] == before["requests"]
    assert len([c for c in customers(sandbox) if c["Name"].startswith("Pushed Co")]) == 5
    runs = query(warehouse, "select status, created, updated, skipped from reverse_etl.push_runs order by started_at")
    assert runs == [
        {"status": "ok", "created": 5, "updated": 3, "skipped": 0},
        {"status": "ok", "created": 0, "updated": 0, "skipped": 8},
    ]


def test_a_planned_link_sends_nothing_and_is_recorded_once(world: tuple[RunningSandbox, Path]) -> None:
    """A record the chain would create beside its twin (int_sync__creates) is linked to the twin when its source's
    create is answered: created_links holds the link under the answered id, nothing is created in the target, and a
    rerun records it no second time. A later flow's record linked to an earlier flow's create gets that id."""
    sandbox, warehouse = world
    twin = customers(sandbox)[0]["Id"]
    plan = PlanBuilder()
    account = plan.create("zohocrm", "accounts", 9, "po-1", {"Account_Name": "Kjedetvilling AS"})
    plan.link("customcrm", "customers", 1, account, twin)
    earlier = plan.create("customcrm", "customers", 1, "za-1", {"Name": "Tidligere AS"})
    plan.link("customcrm", "customers", 4, "w-1", earlier, rule="org_number")
    plan.write(warehouse)
    before = len(customers(sandbox))

    report = push(["zohocrm", "customcrm"])

    assert not report.failed
    assert (report.totals()["created"], report.totals()["linked"]) == (2, 2)
    assert len(customers(sandbox)) == before + 1  # the earlier flow's create only
    links = {
        (r["flow_id"], r["source_id"]): r["target_id"]
        for r in query(warehouse, "select flow_id, source_id, target_id from reverse_etl.created_links")
    }
    zoho_id = links[(9, "po-1")]
    assert links[(1, zoho_id)] == twin
    assert links[(4, "w-1")] == links[(1, "za-1")]
    linked = query(warehouse, "select plan_key, record_id from reverse_etl.push_outcomes where status = 'linked'")
    assert sorted((r["plan_key"], r["record_id"]) for r in linked) == sorted(
        [(f"create:1:{zoho_id}", twin), ("create:4:w-1", links[(1, "za-1")])]
    )

    again = push(["zohocrm", "customcrm"])
    assert again.totals()["linked"] == 0 and again.totals()["created"] == 0
    assert len(query(warehouse, "select * from reverse_etl.created_links")) == 4


def test_an_update_is_sent_again_after_a_rebuild(world: tuple[RunningSandbox, Path]) -> None:
    """An update done before the plan's build time is not a reason to skip it: the plan asks for it anew."""
    sandbox, warehouse = world
    record = customers(sandbox)[0]
    plan = PlanBuilder()
    plan.update("customcrm", "customers", record["Id"], {"City": (record["City"], "Narvik")})
    plan.write(warehouse)
    assert push(["customcrm"]).totals()["updated"] == 1
    plan.write(warehouse, planned_at=datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1))
    assert push(["customcrm"]).totals()["updated"] == 1


def test_dry_run_sends_nothing_and_stores_the_requests(world: tuple[RunningSandbox, Path]) -> None:
    sandbox, warehouse = world
    existing = customers(sandbox)
    plan = PlanBuilder()
    plan.create("customcrm", "customers", 1, "acc-new", {"Name": "Dry Co", "City": "Oslo"})
    plan.update("customcrm", "customers", existing[0]["Id"], {"City": (existing[0]["City"], "Bodø")})
    plan.write(warehouse)
    before = sandbox.stats("customcrm")

    assert main(["push", "--dry-run", "--systems", "customcrm"]) == 0

    after = sandbox.stats("customcrm")
    assert after["writes"] == before["writes"] == 0, "a dry run wrote"
    assert after["requests"] == before["requests"], "a dry run made calls"
    assert customers(sandbox) == existing
    stored = query(warehouse, "select * from reverse_etl.dry_run_requests order by plan_keys")
    assert [(r["method"], r["plan_keys"]) for r in stored] == [
        ("POST", "create:1:acc-new"),
        ("POST", f"update:customcrm:customers:{existing[0]['Id']}"),
    ]
    assert stored[0]["url"].endswith("/customcrm/api/v1/customers/batch")
    assert '"Name": "Dry Co"' in stored[0]["body"]
    assert "City: ∅ → 'Oslo'" in stored[0]["changes"]
    assert f"City: {existing[0]['City']!r} → 'Bodø'" in stored[1]["changes"]
    assert "Bearer" not in "".join(str(v) for r in stored for v in r.values())
    assert query(warehouse, "select count(*) as n from reverse_etl.push_outcomes") == [{"n": 0}]
    assert query(warehouse, "select dry_run, status from reverse_etl.push_runs") == [{"dry_run": True, "status": "ok"}]


def test_a_rejected_record_names_record_field_and_reason_and_the_others_land(
    world: tuple[RunningSandbox, Path],
) -> None:
    sandbox, warehouse = world
    existing = customers(sandbox)[:2]
    plan = PlanBuilder()
    for i in range(4):
        plan.create("customcrm", "customers", 1, f"ok-{i}", {"Name": f"Fine Co {i}"})
    # The API refuses this one (Name over 200 characters): it sits in the same batch as the four above.
    refused = plan.create("customcrm", "customers", 1, "too-long", {"Name": "X" * 250})
    # The plan refuses these: a create with one rejected field is not sent at all ...
    held = plan.create(
        "customcrm", "customers", 1, "bad-mail", {"Name": "Mail Co", "Email": "no-at"},
        rejections={"Email": "Email is not an e-mail address: no-at"},
    )  # fmt: skip
    # ... an update sends its other fields.
    partial = plan.update(
        "customcrm", "customers", existing[0]["Id"],
        {"City": (existing[0]["City"], "Tromsø"), "Email": (existing[0]["Email"], "nope")},
        rejections={"Email": "Email is not an e-mail address: nope"},
    )  # fmt: skip
    waiting = plan.create("customcrm", "customers", 4, "later", {"Name": "Later Co"}, waiting_for="flow 1 first")
    plan.write(warehouse)

    report = push(["customcrm"])

    counts = report.totals()
    assert (counts["created"], counts["updated"], counts["rejected"], counts["waiting"]) == (4, 1, 3, 1)
    names = Counter(c["Name"] for c in customers(sandbox))
    assert all(names[f"Fine Co {i}"] == 1 for i in range(4))
    assert names["Mail Co"] == 0 and names["Later Co"] == 0
    updated = next(c for c in customers(sandbox) if c["Id"] == existing[0]["Id"])
    assert (updated["City"], updated["Email"]) == ("Tromsø", existing[0]["Email"])
    outcomes = {
        (r["plan_key"], r["status"]): r
        for r in query(warehouse, "select * from reverse_etl.push_outcomes where status in ('rejected', 'waiting')")
    }
    api = outcomes[(refused, "rejected")]
    assert api["field"] == "Name" and "200" in api["error"] and api["http_status"] == 200
    assert outcomes[(held, "rejected")]["field"] == "Email"
    assert outcomes[(held, "rejected")]["error"] == "Email is not an e-mail address: no-at"
    assert outcomes[(partial, "rejected")]["record_id"] == existing[0]["Id"]
    assert outcomes[(waiting, "waiting")]["error"] == "flow 1 first"
    # Rejected creates are not linked. The plan's rejections are checked again every run; what the API refused is
    # held back while its payload is unchanged (it would be refused again), and sent again when asked.
    assert query(warehouse, "select count(*) as n from reverse_etl.created_links") == [{"n": 4}]
    writes = sandbox.admin("GET", "/stats")["systems"]["customcrm"]["writes"]
    again = push(["customcrm"]).totals()
    assert (again["rejected"], again["held"], again["sent"]) == (2, 1, 0)
    assert sandbox.admin("GET", "/stats")["systems"]["customcrm"]["writes"] == writes
    held_row = query(warehouse, "select * from reverse_etl.push_outcomes where status = 'held'")
    assert [(r["plan_key"], r["field"], r["http_status"]) for r in held_row] == [(refused, "Name", 200)]
    retried = push(["customcrm"], retry_rejected=True).totals()
    assert (retried["rejected"], retried["held"], retried["sent"]) == (3, 0, 1)


def test_a_system_whose_credentials_fail_is_reported_and_the_others_go_on(
    world: tuple[RunningSandbox, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, warehouse = world
    account = records(sandbox, "zohocrm", "Accounts")[0]
    plan = PlanBuilder()
    plan.create("customcrm", "customers", 1, "acc-x", {"Name": "Never Co"})
    plan.update("zohocrm", "accounts", account["id"], {"Description": (account.get("Description"), "pushed")})
    plan.write(warehouse)
    monkeypatch.setenv("SOURCES__CUSTOMCRM__CREDENTIALS__API_KEY", "wrong-key")

    assert main(["push", "--systems", "customcrm,zohocrm"]) == 1

    by_system = {r["system"]: r for r in query(warehouse, "select * from reverse_etl.push_outcomes")}
    assert by_system["zohocrm"]["status"] == "updated"
    assert by_system["customcrm"]["status"] == "failed"
    assert "credentials refused" in by_system["customcrm"]["error"]
    run = query(warehouse, "select status, error from reverse_etl.push_runs")[0]
    assert run["status"] == "failed" and run["error"].startswith("customcrm:")
    assert "wrong-key" not in run["error"] and "wrong-key" not in by_system["customcrm"]["error"]
    with client_for("zohocrm") as zoho:
        assert zoho.get("Accounts", account["id"])["Description"] == "pushed"


def test_lost_answers_are_recovered_without_duplicates(world: tuple[RunningSandbox, Path]) -> None:
    """The sandbox applies a write and drops its answer (rate_lost): the push adopts what landed."""
    sandbox, warehouse = world
    plan = PlanBuilder()
    for i in range(300):
        plan.create("customcrm", "customers", 1, f"lost-{i}", {"Name": f"Lost Co {i:03d}", "City": "Oslo"})
    plan.write(warehouse)
    sandbox.faults("customcrm", rate_lost=0.4, seed=3)

    first = push(["customcrm"])
    runs = [first]
    # What a lost answer leaves unknown and the in-run check could not settle, a rerun settles.
    while runs[-1].totals()["failed"] and len(runs) < 5:
        runs.append(push(["customcrm"]))
    sandbox.faults("customcrm", rate_lost=0.0)

    assert sandbox.stats("customcrm")["injected"]["lost"] > 0
    assert sum(r.totals()["recovered"] for r in runs) > 0
    names = Counter(c["Name"] for c in customers(sandbox) if c["Name"].startswith("Lost Co"))
    assert len(names) == 300 and set(names.values()) == {1}, "a create was duplicated or lost"
    links = query(warehouse, "select source_id, target_id from reverse_etl.created_links")
    assert len(links) == 300 and len({r["target_id"] for r in links}) == 300
    ids = {c["Name"]: c["Id"] for c in customers(sandbox)}
    assert {r["target_id"] for r in links} == {ids[f"Lost Co {i:03d}"] for i in range(300)}
    assert query(warehouse, "select count(*) as n from reverse_etl.push_intents where status = 'pending'") == [{"n": 0}]
