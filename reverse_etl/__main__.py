"""python -m reverse_etl push [--dry-run] [--systems ...] [--retry-rejected]
| sync [--max-rounds N] [--systems ...] [--full-refresh] [--retry-rejected]"""

from __future__ import annotations

import argparse
import logging
import sys

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from connectors.config import SYSTEMS
from reverse_etl.lock import PushLocked
from reverse_etl.preview import held_clears, preview_table, read_preview
from reverse_etl.push import push
from reverse_etl.report import push_errors, push_table, rejections_table, requests_table, sync_summary
from reverse_etl.sync import sync
from reverse_etl.warehouse import Warehouse


def _systems(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(names) - set(SYSTEMS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown systems {unknown}; known: {', '.join(SYSTEMS)}")
    return names


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def run_push(args: argparse.Namespace, console: Console) -> int:
    with _progress(console) as progress:
        tasks: dict[str, int] = {}

        def advance(system: str, done: int, total: int) -> None:
            if system not in tasks:
                tasks[system] = progress.add_task(f"push {system}", total=total)
            progress.update(tasks[system], completed=done, total=total)

        report = push(args.systems, dry_run=args.dry_run, progress=advance, retry_rejected=args.retry_rejected)
    if report.dry_run:
        shown = [r for s in report.systems for r in s.requests]
        if shown:
            console.print(requests_table(shown, args.show))
        # Read this before the first real push: what it would change in values already there.
        with Warehouse() as store:
            previews, clears = read_preview(store, args.systems), held_clears(store)
        if previews:
            console.print(preview_table(previews))
        for system, n in clears.items():
            console.print(f"[yellow]{n:,} held clears[/yellow] emptied in {system}: not written (sync_held_clears)")
    console.print(push_table(report))
    for line in push_errors(report):
        console.print(line)
    if not report.dry_run:
        with Warehouse() as store:
            rejected = store.outcomes([report.run_id], ["rejected", "held"])
        if rejected:
            console.print(rejections_table(rejected))
    where = "reverse_etl.dry_run_requests" if report.dry_run else "reverse_etl.push_outcomes"
    console.print(f"Stored in {where}, run_id = '{report.run_id}'.")
    return 1 if report.failed else 0


def run_sync(args: argparse.Namespace, console: Console) -> int:
    report = sync(
        args.systems,
        max_rounds=args.max_rounds,
        full_refresh=args.full_refresh,
        console=console,
        retry_rejected=args.retry_rejected,
    )
    for part in sync_summary(report):
        console.print(part)
    return 1 if report.errors() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reverse_etl", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log each system's progress and waits")
    sub = parser.add_subparsers(dest="command", required=True)
    systems = {
        "type": _systems,
        "default": list(SYSTEMS),
        "help": f"comma-separated systems to write to, default all: {','.join(SYSTEMS)}",
    }

    retry = {
        "action": "store_true",
        "help": "also send again, unchanged, what an API refused before (held back otherwise until it changes)",
    }

    p_push = sub.add_parser("push", help="send the plan (main.sync_plan) to the systems")
    p_push.add_argument("--dry-run", action="store_true", help="send nothing: print and store the exact requests")
    p_push.add_argument("--systems", **systems)  # type: ignore[arg-type]
    p_push.add_argument("--retry-rejected", **retry)  # type: ignore[arg-type]
    p_push.add_argument("--show", type=int, default=20, help="dry run: how many requests to print (all are stored)")

    p_sync = sub.add_parser("sync", help="ingest → dbt build → push, round after round, until nothing is left")
    p_sync.add_argument("--max-rounds", type=int, default=8, help="stop after this many rounds (default 8)")
    p_sync.add_argument("--systems", **systems)  # type: ignore[arg-type]
    p_sync.add_argument("--retry-rejected", **retry)  # type: ignore[arg-type]
    p_sync.add_argument(
        "--full-refresh", action="store_true", help="the first ingest reads everything (also finds deletions)"
    )

    args = parser.parse_args(argv)
    console = Console()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
    )
    try:
        if args.command == "push":
            return run_push(args, console)
        return run_sync(args, console)
    except (PushLocked, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        return 2


if __name__ == "__main__":
    sys.exit(main())
