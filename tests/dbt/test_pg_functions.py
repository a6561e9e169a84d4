"""The project's own Jaro-Winkler and Damerau-Levenshtein on PostgreSQL (macros/warehouse_functions.sql) give
DuckDB's built-ins' values, pair for pair: on hand-picked pairs (Unicode, combining marks, emoji, transpositions,
empty strings) and on random ones, so that links on PostgreSQL are the links on DuckDB."""

from __future__ import annotations

import os
import random
from pathlib import Path

import duckdb
import psycopg2
import pytest
from dbt.cli.main import dbtRunner

from connectors.config import WarehouseLocation, dbt_environment
from tests.helpers.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]

PAIRS = [
    ("", ""),
    ("a", ""),
    ("", "martha"),
    ("a", "a"),
    ("a", "b"),
    ("ab", "ba"),
    ("ca", "abc"),  # 2 in unrestricted Damerau-Levenshtein (DuckDB's), 3 in optimal string alignment
    ("martha", "marhta"),
    ("dixon", "dicksonx"),
    ("jones", "johnson"),
    ("crate", "trace"),
    ("abcdef", "badcfe"),
    ("abcxxxxxx", "bcaxxxxxx"),  # three half-transpositions: integer halving
    ("aaaa", "a"),
    ("ABC", "abc"),
    ("hello world", "world hello"),
    ("Müller", "Mueller"),
    ("Bjørn Ødegård", "Bjorn Odegaard"),
    ("Ærøskøbing", "Aeroskobing"),
    ("Straße", "Strasse"),
    ("e\u0301", "é"),  # a combining accent is a code point of its own
    ("éx", "e\u0301x"),
    ("日本", "日本語"),
    ("Zoë Saldaña", "Zoe Saldana"),
    ("👨\u200d👩\u200d👧", "👨"),
    ("Nordvik AS", "Nordvik A/S"),
    ("post@nordvik.no", "post@nordvik.com"),
]
ALPHABET = "aabcdeeilmnorst ÆØÅæøåéü日-'.\u0301"


def corpus(count: int, seed: int) -> list[tuple[str, str]]:
    """Random pairs, each a word and an edited copy of it (swaps, drops, additions), so many score above the
    thresholds the matching cuts at."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))
        edited = list(word)
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, max(len(edited) - 1, 0))
            edit = rng.choice(("swap", "drop", "add"))
            if edit == "swap" and len(edited) > at + 1:
                edited[at], edited[at + 1] = edited[at + 1], edited[at]
            elif edit == "drop" and edited:
                del edited[at]
            else:
                edited.insert(at, rng.choice(ALPHABET))
        pairs.append((word, "".join(edited)))
    return pairs


@pytest.fixture(scope="module")
def functions(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the project's functions, created as every dbt run creates them (on-run-start)."""
    location = WarehouseLocation(url=postgres.create_database("functions"), schema="crm_sync")
    tmp = tmp_path_factory.mktemp("dbt")
    args = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--target-path", str(tmp / "target")]
    with dbt_environment(location):
        os.environ["DBT_LOG_PATH"] = str(tmp / "logs")
        result = dbtRunner().invoke(["seed", "--select", "flows", "--quiet", *args])
    assert result.success, result.exception
    assert location.url is not None
    return location.url


def compare(url: str, pairs: list[tuple[str, str]]) -> list[str]:
    """Every pair whose two values differ between DuckDB and PostgreSQL."""
    left, right = [a for a, _ in pairs], [b for _, b in pairs]
    with duckdb.connect() as con:
        sql = "select jaro_winkler_similarity($1, $2), damerau_levenshtein($1, $2)"
        expected = [con.execute(sql, [a, b]).fetchone() for a, b in pairs]
    con = psycopg2.connect(url)
    with con.cursor() as cursor:
        cursor.execute(
            "select crm_sync.jaro_winkler_similarity(a, b), crm_sync.damerau_levenshtein(a, b) "
            "from unnest(%s::text[], %s::text[]) with ordinality as p(a, b, n) order by n",
            (left, right),
        )
        found = cursor.fetchall()
    con.close()
    return [
        f"{a!r} ~ {b!r}: DuckDB {e}, PostgreSQL {f}"
        for (a, b), e, f in zip(pairs, expected, found, strict=True)
        if tuple(e) != tuple(f)
    ]


def test_hand_picked_pairs_score_as_on_duckdb(functions: str) -> None:
    assert compare(functions, PAIRS) == []


def test_random_pairs_score_as_on_duckdb(functions: str) -> None:
    assert compare(functions, corpus(2000, seed=18)) == []


def test_null_gives_null(functions: str) -> None:
    con = psycopg2.connect(functions)
    with con.cursor() as cursor:
        cursor.execute("select crm_sync.jaro_winkler_similarity(null, 'a'), crm_sync.damerau_levenshtein('a', null)")
        assert cursor.fetchone() == (None, None)
    con.close()
