"""What the next push would change in values that are already there: read it before the first real push.

Per system, entity and field: how many planned updates replace a value the record holds (real changes) and how
many fill an empty field, with three examples of each, from `sync_plan` (updates the plan can send, rejections
left out); and the clears the sync holds instead of writing (`sync_held_clears`). `push --dry-run` prints it, and
the sync summary shows it for the plan of its first round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.table import Table

from reverse_etl.warehouse import Warehouse

EXAMPLES = 3


@dataclass
class FieldPreview:
    system: str
    entity: str
    field: str
    changes: int = 0  # updates that replace a filled value
    fills: int = 0  # updates of an empty field
    change_examples: list[str] = field(default_factory=list)
    fill_examples: list[str] = field(default_factory=list)


def read_preview(store: Warehouse, systems: Sequence[str]) -> list[FieldPreview]:
    """The planned updates per system, entity and field (nothing when the plan is not built)."""
    if not store.exists("sync_plan") or not systems:
        return []
    rows = store.query(
        f"""
        select system, entity, field, record_id, old_value, new_value,
            row_number() over (
                partition by system, entity, field, old_value is null order by record_id
            ) as example_rank
        from {store.models}.sync_plan
        where action = 'update' and rejection is null and system in ({", ".join("?" for _ in systems)})
        order by system, entity, field, record_id
        """,
        list(systems),
    )
    previews: dict[tuple[str, str, str], FieldPreview] = {}
    for row in rows:
        key = (row["system"], row["entity"], row["field"])
        preview = previews.setdefault(key, FieldPreview(*key))
        is_fill = row["old_value"] is None
        if is_fill:
            preview.fills += 1
        else:
            preview.changes += 1
        if row["example_rank"] <= EXAMPLES:
            examples = preview.fill_examples if is_fill else preview.change_examples
            examples.append(_example(row["record_id"], row["old_value"], row["new_value"]))
    return list(previews.values())


def held_clears(store: Warehouse) -> dict[str, int]:
    """Held clears per system that emptied the field (one per value the clear would erase)."""
    if not store.exists("sync_held_clears"):
        return {}
    rows = store.query(
        f"select cleared_in_system as system, count(*) as clears from {store.models}.sync_held_clears "
        "group by 1 order by 1"
    )
    return {r["system"]: int(r["clears"]) for r in rows}


def _example(record_id: str, old: str | None, new: str | None) -> str:
    def shown(value: str | None) -> str:
        return "∅" if value is None else repr(value if len(value) <= 40 else value[:39] + "…")

    return f"{record_id}: {shown(old)} → {shown(new)}"


def preview_table(previews: Sequence[FieldPreview], title: str = "Values the push would change") -> Table:
    table = Table(title=title)
    for column in ("system", "entity", "field", "changes", "examples", "fills of empty", "examples"):
        table.add_column(column, justify="right" if column in ("changes", "fills of empty") else "left")
    for p in previews:
        table.add_row(
            p.system,
            p.entity,
            p.field,
            f"[yellow]{p.changes:,}[/yellow]" if p.changes else "0",
            "\n".join(p.change_examples),
            f"{p.fills:,}",
            "\n".join(p.fill_examples),
        )
    return table
