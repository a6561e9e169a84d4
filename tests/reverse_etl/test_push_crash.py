"""kill -9 of a push in the worst place, then a rerun: no record created twice, no update lost.

The push runs as `python -m reverse_etl push` in its own process. The sandbox (in this process) kills it from
inside a create batch, after the sandbox has applied records and before any answer reaches the push: the push's
intents are committed, its outcomes for that chunk are not.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import CLIENTS
from reverse_etl.push import chunk_size, push
from reverse_etl.writers import writer_for
from tests.helpers.sandbox import RunningSandbox, running_sandbox
from tests.reverse_etl.push_plan import PlanBuilder, pointed_at, query, records

ROOT = Path(__file__).resolve().parents[2]
# The push commits outcomes per chunk: the records of an unpaced Custom CRM push's first chunk, and some more.
CHUNK = chunk_size(writer_for("customcrm", CLIENTS["customcrm"]("http://unused.test", {}, requests_per_second=0)))
CREATES = CHUNK + 800
UPDATES = 200
KILL_AT_CREATE = CHUNK + 400  # inside the second chunk of creates: the first chunk's outcomes are committed


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RunningSandbox, Path]]:
    with (
        running_sandbox(tmp_path / "sandbox", records=UPDATES, seed=9) as sandbox,
        pointed_at(sandbox, tmp_path) as warehouse,
    ):
        yield sandbox, warehouse


def kill_inside_create(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox, victim: list[int]) -> None:
    """SIGKILL the pushing process right after the sandbox applied its n-th create."""
    store = sandbox.app.store
    original = store.create
    count = Counter[str]()

    def create_then_kill(system: str, entity: str, id: str, data: dict[str, Any]) -> Any:
        record = original(system, entity, id, data)
        if system == "customcrm":
            count["created"] += 1
            if count["created"] == KILL_AT_CREATE:
                os.kill(victim[0], signal.SIGKILL)
        return record

    monkeypatch.setattr(store, "create", create_then_kill)


def crash_plan(existing: list[dict[str, Any]], city: str) -> PlanBuilder:
    plan = PlanBuilder()
    for i in range(CREATES):
        plan.create("customcrm", "customers", 1, f"src-{i}", {"Name": f"Crash Co {i:04d}", "City": city})
    for r in existing:
        plan.update("customcrm", "customers", r["Id"], {"Description": (r["Description"], f"after crash {r['Id']}")})
    return plan


# rebuilt: between the killed push and the rerun, a dbt build changed a merged value of every create (the city's
# better form arrived from another system). What landed unseen was sent with the old value: it must still be
# adopted by what was sent, never created again with the new one.
@pytest.mark.parametrize("rebuilt", [False, True], ids=["same plan", "plan rebuilt with other values"])
def test_kill_9_mid_push_then_rerun_creates_no_duplicate_and_loses_no_update(
    world: tuple[RunningSandbox, Path], monkeypatch: pytest.MonkeyPatch, rebuilt: bool
) -> None:
    sandbox, warehouse = world
    existing = records(sandbox, "customcrm", "customers")[:UPDATES]
    crash_plan(existing, "Oslo").write(warehouse)

    victim: list[int] = []
    kill_inside_create(monkeypatch, sandbox, victim)
    child = subprocess.Popen(
        [sys.executable, "-m", "reverse_etl", "push", "--systems", "customcrm"],
        cwd=ROOT,
        # Unpaced (the sandbox runs without rate limits here), so that its chunks are CHUNK records.
        env={**os.environ, "SOURCES__CUSTOMCRM__REQUESTS_PER_SECOND": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    victim.append(child.pid)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, f"the push was not killed: {child.returncode}\n{stderr.decode()}"
    monkeypatch.undo()

    landed = [c for c in records(sandbox, "customcrm", "customers") if c["Name"].startswith("Crash Co")]
    assert KILL_AT_CREATE <= len(landed) < CREATES, "the kill did not come in the middle"
    before = query(warehouse, "select status, count(*) as n from reverse_etl.push_intents group by status")
    assert {r["status"] for r in before} == {"done", "pending"}, before
    if rebuilt:
        crash_plan(existing, "Oslo kommune").write(warehouse)

    rerun = push(["customcrm"])

    counts = rerun.totals()
    assert not rerun.failed and counts["failed"] == 0
    assert counts["recovered"] > 0, "the records the killed push created unseen were not adopted"
    names = Counter(c["Name"] for c in records(sandbox, "customcrm", "customers") if c["Name"].startswith("Crash Co"))
    assert len(names) == CREATES and set(names.values()) == {1}, "a create was duplicated or lost"
    by_id = {c["Id"]: c for c in records(sandbox, "customcrm", "customers")}
    assert all(by_id[r["Id"]]["Description"] == f"after crash {r['Id']}" for r in existing), "an update was lost"
    links = query(warehouse, "select count(*) as n, count(distinct target_id) as ids from reverse_etl.created_links")
    assert links == [{"n": CREATES, "ids": CREATES}]
    intents = query(warehouse, "select count(*) as n from reverse_etl.push_intents where status = 'pending'")
    assert intents == [{"n": 0}]
    runs = query(warehouse, "select status from reverse_etl.push_runs order by started_at")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
