"""The project's SQL names no engine's type where dbt has a macro for it (issue #18): text is dbt.type_string(), a
time with its zone type_timestamptz() (macros/types.sql), seed text columns the adapter's string type. DuckDB,
PostgreSQL and Trino take `varchar` and `timestamp with time zone`; BigQuery and Spark refuse both. Checked on the
files, so no other warehouse is needed to catch one coming back."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where the adapters' forms are spelled out, once.
TYPE_MACROS = ROOT / "macros" / "types.sql"
# `varchar` as a type, not a quoted name in an adapter's mapping ('trino': 'varchar' at the seeds' *string anchor).
ENGINE_TYPES = re.compile(r"(?<!')\bvarchar\b|\btimestamp\s+with\s+time\s+zone\b|(?<!type_)\btimestamptz\b", re.I)


def project_files() -> list[Path]:
    found = [ROOT / "dbt_project.yml"]
    for folder, patterns in {"models": ("*.sql", "*.yml"), "macros": ("*.sql",), "seeds": ("*.yml",),
                             "tests/dbt": ("*.sql",)}.items():  # fmt: skip
        found += [path for pattern in patterns for path in (ROOT / folder).rglob(pattern)]
    return [path for path in found if path != TYPE_MACROS]


def test_models_macros_and_seeds_use_dbt_type_macros() -> None:
    files = project_files()
    assert len(files) > 100, "the project's SQL and YAML were not found"
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for match in ENGINE_TYPES.finditer(line)
    ]
    assert bare == [], "engine types instead of dbt's type macros:\n" + "\n".join(bare)


def test_the_check_finds_what_it_forbids() -> None:
    found = [
        bool(ENGINE_TYPES.search(line))
        for line in (
            "cast(id as varchar) as account_id",
            "{{ dbt.safe_cast('deleted_at', 'timestamp  with time zone') }}",
            "        flow_name: VARCHAR",
            "cast(x as timestamptz)",
            "cast(id as {{ dbt.type_string() }})",
            "{{ dbt.safe_cast('deleted_at', type_timestamptz()) }}",
            "{'trino': 'varchar'}.get(target.type, 'text')",
        )
    ]
    assert found == [True, True, True, True, False, False, False]
