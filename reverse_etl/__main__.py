"""python -m reverse_etl check | push | sync | undo: check the configuration, push the plan, sync in rounds, take a
push run back.

Exit codes: 0 done; 1 a system could not be read or written (the others ran); 2 nothing ran (another push or sync
holds the lock, no plan yet, no such run); 3 the configuration was refused (a seed's mistake, or a system neither
configured nor switched off), nothing ran; 4 another process holds the warehouse file, nothing ran.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from connectors.systems import SYSTEMS

# dbt, dlt and DuckDB take seconds to import: the commands import them when they run, so --help answers at once.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

EXIT_FAILED, EXIT_NOTHING_RAN, EXIT_CONFIG, EXIT_BUSY = 1, 2, 3, 4


def _systems(text: str) -> list[str]:
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(names) - set(SYSTEMS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown systems {unknown}; known: {', '.join(SYSTEMS)}")
    return names


def _progress(console: Console) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def run_check(args: argparse.Namespace, console: Console) -> int:
    from reverse_etl.check import check

    problems = check()
    for problem in problems:
        console.print(str(problem), markup=False, highlight=False)
    if problems:
        console.print(f"[red]{len(problems)} mistakes in seeds/: nothing would be built[/red]")
        return EXIT_CONFIG
    console.print("seeds/: no mistakes (flows, field mappings and limits match the systems' schemas)")
    return 0


def run_push(args: argparse.Namespace, console: Console) -> int:
    from reverse_etl.check import preflight
    from reverse_etl.preview import held_clears, preview_table, read_preview
    from reverse_etl.push import push
    from reverse_etl.report import push_errors, push_table, rejections_table, requests_table
    from reverse_etl.warehouse import Warehouse

    systems = preflight(args.systems)
    with _progress(console) as progress:
        tasks: dict[str, int] = {}

        def advance(system: str, done: int, total: int) -> None:
            if system not in tasks:
                tasks[system] = progress.add_task(f"push {system}", total=total)
            progress.update(tasks[system], completed=done, total=total)

        report = push(
            systems, dry_run=args.dry_run, progress=advance, retry_rejected=args.retry_rejected, wait=args.wait
        )
    if report.dry_run:
        shown = [r for s in report.systems for r in s.requests]
        if shown:
            console.print(requests_table(shown, args.show))
        # Read this before the first real push: what it would change in values already there.
        with Warehouse() as store:
            previews, clears = read_preview(store, systems), held_clears(store)
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
    return EXIT_FAILED if report.failed else 0


def run_sync(args: argparse.Namespace, console: Console) -> int:
    from sync.rounds import sync
    from sync.summary import sync_summary

    report = sync(
        args.systems,
        max_rounds=args.max_rounds,
        full_refresh=args.full_refresh,
        console=console,
        retry_rejected=args.retry_rejected,
        wait=args.wait,
        all_tests=args.all_tests,
        guard_tests_only=args.guard_tests_only,
    )
    for part in sync_summary(report):
        console.print(part)
    return EXIT_FAILED if report.errors() else 0


def run_undo(args: argparse.Namespace, console: Console) -> int:
    from reverse_etl.report import undo_tables
    from reverse_etl.undo import undo

    report = undo(args.run, dry_run=args.dry_run, wait=args.wait)
    for part in undo_tables(report):
        console.print(part)
    return EXIT_FAILED if report.failed else 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reverse_etl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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
    wait = {
        "type": float,
        "default": 0.0,
        "metavar": "SECONDS",
        "help": "when another process holds the warehouse, wait up to this long for it (default: stop at once)",
    }

    sub.add_parser("check", help="check seeds/ against the systems' schemas (file, line and column of each mistake)")

    p_push = sub.add_parser("push", help="send the plan (the dbt model sync_plan) to the systems")
    p_push.add_argument("--dry-run", action="store_true", help="send nothing: print and store the exact requests")
    p_push.add_argument("--systems", **systems)  # type: ignore[arg-type]
    p_push.add_argument("--retry-rejected", **retry)  # type: ignore[arg-type]
    p_push.add_argument("--show", type=int, default=20, help="dry run: how many requests to print (all are stored)")
    p_push.add_argument("--wait", **wait)  # type: ignore[arg-type]

    p_sync = sub.add_parser("sync", help="ingest → dbt build → push, round after round, until nothing is left")
    p_sync.add_argument("--max-rounds", type=int, default=8, help="stop after this many rounds (default 8)")
    p_sync.add_argument("--systems", **systems)  # type: ignore[arg-type]
    p_sync.add_argument("--retry-rejected", **retry)  # type: ignore[arg-type]
    p_sync.add_argument(
        "--full-refresh", action="store_true", help="the first ingest reads everything (also finds deletions)"
    )
    p_sync.add_argument("--wait", **wait)  # type: ignore[arg-type]
    tests = p_sync.add_mutually_exclusive_group()
    tests.add_argument(
        "--all-tests",
        action="store_true",
        help="run every dbt data test at the end even when the sync wrote nothing (rounds run the push's guards)",
    )
    tests.add_argument(
        "--guard-tests-only",
        action="store_true",
        help="run only the data tests that guard the push (every round's), not the rest of the suite at the end",
    )

    p_undo = sub.add_parser("undo", help="write back the values a push run overwrote, where they are still its own")
    p_undo.add_argument("--run", required=True, metavar="ID", help="the push run (reverse_etl.push_runs.run_id)")
    p_undo.add_argument("--dry-run", action="store_true", help="write nothing: show what would be restored")
    p_undo.add_argument("--wait", **wait)  # type: ignore[arg-type]
    return parser


COMMANDS = {"check": run_check, "push": run_push, "sync": run_sync, "undo": run_undo}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from rich.console import Console
    from rich.logging import RichHandler

    from connectors.config import ConfigurationError
    from reverse_etl.check import ConfigInvalid
    from reverse_etl.lock import PushLocked
    from reverse_etl.warehouse import WarehouseBusy

    console = Console()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False)],
    )
    try:
        return COMMANDS[args.command](args, console)
    except ConfigInvalid as exc:
        console.print(str(exc), markup=False, highlight=False)
        console.print(f"[red]{len(exc.problems)} mistakes in seeds/: nothing was built or sent[/red]")
        return EXIT_CONFIG
    except ConfigurationError as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return EXIT_CONFIG
    except WarehouseBusy as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return EXIT_BUSY
    except (PushLocked, LookupError) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        return EXIT_NOTHING_RAN


if __name__ == "__main__":
    sys.exit(main())
