"""The first-sync preview: per system and field, real changes and fills apart, three examples each."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console

from reverse_etl.preview import held_clears, preview_table, read_preview
from reverse_etl.warehouse import Warehouse


def test_changes_and_fills_are_counted_apart_with_three_examples(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table sync_plan (action varchar, system varchar, entity varchar, field varchar,"
            " record_id varchar, old_value varchar, new_value varchar, rejection varchar)"
        )
        rows = [("update", "zohocrm", "accounts", "Phone", f"r{i}", None, f"+47 2233445{i}", None) for i in range(5)]
        rows += [
            ("update", "zohocrm", "accounts", "Account_Name", "a1", "Fjord", "Fjord AS", None),
            ("update", "zohocrm", "accounts", "Account_Name", "a2", "x", "y" * 300, "too long"),  # not sent
            ("create", "zohocrm", "accounts", "Account_Name", None, None, "New AS", None),  # not a change
            ("update", "exact", "accounts", "Name", "e1", "Old", "New", None),  # another system
        ]
        con.executemany("insert into sync_plan values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("create table sync_held_clears as select 'customcrm' as cleared_in_system from range(2)")
    with Warehouse(path) as store:
        previews = {p.field: p for p in read_preview(store, ["zohocrm"])}
        clears = held_clears(store)
    assert set(previews) == {"Phone", "Account_Name"}
    assert (previews["Phone"].changes, previews["Phone"].fills, len(previews["Phone"].fill_examples)) == (0, 5, 3)
    assert previews["Phone"].fill_examples[0] == "r0: ∅ → '+47 22334450'"
    assert (previews["Account_Name"].changes, previews["Account_Name"].change_examples) == (
        1,
        ["a1: 'Fjord' → 'Fjord AS'"],
    )
    assert clears == {"customcrm": 2}
    console = Console(width=200, record=True)
    console.print(preview_table(list(previews.values())))
    assert "fills of empty" in console.export_text()


def test_no_plan_no_preview(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "warehouse.duckdb") as store:
        assert read_preview(store, ["zohocrm"]) == [] and held_clears(store) == {}
