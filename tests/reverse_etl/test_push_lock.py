"""Two pushes at once cannot both run: the second stops at once and names the process holding the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reverse_etl.__main__ import main
from reverse_etl.lock import PushLocked, exclusive, lock_path
from reverse_etl.push import push

HOLD = """
import sys, time
from pathlib import Path
from reverse_etl.lock import exclusive
with exclusive(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_push_is_refused_while_another_process_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(warehouse))
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["push", "--dry-run"]) == 2
        # The holder keeps the lock for a minute: a push that waited for it would return only after the holder ended.
        assert holder.poll() is None, "the second push waited for the lock instead of refusing"
        out = " ".join(capsys.readouterr().out.split())
        assert f"(pid {holder.pid})" in out and "lock" in out
        assert not warehouse.exists(), "the refused push opened the warehouse"
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the lock with the process: the next push gets it (and finds no plan yet).
    with pytest.raises(LookupError, match="sync_plan"):
        push(["customcrm"])


def test_the_lock_is_exclusive_within_one_process_too(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with exclusive(warehouse), pytest.raises(PushLocked, match=f"pid {os.getpid()}"), exclusive(warehouse):
        pass
    with exclusive(warehouse):  # released on exit
        assert lock_path(warehouse).read_text().strip() == str(os.getpid())
