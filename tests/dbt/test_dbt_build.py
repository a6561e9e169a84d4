"""dbt build on what the real ingest loads from a seeded sandbox: seeds, staging models and every data test pass.

One warehouse for the module: ingest a sandbox, delete one record of every entity in the sandbox, ingest again
with a full read (so every <table>_deleted has rows, feed or scan), then `dbt build` in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from connectors.base import CRMError
from connectors.config import SYSTEMS
from ingest.entities import entities_of
from ingest.pipeline import ingest
from ingest.resources import DELETED_COLUMNS
from reverse_etl.writers import Writer
from tests.helpers.sandbox import running_sandbox
from tests.helpers.writing import writer
from tests.ingest.conftest import point_at

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@dataclass
class Built:
    warehouse: Path
    results: list[Any]  # dbt's RunResult per node


def delete_one(w: Writer, path: str, key: str) -> None:
    """Delete the first record the API lets go (a PowerOffice department in use cannot be deleted)."""
    for record in next(w.client.pages(path)):
        try:
            w.delete(path, str(record[key]))
            return
        except CRMError as exc:
            if exc.status != 409:
                raise
    raise AssertionError(f"no {path} record could be deleted")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    tmp = tmp_path_factory.mktemp("dbt-build")
    with running_sandbox(tmp / "sandbox", records=150, seed=3) as sandbox, pytest.MonkeyPatch.context() as mp:
        warehouse = point_at(mp, sandbox, tmp)
        with writer("poweroffice") as w:
            # Every seeded department has customers, and a department in use cannot be deleted: add a free one.
            w.create("Departments", {"Name": "dbt build probe", "Code": "DBT-PROBE"})
        assert not [r.error for r in ingest(SYSTEMS) if r.error]
        for system in SYSTEMS:
            with writer(system) as w:
                for entity in entities_of(system):
                    delete_one(w, entity.path, entity.primary_key)
        assert not [r.error for r in ingest(SYSTEMS, full_refresh=True) if r.error]

        # target/ and logs/ in the test's folder: the test never touches the project's own dbt state.
        args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
        paths = ["--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
        run = dbtRunner().invoke(["build", *args, *paths])
        assert run.success, run.exception or [
            (r.node.name, r.status, r.message) for r in run.result if r.status not in ("success", "pass")
        ]
        yield Built(warehouse.path, list(run.result))


def test_dbt_build_passes_with_no_warnings_on_sandbox_data(built: Built) -> None:
    statuses = {r.node.unique_id: str(r.status) for r in built.results}
    assert statuses, "dbt built nothing"
    # Relationship tests only warn on real data; the sandbox's references are whole, so any warning is a bug.
    # Exposures (what reads the marts) are part of a build and do nothing: "no-op".
    assert {n: s for n, s in statuses.items() if s not in ("success", "pass", "no-op")} == {}
    models = {n.split(".")[-1] for n in statuses if n.startswith("model.")}
    assert len([m for m in models if m.startswith("stg_")]) == 2 * sum(len(entities_of(s)) for s in SYSTEMS)


def test_every_staging_model_has_rows(built: Built) -> None:
    with duckdb.connect(str(built.warehouse)) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_name like 'stg\\_%' escape '\\'"
            ).fetchall()
        ]
        counts = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}  # type: ignore[index]
    expected = {
        f"stg_{system}__{entity.table}{suffix}"
        for system in SYSTEMS
        for entity in entities_of(system)
        for suffix in ("", "_deleted")
    }
    assert expected <= counts.keys()
    assert {name: n for name, n in counts.items() if not n} == {}


def test_raw_tables_hold_exactly_the_declared_columns(built: Built) -> None:
    """Every column the APIs served is declared in ingest/<system>.py, and every declared one exists typed."""
    with duckdb.connect(str(built.warehouse)) as con:
        for system in SYSTEMS:
            for entity in entities_of(system):
                for table, declared in ((entity.table, entity.columns), (f"{entity.table}_deleted", DELETED_COLUMNS)):
                    found = dict(
                        con.execute(
                            "select column_name, data_type from information_schema.columns "
                            "where table_schema = ? and table_name = ?",
                            [f"raw_{system}", table],
                        ).fetchall()
                    )
                    # dlt's own columns; `cursor` is the deleted feeds' incremental position.
                    undeclared = {c for c in found if not c.startswith("_") and c != "cursor"} - declared.keys()
                    assert undeclared == set(), (system, table)
                    assert declared.keys() - found.keys() == set(), (system, table)
