"""Ingest and `dbt build` of one sandbox world on DuckDB and on PostgreSQL, same run, same data (issue #18).

    .venv/bin/python -m benchmarks.warehouses --records 200

PostgreSQL: the server at --postgres URL (a database it may fill), else a scratch Debian PostgreSQL started on
127.0.0.1 as the tests start it (tests/helpers/postgres.py). The baseline is DuckDB: the ratios say what choosing
PostgreSQL costs, for users choosing a warehouse; the active links per target show both built the same world.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from benchmarks.sandbox_server import ingest_sandbox, served_sandbox, unpaced_env
from connectors.systems import SYSTEMS
from reverse_etl.warehouse import Warehouse
from sync.rounds import dbt_build


def measure(setting: str, folder: Path, port: int) -> dict[str, float]:
    os.environ.update(CRM_SYNC_WAREHOUSE=setting, CRM_SYNC_PIPELINES_DIR=str(folder / "pipelines"))
    os.environ.update(DBT_TARGET_PATH=str(folder / "target"), DBT_LOG_PATH=str(folder / "logs"))
    started = time.perf_counter()
    ingest_sandbox(port)
    ingested = time.perf_counter()
    build = dbt_build()
    if not build.ok:
        raise RuntimeError(f"dbt build failed on {setting}: {build.failures[:3]}")
    built = time.perf_counter()
    with Warehouse() as store:
        links = sum(store.link_counts(f["flow_name"])["active"] for f in store.flows())
    return {"ingest": ingested - started, "dbt build": built - ingested, "links": links}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200, help="records per entity")
    parser.add_argument("--postgres", help="postgresql:// URL of an empty database (default: a scratch server)")
    args = parser.parse_args()
    os.environ.update(unpaced_env(SYSTEMS))
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_warehouses_")))
        url = args.postgres
        if url is None:
            from tests.helpers.postgres import running_postgres

            url = stack.enter_context(running_postgres()).create_database("bench")
        served = stack.enter_context(served_sandbox(work / "sandbox", records=args.records, seed_value=18))
        # A first DuckDB run pays the process's one-time costs (imports, dbt's first parse): not measured.
        measure(str(work / "warm" / "warehouse.duckdb"), work / "warm", served.port)
        pg = measure(url, work / "postgres", served.port)
        duck = measure(str(work / "duckdb" / "warehouse.duckdb"), work / "duckdb", served.port)
    print(f"| step | DuckDB s | PostgreSQL s | PostgreSQL / DuckDB |  ({args.records} records per entity)")
    print("|---|---:|---:|---:|")
    for step in ("ingest", "dbt build"):
        print(f"| {step} | {duck[step]:.1f} | {pg[step]:.1f} | {pg[step] / duck[step]:.2f} |")
    print(f"| active links | {duck['links']:.0f} | {pg['links']:.0f} | |")


if __name__ == "__main__":
    main()
