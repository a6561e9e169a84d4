"""What a whole sync achieved, as rich tables: links per flow, what each system received, how it ended."""

from __future__ import annotations

from rich.table import Table

from reverse_etl.preview import preview_table
from reverse_etl.report import number, rejections_table
from sync.rounds import SyncReport


def sync_summary(report: SyncReport) -> list[Table | str]:
    """Links per flow, what each system received, and how the sync ended."""
    links = Table(title="Links per flow (active)")
    for column in ("flow", "active links", "of which created by push"):
        links.add_column(column, justify="left" if column == "flow" else "right")
    for flow in report.links:
        name = flow["flow_name"] if flow["enabled"] else f"[dim]{flow['flow_name']} (off)[/dim]"
        links.add_row(name, number(flow.get("active", 0)), number(flow.get("created_by_push", 0)))

    written = report.written()
    systems = Table(title="Written per system")
    columns = ("created", "updated", "rejected", "failed", "waiting", "conflicts")
    for column in ("system", *columns):
        systems.add_column(column, justify="left" if column == "system" else "right")
    colours = {"rejected": "yellow", "failed": "red", "waiting": "cyan"}
    for system in sorted(set(written) | set(report.conflicts)):
        counts = written.get(system, {})
        cells = [number(counts.get(c, 0), colours.get(c)) for c in columns[:-1]]
        systems.add_row(system, *cells, number(report.conflicts.get(system, 0)))

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
    if report.tests is not None:
        verdict = "passed" if report.tests.ok else f"[red]{report.tests.tests_failed} failed[/red]"
        out.append(f"Data tests beyond the push's guards (once, at the end): {verdict} in {report.tests.seconds:.0f} s")
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
