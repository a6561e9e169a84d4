"""`undo --run ID` against a real sandbox: the run's overwritten values come back where the records still hold
what it wrote; a value edited since is left alone and reported; created records are kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reverse_etl.__main__ import main
from reverse_etl.push import push
from tests.helpers.sandbox import RunningSandbox, running_sandbox
from tests.helpers.writing import writer
from tests.reverse_etl.push_plan import PlanBuilder, pointed_at, query, records


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RunningSandbox, Path]]:
    with running_sandbox(tmp_path / "sandbox", records=20, seed=5) as sandbox, pointed_at(sandbox, tmp_path) as wh:
        yield sandbox, wh


def account(sandbox: RunningSandbox, record_id: str) -> dict:
    return next(r for r in records(sandbox, "zohocrm", "Accounts") if r["id"] == record_id)


def test_undo_restores_a_runs_writes_and_keeps_later_edits_and_creates(
    world: tuple[RunningSandbox, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox, warehouse = world
    a, b = records(sandbox, "zohocrm", "Accounts")[:2]
    plan = PlanBuilder()
    plan.update(
        "zohocrm", "accounts", a["id"], {"Description": (a["Description"], "pushed A"), "Phone": (a["Phone"], None)}
    )
    plan.update("zohocrm", "accounts", b["id"], {"Description": (b["Description"], "pushed B")})
    # A nested field, written with PowerOffice's JSON Patch.
    customer = records(sandbox, "poweroffice", "Customers")[0]
    city = (customer.get("MailAddress") or {}).get("City")
    plan.update("poweroffice", "customers", str(customer["Id"]), {"MailAddress.City": (city, "Undoville")})
    plan.create("customcrm", "customers", 1, "acc-new", {"Name": "Created By The Run"})
    plan.write(warehouse)
    run = push(["zohocrm", "customcrm", "poweroffice"])
    assert not run.failed and run.totals()["updated"] == 3
    kept = query(
        warehouse,
        "select record_id, field, old_value, new_value from reverse_etl.overwritten_values "
        "where run_id = ? and system = 'zohocrm'",
        run.run_id,
    )
    assert sorted((r["record_id"], r["field"], r["old_value"], r["new_value"]) for r in kept) == sorted(
        [
            (a["id"], "Description", a["Description"], "pushed A"),
            (a["id"], "Phone", a["Phone"], None),
            (b["id"], "Description", b["Description"], "pushed B"),
        ]
    )
    # A person edits b after the push: undo must not overwrite that.
    with writer("zohocrm") as zoho:
        zoho.update("Accounts", b["id"], {"Description": "edited by a person"})
    capsys.readouterr()

    writes = sandbox.stats("zohocrm")["writes"]
    assert main(["undo", "--run", run.run_id, "--dry-run"]) == 0
    assert sandbox.stats("zohocrm")["writes"] == writes, "a dry run writes nothing"
    assert account(sandbox, a["id"])["Description"] == "pushed A"
    out = " ".join(capsys.readouterr().out.split())
    assert "3 to restore, 1 edited since" in out, out

    assert main(["undo", "--run", run.run_id]) == 0
    restored = account(sandbox, a["id"])
    assert (restored["Description"], restored["Phone"]) == (a["Description"], a["Phone"])
    assert account(sandbox, b["id"])["Description"] == "edited by a person"
    now = next(r for r in records(sandbox, "poweroffice", "Customers") if r["Id"] == customer["Id"])
    assert (now.get("MailAddress") or {}).get("City") == city
    assert any(c["Name"] == "Created By The Run" for c in records(sandbox, "customcrm", "customers"))
    out = " ".join(capsys.readouterr().out.split())
    assert "3 restored, 1 edited since" in out, out
    assert "Kept (undo deletes nothing): 1 records the run created: customcrm customers" in out, out
    undo_run = query(warehouse, "select * from reverse_etl.push_runs where undoes = ?", run.run_id)
    assert [(r["status"], r["updated"]) for r in undo_run] == [("ok", 2)]

    # Run again (after a crash, say): what is restored is not written twice.
    writes = [sandbox.stats(s)["writes"] for s in ("zohocrm", "poweroffice")]
    assert main(["undo", "--run", run.run_id]) == 0
    assert [sandbox.stats(s)["writes"] for s in ("zohocrm", "poweroffice")] == writes
    assert "3 already restored, 1 edited since" in " ".join(capsys.readouterr().out.split())


def test_undo_of_an_unknown_run_runs_nothing(world: tuple[RunningSandbox, Path]) -> None:
    assert main(["undo", "--run", "no-such-run"]) == 2
