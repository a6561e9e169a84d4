"""The value rules of macros/value_checks.sql, compiled by dbt and run in DuckDB: which values are invalid and by
which rule, and that a safe cast gives NULL where a plain cast fails the build (a price of 1e30)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dbt.cli.main import dbtRunner

from tests.helpers.dbt_parse import run_in

ROOT = Path(__file__).resolve().parents[2]

# (value, compare_as, staging column, the rule it breaks or None)
CASES: list[tuple[str, str, str, str | None]] = [
    ("Oslo", "text", "city", None),
    ("'; drop table x; -- «Ærø» 👍 שלום", "text", "name", None),
    ("tab\tinside", "text", "name", None),
    ("Os\x00lo", "text", "name", "control_character"),
    ("bell\x07", "text", "city", "control_character"),
    ("\x1b[31mred", "text", "name", "control_character"),
    ("next\x85line", "text", "name", "control_character"),
    ("del\x7f", "text", "description", "control_character"),
    ("Oslo\r\nBergen", "text", "city", "line_break"),
    ("first\nsecond", "text", "description", None),
    ("Storgata 1\nPostboks 2", "text", "street_address1", None),
    ("Storgata 1\nPostboks 2", "text", "mail_address_line1", None),
    ("1157787.97", "decimal", "amount", None),
    ("NaN", "decimal", "amount", "number_out_of_range"),
    ("inf", "decimal", "amount", "number_out_of_range"),
    ("1e20", "decimal", "amount", "number_out_of_range"),
    ("twelve", "decimal", "amount", "number_out_of_range"),
    ("2025-02-28", "date", "order_date", None),
    ("2025-02-30", "date", "order_date", "not_a_date"),
]


def sql_text(value: str) -> str:
    """A SQL expression for a string, control characters as chr() (a query's text cannot hold NUL)."""
    parts = [f"chr({ord(c)})" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else f"'{c}'" for c in value.replace("'", "''")]
    return " || ".join(parts) or "''"


def show(tmp: Path, sql: str) -> list[dict[str, Any]]:
    """Rows of an inline query compiled in the project (its macros) and run in an empty DuckDB."""
    args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target-path", str(tmp / "target")]
    run = dbtRunner().invoke(["show", "--inline", sql, "--limit", "-1", "--log-path", str(tmp / "logs"), *args])
    assert run.success, run.exception
    table = run.result.results[0].agate_table
    return [dict(zip(table.column_names, row, strict=True)) for row in table.rows]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("value-checks")
    with pytest.MonkeyPatch.context() as mp:
        run_in(mp, tmp)  # an empty warehouse
        rows = " union all ".join(
            f"select {i} as n, {sql_text(v)} as value, '{kind}' as compare_as, '{column}' as column_name"
            for i, (v, kind, column, _) in enumerate(CASES)
        )
        return show(
            tmp,
            f"select n, {{{{ value_problem('value', 'null', 'compare_as', 'column_name') }}}} as rule,"
            " {{ dbt.safe_cast('cast(1e30 as double)', 'numeric(28, 6)') }} as absurd_price,"
            " {{ value_problem('null', \"'1e+30'\", \"'decimal'\", \"'price'\") }} as failed_cast"
            f" from ({rows}) as cases order by n",
        )


@pytest.mark.parametrize(("n", "case"), list(enumerate(CASES)), ids=[repr(c[0])[:30] for c in CASES])
def test_each_value_breaks_the_rule_it_should(found: list[dict[str, Any]], n: int, case: tuple[str, ...]) -> None:
    assert found[n]["rule"] == case[3], case


def test_a_value_that_does_not_fit_is_null_and_named_not_a_failed_build(found: list[dict[str, Any]]) -> None:
    assert (found[0]["absurd_price"], found[0]["failed_cast"]) == (None, "cast_failed")
