"""How fast the sandbox serves pages, per system, against the limit of reading the same rows in-process.

The server runs as its own process (rate limits off: this measures the emulator, not the emulated quotas) and is
paged through its real HTTP API with the product's clients at each API's largest page size. In the same run the
baseline reads the same rows straight from the store and serialises them, which is the most any HTTP layer on
top could reach; the report gives records/s for both and their ratio, plus the server's peak memory.

    python -m benchmarks.sandbox_paging [--records 100000] [--systems customcrm,webcrm]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks.sandbox_server import Served, seed, served_sandbox
from connectors import CLIENTS
from sandbox.store import Query, Store

# The entity each system is measured on (its largest population of companies): API name, store name, id field.
ENTITY = {
    "zohocrm": ("Accounts", "Accounts", "id"),
    "poweroffice": ("Customers", "Customers", "Id"),
    "exact": ("Accounts", "Accounts", "ID"),
    "webcrm": ("Organisations", "Organisations", "OrganisationId"),
    "crmoffice": ("companies", "companies", "id"),
    "customcrm": ("customers", "customers", "Id"),
}
PAGE_SIZE = {
    "zohocrm": 200,
    "poweroffice": 20_000,
    "exact": None,
    "webcrm": 1000,
    "crmoffice": 500,
    "customcrm": 500,
}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _store_baseline(data_dir: Path, system: str, entity: str, page: int) -> tuple[int, float]:
    """Rows/s reading and serialising the entity straight from the store, keyset-paged like the API."""
    store = Store(data_dir)
    started, total, after = time.perf_counter(), 0, 0
    while True:
        rows = store.select(system, entity, Query(seq_gt=after, limit=page))
        if not rows:
            break
        orjson.dumps([{"id": r.id, **r.data} for r in rows])
        total += len(rows)
        after = rows[-1].seq
    store.close()
    return total, time.perf_counter() - started


@contextmanager
def start_server(data_dir: Path | None, records: int, systems: list[str], console: Console) -> Iterator[Served]:
    """Seed (unless a seeded data dir is given) and serve the sandbox in its own process with limits off."""
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="bench-sandbox-"))
        started = time.perf_counter()
        seed(data_dir, records, systems=systems)
        console.print(f"seeded {records:,} records per entity in {time.perf_counter() - started:.0f} s")
    with served_sandbox(data_dir) as served:
        yield served


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="records per entity to seed")
    parser.add_argument("--systems", default=",".join(ENTITY), help="comma-separated systems")
    parser.add_argument("--data-dir", type=Path, help="reuse a seeded data dir (skips seeding)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    systems = args.systems.split(",")
    console = Console(width=160)
    results = []
    with start_server(args.data_dir, args.records, systems, console) as server:
        for system in systems:
            path_entity, store_entity, key = ENTITY[system]
            # Unpaced: the server's limits are off, and this measures the emulator, not the client's pace.
            client = CLIENTS[system](
                server.info[system]["base_url"], server.info[system]["credentials"], requests_per_second=0
            )
            started = time.perf_counter()
            # Ids, not rows: a resumed walk (Zoho, after 100,000 records) may repeat its boundary records.
            ids = [r[key] for page in client.pages(path_entity, page_size=PAGE_SIZE[system]) for r in page]
            served = len(ids)
            elapsed = time.perf_counter() - started
            calls = client.calls
            client.close()
            page = PAGE_SIZE[system] or 1000
            base_rows, base_elapsed = _store_baseline(server.data_dir, system, store_entity, page)
            results.append(
                {
                    "system": system,
                    "entity": path_entity,
                    "records": served,
                    "calls": calls,
                    "records_per_s": served / elapsed,
                    "baseline_per_s": base_rows / base_elapsed,
                    "ratio": (served / elapsed) / (base_rows / base_elapsed),
                    "unique": len(set(ids)),
                    "complete": len(set(ids)) == base_rows,
                }
            )
        peak = _peak_rss_mb(server.pid)

    table = Table(title=f"Sandbox paging, {args.records:,} records per entity (server peak RSS {peak:.0f} MB)")
    for column in (
        "system",
        "entity",
        "records",
        "HTTP calls",
        "served rec/s",
        "store-only rec/s",
        "ratio",
        "distinct ids",
        "all served",
    ):
        table.add_column(column, justify="left" if column in ("system", "entity") else "right")
    for r in results:
        table.add_row(
            r["system"],
            r["entity"],
            f"{r['records']:,}",
            f"{r['calls']:,}",
            f"{r['records_per_s']:,.0f}",
            f"{r['baseline_per_s']:,.0f}",
            f"{r['ratio']:.2f}",
            f"{r['unique']:,}",
            "yes" if r["complete"] else "NO",
        )
    console.print(table)
    if args.json:
        args.json.write_text(
            json.dumps({"records": args.records, "server_peak_rss_mb": peak, "results": results}, indent=2)
        )
    return 0 if all(r["complete"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
