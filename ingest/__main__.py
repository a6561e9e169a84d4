"""python -m ingest [--systems ...] [--full-refresh]: load every system's entities into the warehouse."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.config import SYSTEMS, ConfigurationError, enabled_systems, warehouse_location
from ingest.pipeline import SystemResult, ingest


def summary(results: list[SystemResult]) -> Table:
    table = Table(title=f"Ingest into {warehouse_location()}")
    for column in ("system", "entity", "rows", "new", "changed", "deleted", "calls", "seconds"):
        table.add_column(column, justify="left" if column in ("system", "entity") else "right")
    for r in results:
        if r.error:
            table.add_row(r.system, f"[red]FAILED: {r.error}[/red]", "", "", "", "", str(r.calls), f"{r.seconds:.1f}")
            continue
        for i, e in enumerate(r.entities):
            first = i == 0
            table.add_row(
                r.system if first else "",
                e.table,
                f"{e.rows:,}",
                f"{e.new:,}",
                f"{e.changed:,}",
                f"{e.deleted:,}",
                str(r.calls) if first else "",
                f"{r.seconds:.1f}" if first else "",
            )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument(
        "--systems",
        type=lambda t: t.split(","),
        default=list(SYSTEMS),
        help=f"comma-separated, default all: {','.join(SYSTEMS)}",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="read everything, not only changes (also detects deletions where an API has no feed)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems {sorted(unknown)}; known: {', '.join(SYSTEMS)}")
    console = Console()
    try:
        systems = [s for s in args.systems if s in enabled_systems()]  # before the first read
    except ConfigurationError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return 3
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[str, int] = {}

        def advance(label: str, rows: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=None)
            progress.advance(tasks[label], rows)

        results = ingest(systems, full_refresh=args.full_refresh, progress=advance)
    console.print(summary(results))
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
