"""The demo around the main job: start the sandbox, seed it, show what is in it, run the job against it.

It serves the six APIs on the default port, seeds overlapping data, checks over real HTTP that every system
answers (and refuses a call without credentials, as the real APIs do), prints what each system holds and how much
of it is the same real-world thing in several systems (from the ground truth, which no API serves), then runs the
given command (the product's job) with SANDBOX_PORT pointing at it, and stops the sandbox when the job ends.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import uvicorn
from rich.console import Console
from rich.table import Table

from sandbox.app import Sandbox
from sandbox.seeding import GROUND_TRUTH
from sandbox.system import Settings

# One unauthenticated data call per system: each must answer 401 the way its real API does.
PROBES = {
    "zohocrm": "/crm/v8/Accounts?fields=Account_Name",
    "poweroffice": "/v2/Customers",
    "exact": "/api/v1/current/Me",
    "webcrm": "/Organisations",
    "crmoffice": "/companies",
    "customcrm": "/api/v1/customers",
}


def _free_port(preferred: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])


def _overlaps(path: Path) -> dict[str, Counter[int]]:
    """Per kind of thing: how many real-world things appear in 1, 2, 3... systems."""
    places: dict[tuple[str, str], set[str]] = defaultdict(set)
    with path.open() as handle:
        for row in csv.DictReader(handle):
            places[(row["kind"], row["key"])].add(row["system"])
    spread: dict[str, Counter[int]] = defaultdict(Counter)
    for (kind, _), systems in places.items():
        spread[kind][len(systems)] += 1
    return spread


def run(data_dir: Path, records: int, seed: int, port: int, then: list[str]) -> int:
    console = Console()
    port = _free_port(port)
    settings = Settings(data_dir=data_dir, port=port)
    sandbox = Sandbox(settings)
    started = time.perf_counter()
    with console.status(f"seeding about {records} records per entity (seed {seed})..."):
        counts = sandbox.seed(records, seed)
    console.print(f"seeded {sum(counts.values()):,} records in {time.perf_counter() - started:.1f} s into {data_dir}")

    server = uvicorn.Server(uvicorn.Config(sandbox.asgi(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        table = Table(title=f"crm_sync sandbox on {settings.base_url}")
        for column in ("system", "base URL", "entity", "records", "no-credentials call"):
            table.add_column(column, justify="right" if column == "records" else "left")
        ok = True
        for name, system in sandbox.systems.items():
            status = httpx.get(system.base_url + PROBES[name], timeout=10).status_code
            ok &= status == 401
            entities = [(place.split(".", 1)[1], n) for place, n in counts.items() if place.startswith(name + ".")]
            for i, (entity, n) in enumerate(entities):
                first = i == 0
                table.add_row(
                    system.title if first else "",
                    system.base_url if first else "",
                    entity,
                    f"{n:,}",
                    (f"HTTP {status}" + (" (refused, as it should)" if status == 401 else " (UNEXPECTED)"))
                    if first
                    else "",
                )
        console.print(table)

        spread = _overlaps(data_dir / GROUND_TRUTH)
        overlap = Table(title="Same real-world thing in several systems (ground truth, not served by any API)")
        overlap.add_column("kind")
        width = max((max(c) for c in spread.values()), default=1)
        for n in range(1, width + 1):
            overlap.add_column(f"in {n} system{'s' if n > 1 else ''}", justify="right")
        for kind, counter in sorted(spread.items()):
            overlap.add_row(kind, *(f"{counter.get(n, 0):,}" for n in range(1, width + 1)))
        console.print(overlap)
        console.print("Credentials and base URLs for scripts: python -m sandbox info --json")
        if not ok:
            return 1
        if then:
            console.rule(" ".join(then))
            env = {**os.environ, "SANDBOX_PORT": str(port), "CRM_SYNC_SANDBOX": "1"}  # the job uses the sandbox, chosen
            return subprocess.run(then, env=env, check=False).returncode
        return 0
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sandbox.close()
