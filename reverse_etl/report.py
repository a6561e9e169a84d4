"""Rich tables a person reads in seconds: what a push did (or would do), what an undo restored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from reverse_etl.push import PushReport
from reverse_etl.undo import UndoReport
from reverse_etl.warehouse import DryRunRequest

PUSH_COLUMNS = ("created", "recovered", "updated", "skipped", "rejected", "held", "failed", "waiting")


def number(n: int, colour: str | None = None) -> str:
    return f"[{colour}]{n:,}[/{colour}]" if n and colour else f"{n:,}"


def push_table(report: PushReport) -> Table:
    title = "Dry run: nothing sent" if report.dry_run else "Push"
    table = Table(title=f"{title} (run {report.run_id}, {report.seconds:.1f} s)")
    columns = (
        ("requests", "to create", "to update", "skipped", "rejected", "waiting") if report.dry_run else PUSH_COLUMNS
    )
    for column in ("system", *columns, "seconds"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for s in report.systems:
        c = s.counts
        if report.dry_run:
            cells = [c["requests"], c["created"], c["updated"], c["skipped"], c["rejected"], c["waiting"]]
            row = [number(n) for n in cells]
        else:
            colours = {"rejected": "yellow", "held": "yellow", "failed": "red", "waiting": "cyan"}
            row = [number(c[name], colours.get(name)) for name in PUSH_COLUMNS]
        table.add_row(f"{s.system} [red]FAILED[/red]" if s.error else s.system, *row, f"{s.seconds:.1f}")
    return table


def push_errors(report: PushReport) -> list[str]:
    return [f"[red]{s.system} failed: {s.error}[/red]" for s in report.systems if s.error]


def requests_table(requests: Sequence[DryRunRequest], limit: int) -> Table:
    table = Table(title=f"Requests a push would send ({min(limit, len(requests))} of {len(requests)} shown)")
    for column in ("system", "entity", "request", "records", "changes (old → new)"):
        table.add_column(column, overflow="fold")
    for r in requests[:limit]:
        keys = r.plan_keys.split(",")
        lines = r.changes.splitlines()
        shown = "\n".join(lines[:6]) + (f"\n… {len(lines) - 6} more" if len(lines) > 6 else "")
        table.add_row(r.system, r.entity, f"{r.method} {r.url}", str(len(keys)), shown)
    return table


def rejections_table(rows: Sequence[dict[str, Any]], limit: int = 20) -> Table:
    table = Table(title=f"Rejected ({min(limit, len(rows))} of {len(rows)} shown; all in reverse_etl.push_outcomes)")
    for column in ("system", "entity", "record", "field", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows[:limit]:
        record = row["record_id"] or f"new from {row['source_id']}"
        reason = (row["error"] or "")[:160]
        if row["status"] == "held":
            reason = f"{reason} [dim](refused before; not sent again until it changes)[/dim]"
        table.add_row(row["system"], row["entity"], record, row["field"] or "", reason)
    return table


UNDO_STATES = {
    "restore": "would be restored",
    "written": "restored",
    "restored": "already held the old value",
    "edited": "[yellow]edited since: left as it is[/yellow]",
    "refused": "[red]refused by the API[/red]",
    "failed": "[red]failed[/red]",
}


def undo_tables(report: UndoReport, limit: int = 50) -> list[Table | str]:
    """Per field the run overwrote: what undo did (or would do) with it; then the records the run created."""
    title = "Dry run: nothing written" if report.dry_run else f"Undo (run {report.run_id})"
    shown = f"{min(limit, len(report.fields))} of {len(report.fields)} fields"
    table = Table(title=f"{title} of push run {report.undone} ({shown})")
    for column in ("system", "entity", "record", "field", "run wrote", "old value", "now", "undo"):
        table.add_column(column, overflow="fold")
    for f in report.fields[:limit]:
        o = f.overwrite
        state = UNDO_STATES[f.state] + (f": {f.error}" if f.error else "")
        cells = (o.new_value, o.old_value, f.current)
        table.add_row(o.system, o.entity, o.record_id, o.field, *("∅" if v is None else str(v) for v in cells), state)
    counts = ", ".join(
        f"{report.count(state)} {label}"
        for state, label in (
            ("written", "restored"),
            ("restore", "to restore"),
            ("restored", "already restored"),
            ("edited", "edited since"),
            ("refused", "refused"),
            ("failed", "failed"),
        )
        if report.count(state)
    )
    parts: list[Table | str] = [table, f"Fields: {counts or 'the run overwrote none'}."]
    if report.created:
        kept = ", ".join(f"{r['system']} {r['entity']} {r['record_id']}" for r in report.created[:limit])
        parts.append(f"Kept (undo deletes nothing): {len(report.created)} records the run created: {kept}")
    return parts
