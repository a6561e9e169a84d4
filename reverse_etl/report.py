"""Rich tables a person reads in seconds: what a push did (or would do), and what a whole sync achieved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from reverse_etl.preview import preview_table
from reverse_etl.push import PushReport
from reverse_etl.sync import SyncReport
from reverse_etl.undo import UndoReport
from reverse_etl.warehouse import DryRunRequest

PUSH_COLUMNS = ("created", "recovered", "updated", "skipped", "rejected", "held", "failed", "waiting")


def _number(n: int, colour: str | None = None) -> str:
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
            row = [_number(n) for n in cells]
        else:
            colours = {"rejected": "yellow", "held": "yellow", "failed": "red", "waiting": "cyan"}
            row = [_number(c[name], colours.get(name)) for name in PUSH_COLUMNS]
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


def sync_summary(report: SyncReport) -> list[Table | str]:
    """Links per flow, what each system received, and how the sync ended."""
    links = Table(title="Links per flow (active)")
    for column in ("flow", "active links", "of which created by push"):
        links.add_column(column, justify="left" if column == "flow" else "right")
    for flow in report.links:
        name = flow["flow_name"] if flow["enabled"] else f"[dim]{flow['flow_name']} (off)[/dim]"
        links.add_row(name, _number(flow.get("active", 0)), _number(flow.get("created_by_push", 0)))

    written = report.written()
    systems = Table(title="Written per system")
    columns = ("created", "updated", "rejected", "failed", "waiting", "conflicts")
    for column in ("system", *columns):
        systems.add_column(column, justify="left" if column == "system" else "right")
    colours = {"rejected": "yellow", "failed": "red", "waiting": "cyan"}
    for system in sorted(set(written) | set(report.conflicts)):
        counts = written.get(system, {})
        cells = [_number(counts.get(c, 0), colours.get(c)) for c in columns[:-1]]
        systems.add_row(system, *cells, _number(report.conflicts.get(system, 0)))

    out: list[Table | str] = [links, systems]
    if report.preview:
        out.append(preview_table(report.preview, "Values the first round changed (real changes) or filled"))
    if report.held_clears:
        counts = ", ".join(f"{system} {n:,}" for system, n in sorted(report.held_clears.items()))
        out.append(f"[yellow]Held clears[/yellow] (an emptied field not written anywhere; sync_held_clears): {counts}")
    if report.rejected:
        out.append(rejections_table(report.rejected))
    if report.waiting_for_review:
        out.append(
            f"[cyan]{report.waiting_for_review} records wait for a review decision[/cyan]: a probable match in the "
            "target (link_review); force or forbid the pair in seeds/link_overrides.csv"
        )
    if report.rounds:
        out += time_table(report)
    out += [f"[red]{error}[/red]" for error in report.errors()]
    rounds = len(report.rounds)
    out.append(
        f"[bold]{rounds} round{'s' if rounds != 1 else ''} in {report.seconds:.0f} s[/bold]; stopped: {report.stopped}"
    )
    return out


def time_table(report: SyncReport) -> list[Table | str]:
    """Per round: the wall time, the part spent waiting for the APIs (limits, answers) and our own work per step;
    then which of the two bounds the run."""
    table = Table(title="Where the time went (seconds; also in reverse_etl.sync_rounds)")
    columns = ("wall", "API limits", "API answers", "ingest", "dbt", "push")
    for column in ("round", *columns):
        table.add_column(column, justify="left" if column == "round" else "right")
    times = [r.time(report.started_at) for r in report.rounds]
    for t in times:
        cells = (t.wall_seconds, t.api_limit_seconds, t.api_answer_seconds, t.ingest_seconds, t.dbt_seconds)
        table.add_row(str(t.round), *(f"{v:.1f}" for v in (*cells, t.push_seconds)))
    wall = sum(t.wall_seconds for t in times)
    api = sum(t.api_seconds for t in times)
    own = sum(t.own_seconds for t in times)
    bound = "the APIs (their limits and answers)" if api >= own else "our own work (ingest, dbt, push)"
    return [
        table,
        f"Waiting on the APIs {_share(api, wall)}, our own work {_share(own, wall)}: {bound} bound this sync.",
    ]


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "0 %"


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
