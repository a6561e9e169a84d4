"""`python -m reverse_etl --help` answers at once: dbt, dlt and DuckDB are imported only when a command runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reverse_etl.__main__ import parser

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from reverse_etl.__main__ import parser
parser().format_help()
print(sorted({m.split('.')[0] for m in sys.modules} & {'dbt', 'dlt', 'duckdb', 'ingest', 'sandbox', 'starlette'}))
"""


def test_help_imports_none_of_the_heavy_packages() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reverse_etl", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("check", "push", "sync", "undo"))
    assert "Exit codes" in result.stdout


def test_a_sync_runs_either_every_data_test_or_only_the_guards() -> None:
    assert parser().parse_args(["sync", "--guard-tests-only"]).guard_tests_only
    result = subprocess.run(
        [sys.executable, "-m", "reverse_etl", "sync", "--all-tests", "--guard-tests-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "not allowed with argument" in result.stderr, result.stderr
