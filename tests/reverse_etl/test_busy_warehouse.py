"""Another process holding the warehouse file: the sync names it (PID), waits if asked, and exits with its own
code, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reverse_etl.__main__ import EXIT_BUSY
from reverse_etl.warehouse import Warehouse, WarehouseBusy

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held(warehouse: Path, seconds: float = 60) -> Iterator[subprocess.Popen[str]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_the_sync_names_the_holder_and_exits_with_its_code(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "DBT_DUCKDB_PATH": str(warehouse), "SANDBOX_PORT": "9"}  # no request is made
    with held(warehouse) as holder:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "reverse_etl", "sync", "--wait", "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - started
    assert result.returncode == EXIT_BUSY, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert f"is in use by another process: PID {holder.pid}" in out, out
    assert "(waited 1 s)" in out and "--wait SECONDS" in out
    assert "Traceback" not in result.stdout + result.stderr
    assert waited >= 1


def test_waiting_gets_the_warehouse_once_the_holder_lets_go(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with held(warehouse, seconds=1.5) as holder:
        with pytest.raises(WarehouseBusy, match=f"PID {holder.pid}"), Warehouse(warehouse):
            pass
        with Warehouse(warehouse, wait=30) as store:
            assert store.query("select 1 as one") == [{"one": 1}]
