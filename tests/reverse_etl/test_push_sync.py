"""`python -m reverse_etl sync` in-process on a small sandbox: real ingest, real dbt build, real push, in rounds.

What the push adds to a sync: every record it created is linked by the next build (created_by_push) and created
once; the summary says what happened. Convergence of the whole product is tests/sync's subject.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from reverse_etl.__main__ import main
from tests.helpers.sandbox import running_sandbox
from tests.reverse_etl.push_plan import pointed_at, query

pytestmark = pytest.mark.slow
ROUNDS = 2  # the second build links what the first push created


@dataclass
class Synced:
    warehouse: Path
    exit_code: int
    summary: str


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    tmp = tmp_path_factory.mktemp("push-sync")
    with (
        running_sandbox(tmp / "sandbox", records=30, seed=4) as sandbox,
        pointed_at(sandbox, tmp) as warehouse,
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setenv("COLUMNS", "200")  # the summary's tables unwrapped
        out = io.StringIO()
        with redirect_stdout(out):
            code = main(["sync", "--max-rounds", str(ROUNDS)])
        yield Synced(warehouse, code, " ".join(out.getvalue().split()))


def test_sync_runs_rounds_and_ends_with_a_summary(synced: Synced) -> None:
    assert synced.exit_code == 0, synced.summary
    for part in ("Links per flow", "Written per system", "round 1:", "stopped:"):
        assert part in synced.summary
    runs = query(synced.warehouse, "select dry_run, status from reverse_etl.push_runs")
    assert 1 <= len(runs) <= ROUNDS and all(r == {"dry_run": False, "status": "ok"} for r in runs)


def test_every_created_record_is_created_once_and_linked_by_the_next_build(synced: Synced) -> None:
    created = query(
        synced.warehouse,
        "select flow_id, source_id, count(*) as n from reverse_etl.created_links group by flow_id, source_id",
    )
    assert created, "the first round created nothing"
    assert all(r["n"] == 1 for r in created)
    flows = {r["flow_id"]: r["flow_name"] for r in query(synced.warehouse, "select flow_id, flow_name from flows")}
    last_run = query(synced.warehouse, "select max(started_at) as at from reverse_etl.push_runs")[0]["at"]
    before_last = query(
        synced.warehouse,
        "select flow_id, source_id, target_id from reverse_etl.created_links where created_at < ?",
        last_run,
    )
    for link in before_last:
        linked = query(
            synced.warehouse,
            f"select match_rule, is_active from link_{flows[link['flow_id']]} where source_id = ? and target_id = ?",
            link["source_id"],
            link["target_id"],
        )
        assert linked == [{"match_rule": "created_by_push", "is_active": True}], link
