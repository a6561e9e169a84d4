"""The staging models on a warehouse no ingest has loaded (macros/raw_source.sql): a system switched off (the var
switched_off, as the sync passes it) reads as empty, with the columns its sources YAML declares; a system that is
not switched off stops with a message naming the missing table and the two ways out, never as an empty system
(the push would create every record in it)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from connectors.config import SYSTEMS, WarehouseLocation, dbt_environment

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
ENABLED = "crmoffice"  # the one system not switched off, and never ingested


def test_staging_reads_switched_off_systems_as_empty_and_names_a_missing_table_of_an_enabled_one(
    tmp_path: Path,
) -> None:
    location = WarehouseLocation(path=tmp_path / "warehouse.duckdb")
    off = {"switched_off": [s for s in SYSTEMS if s != ENABLED]}
    args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--vars", json.dumps(off)]
    paths = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    with dbt_environment(location):
        run = dbtRunner().invoke(["run", "--select", "path:models/staging", *args, *paths])
    results = {r.node.name: r for r in run.result if str(r.node.resource_type) == "model"}
    assert results, run.exception

    failed = {name: r.message for name, r in results.items() if str(r.status) != "success"}
    assert set(failed) == {name for name in results if name.startswith(f"stg_{ENABLED}__")}
    message = " ".join(failed["stg_crmoffice__companies"].split())
    for part in ("raw_crmoffice.companies does not exist", "python -m ingest", "sources.crmoffice.enabled = false"):
        assert part in message, message

    # dbt-duckdb keeps its connection to the file open in this process: open it the same way.
    with duckdb.connect(str(location.path)) as con:
        for name in results.keys() - failed.keys():
            assert con.execute(f"select count(*) from main.{name}").fetchone() == (0,), name
