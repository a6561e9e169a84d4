"""Names fit PostgreSQL's 63-character identifiers, also where dbt lengthens them: a unit test's input model
becomes the CTE `__dbt__cte__<model>` (12 characters more), a unit test its own relation. Checked on the files,
so a machine without PostgreSQL catches a long name too."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 63
CTE_PREFIX = "__dbt__cte__"


def test_model_names_fit_as_unit_test_inputs() -> None:
    longest = LIMIT - len(CTE_PREFIX)
    too_long = [p.stem for p in (ROOT / "models").rglob("*.sql") if len(p.stem) > longest]
    assert too_long == [], f"model names over {longest} characters: {too_long}"


def test_unit_test_names_fit() -> None:
    names = [
        test["name"]
        for path in (ROOT / "models").rglob("*.yml")
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", [])
    ]
    assert names, "no unit tests found"
    assert [n for n in names if len(n) > LIMIT] == []


def test_source_tables_fit_as_unit_test_inputs() -> None:
    """A source given to a unit test becomes the CTE `__dbt__cte__<source>__<table>`."""
    names = [
        f"{CTE_PREFIX}{source['name']}__{table['name']}"
        for path in (ROOT / "models").rglob("*.yml")
        for source in (yaml.safe_load(path.read_text()) or {}).get("sources", [])
        for table in source.get("tables", [])
    ]
    assert names, "no sources found"
    assert [n for n in names if len(n) > LIMIT] == []
