"""How fast the push writes, per system, against each API's ceiling; what batching buys; and what an incremental sync
costs against a full one. Three parts, one run, every ratio against a number measured in the same run or a
documented limit:

1. **Push records/s at the emulated rate limits** (the sandbox's real sliding windows, each system's writer through
   its paced client, records handed to `Writer.write` in the push's chunks): creates, then updates of the records
   just created, as a share of the API's ceiling = allowed requests/s × records per request. Exact runs at a
   documented rate scale (its 60 calls/min would make the run take minutes per hundred records); Zoho's ceiling is
   its concurrency limit, measured: the same batch requests sent raw with the sandbox's 10 calls in flight.
2. **Batched vs one record per request** (Zoho, WebCRM, Custom CRM): the same writer with a batch size of 1, through
   the same client and limits; the speed-up in records/s.
3. **Full vs incremental sync**: `python -m reverse_etl sync` as a subprocess against a sandbox seeded with N records
   per entity, rate limits off on both sides (sandbox rate scale 0, client pace 0), then 0.1 % of the records edited
   through the APIs and `sync` again; the incremental run's wall time as a share of the full one's.

    python -m benchmarks.push_speed [--records 100000] [--parts 1,2,3] [--systems ...] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.sandbox_server import ROOT, Served, served_sandbox, unpaced_env
from connectors import CLIENTS
from connectors.base import Client
from connectors.config import SYSTEMS
from reverse_etl.push import chunk_size
from reverse_etl.writers import WRITERS, Request, Result, Write, Writer, writer_for

BATCHING = ("zohocrm", "webcrm", "customcrm")


@dataclass(frozen=True)
class Spec:
    """What one system is measured on: its company entity, a create and an update, how many records."""

    entity: str
    name: str  # the name field
    city: str  # a field every update changes
    records: int  # records per step of part 1 (enough calls that one call's latency is a small share)
    single: int = 0  # records per step of part 2 (one per request)
    calls_per_second: float | None = None  # the API's documented limit (None: Zoho, bound by concurrency)
    per_record: int = 100  # records per request of the API's batch write (1 where there is none)
    rate_scale: float = 1.0  # the sandbox's rate scale for part 1 (1 = the real limit)
    update_calls: int = 1  # calls an update request costs (CRMOffice: GET + PUT; WebCRM: Query read + PATCH)
    extra: tuple[tuple[str, str], ...] = ()  # further fields a create needs


SPECS = {
    "zohocrm": Spec("Accounts", "Account_Name", "Billing_City", 20_000, single=500),
    "poweroffice": Spec(
        "Customers",
        "Name",
        "MailAddress.City",
        200,
        calls_per_second=10,
        per_record=1,
        extra=(("MailAddress.ZipCode", "0150"),),  # an address needs its postcode
    ),
    # 60 calls/min at scale 10 = 600/min: one minutely window of creates, one of updates.
    "exact": Spec("Accounts", "Name", "City", 600, calls_per_second=1, per_record=1, rate_scale=10),
    # An update replaces whole records: each PATCH of 100 is preceded by one Query API read of those 100.
    "webcrm": Spec(
        "Organisations",
        "OrganisationName",
        "OrganisationCity",
        6_000,
        single=40,
        calls_per_second=250 / 60,
        update_calls=2,
    ),
    "crmoffice": Spec(
        "companies", "name", "postAddress.postalArea", 100, calls_per_second=300 / 60, per_record=1, update_calls=2
    ),
    "customcrm": Spec("customers", "Name", "City", 10_000, single=90, calls_per_second=20),
}
ZOHO_CONCURRENCY = 10  # the sandbox's emulated concurrency limit (Zoho Standard edition)


# -- part 1 and 2: the writers at the emulated limits ---------------------------------------------------------


@dataclass
class Step:
    system: str
    operation: str  # create / update
    mode: str  # push (the writer as the push uses it) / one per request / raw (Zoho's ceiling)
    records: int
    ok: int
    seconds: float
    calls: int
    throttled: int  # 429s the sandbox answered during the step
    ceiling: float | None = None  # records/s the API allows (scaled)
    ids: list[str] = field(default_factory=list, repr=False)

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def share(self) -> float | None:
        return self.per_second / self.ceiling if self.ceiling else None


def push_like(writer: Writer, entity: str, writes: Sequence[Write]) -> list[Result]:
    """Hand the writes to the writer in the push's chunks (reverse_etl/push.py: one `write` per chunk of
    chunk_size(writer), each finished before the next), as the push does."""
    size = chunk_size(writer)
    results: list[Result] = []
    for start in range(0, len(writes), size):
        results += writer.write(entity, writes[start : start + size])
    return results


def one_per_request(cls: type[Writer]) -> type[Writer]:
    """The same writer sending one record per request (same client, concurrency and limits)."""
    return type(f"{cls.__name__}OnePerRequest", (cls,), {"batch_size": 1})


def throttled(served: Served, system: str) -> int:
    return int(served.stats()["systems"][system]["throttled"])


def creates(spec: Spec, tag: str, count: int) -> list[Write]:
    fields = {spec.city: "Oslo", **dict(spec.extra)}
    return [Write(f"{tag}{n}", None, {spec.name: f"Bench {tag} {n} AS", **fields}) for n in range(count)]


def updates(spec: Spec, tag: str, ids: Sequence[str]) -> list[Write]:
    return [Write(f"{tag}{n}", record_id, {spec.city: f"Bergen {n}"}) for n, record_id in enumerate(ids)]


def timed(
    served: Served, client: Client, system: str, label: tuple[str, str], work: Callable[[], list[Result]]
) -> Step:
    calls, refused = client.calls, throttled(served, system)
    started = time.perf_counter()
    results = work()
    seconds = time.perf_counter() - started
    done = [r for r in results if r.status in ("created", "updated")]
    bad = [r for r in results if r not in done]
    if bad:
        print(f"  {system} {label}: {len(bad)} not written, e.g. {bad[0]}", file=sys.stderr)
    return Step(
        system,
        label[0],
        label[1],
        len(results),
        len(done),
        seconds,
        client.calls - calls,
        throttled(served, system) - refused,
        ids=[str(r.record_id) for r in done],
    )


def raw_ceiling(client: Client, requests: list[Request], concurrency: int) -> list[Result]:
    """The requests `write` would send, sent as they are with `concurrency` in flight and nothing else done:
    how many records/s the API takes at its concurrency limit (Zoho's ceiling)."""

    def send(request: Request) -> list[Result]:
        response = client.request(request.method, request.url, json=request.json, headers=request.headers)
        items = response.json().get("data") or []
        return [
            Result(key, "created" if request.method == "POST" else "updated", str(item.get("details", {}).get("id")))
            if item.get("status") == "success"
            else Result(key, "rejected", error=str(item))
            for key, item in zip(request.keys, items, strict=False)
        ]

    with ThreadPoolExecutor(concurrency) as pool:
        return [r for batch in pool.map(send, requests) for r in batch]


def spend_window(client: Client, served: Served) -> None:
    """Exact: use up the current minutely window (cheap GETs), so that the timed steps run in the steady state a
    long push is in, not on a fresh window's free burst."""
    allowance = int(60 * SPECS["exact"].rate_scale)
    for _ in range(allowance):
        client.get_json("/api/v1/current/Me", entity="Me")


def measure_system(served: Served, system: str, parts: set[int], console: Console, latency_ms: float = 0) -> list[Step]:
    spec = SPECS[system]
    served.rate_scale(system, spec.rate_scale)  # also empties the windows
    served.admin("PUT", f"/faults/{system}", {"latency_ms": latency_ms})
    info = served.info[system]
    client = CLIENTS[system](info["base_url"], info["credentials"])  # the client's own pace: on (its default)
    writer = WRITERS[system](client)
    steps: list[Step] = []
    ceiling = None if spec.calls_per_second is None else spec.calls_per_second * spec.rate_scale * spec.per_record
    try:
        if 1 in parts:
            if system == "zohocrm":
                new = creates(spec, "zc", spec.records)
                step = timed(
                    served,
                    client,
                    system,
                    ("create", "raw, 10 in flight"),
                    lambda: raw_ceiling(client, writer.requests(spec.entity, new), ZOHO_CONCURRENCY),
                )
                steps.append(step)
                raw_ids = step.ids
            if system == "exact":
                spend_window(client, served)
            new = creates(spec, "c", spec.records)
            steps.append(timed(served, client, system, ("create", "push"), lambda: push_like(writer, spec.entity, new)))
            created = steps[-1].ids
            console.print(f"  {system}: {steps[-1].ok:,} created in {steps[-1].seconds:.1f} s")
            if system == "zohocrm":
                change = updates(spec, "zu", raw_ids)
                steps.append(
                    timed(
                        served,
                        client,
                        system,
                        ("update", "raw, 10 in flight"),
                        lambda: raw_ceiling(client, writer.requests(spec.entity, change), ZOHO_CONCURRENCY),
                    )
                )
            change = updates(spec, "u", created)
            steps.append(
                timed(served, client, system, ("update", "push"), lambda: push_like(writer, spec.entity, change))
            )
            console.print(f"  {system}: {steps[-1].ok:,} updated in {steps[-1].seconds:.1f} s")
        if 2 in parts and system in BATCHING:
            single = one_per_request(WRITERS[system])(client)
            new = creates(spec, "sc", spec.single)
            steps.append(
                timed(
                    served,
                    client,
                    system,
                    ("create", "one per request"),
                    lambda: push_like(single, spec.entity, new),
                )
            )
            change = updates(spec, "su", steps[-1].ids)
            steps.append(
                timed(
                    served,
                    client,
                    system,
                    ("update", "one per request"),
                    lambda: push_like(single, spec.entity, change),
                )
            )
            console.print(f"  {system}: one per request, {steps[-1].ok:,} created and updated")
    finally:
        client.close()
        served.rate_scale(system, 0)
        served.admin("PUT", f"/faults/{system}", {"latency_ms": 0})
    if system == "zohocrm":
        for operation in ("create", "update"):
            raw = [s for s in steps if s.operation == operation and s.mode.startswith("raw")]
            for s in steps:
                if raw and s.operation == operation:
                    s.ceiling = raw[0].per_second
    else:
        for s in steps:
            calls = spec.update_calls if s.operation == "update" else 1
            s.ceiling = None if ceiling is None else ceiling / calls
    return steps


# -- part 3: full sync vs incremental sync ---------------------------------------------------------------------

# Per system: the company and person entities as the API names them, their id field and a phone field a flow maps.
EDITS: dict[str, list[tuple[str, str, str]]] = {
    "zohocrm": [("Accounts", "id", "Phone"), ("Contacts", "id", "Phone")],
    "poweroffice": [("Customers", "Id", "PhoneNumber")],
    "exact": [("Accounts", "ID", "Phone"), ("Contacts", "ID", "Phone")],
    "webcrm": [
        ("Organisations", "OrganisationId", "OrganisationTelephone"),
        ("Persons", "PersonId", "PersonDirectPhone"),
    ],
    "crmoffice": [("contacts", "id", "directPhone")],  # its companies are only in flow 8, which is off
    "customcrm": [("customers", "Id", "Phone"), ("contacts", "Id", "Phone")],
}


@dataclass
class SyncRun:
    label: str
    seconds: float
    rounds: int
    stopped: str
    written: str  # the summary's writes line(s)
    returncode: int
    peak_rss_mb: float


def run_sync(env: dict[str, str], log: Path, label: str, tree: Path) -> SyncRun:
    """`python -m reverse_etl sync` in its own process; wall time and what its summary says."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.run(
            ["/usr/bin/time", "-f", "MAXRSS_KB %M", sys.executable, "-m", "reverse_etl", "sync"],
            env=env,
            cwd=tree,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    text = log.read_text()
    rounds = len(re.findall(r"^round \d+:", text, re.MULTILINE))
    stopped = next((line.strip() for line in text.splitlines() if "stopped" in line.lower()), "")
    written = " / ".join(line.strip() for line in text.splitlines() if line.startswith("round "))
    rss = re.search(r"MAXRSS_KB (\d+)", text)
    return SyncRun(
        label, seconds, rounds, stopped, written, process.returncode, int(rss[1]) / 1024 if rss else float("nan")
    )


def edit_records(served: Served, share: float, rng: random.Random) -> dict[str, int]:
    """Change one mapped field of `share` of each edited entity's records, through the system's API."""
    edited: dict[str, int] = {}
    for system, entities in EDITS.items():
        info = served.info[system]
        with CLIENTS[system](info["base_url"], info["credentials"], requests_per_second=0) as client:
            writer = writer_for(system, client)
            for entity, id_field, name in entities:
                ids = [str(r[id_field]) for page in client.pages(entity) for r in page]
                chosen = rng.sample(ids, max(1, round(len(ids) * share)))
                for record_id in chosen:
                    phone = f"+47 9{rng.randrange(10_000_000):07d}"
                    writer.update(entity, record_id, {name: phone})
                edited[f"{system}.{entity}"] = len(chosen)
    return edited


def measure_sync(records: int, work: Path, tree: Path, console: Console) -> dict[str, Any]:
    data_dir = work / "sandbox"
    started = time.perf_counter()
    with served_sandbox(data_dir, records=records, seed_value=3) as served:
        seeded = time.perf_counter() - started
        counts = served.stats()["records"]
        total = sum(sum(v.values()) if isinstance(v, dict) else v for v in counts.values())
        console.print(f"part 3: seeded {records:,} records per entity ({total:,} in all) in {seeded:.0f} s")
        env = {
            **os.environ,
            **unpaced_env(SYSTEMS),
            "SANDBOX_PORT": str(served.port),
            "CRM_SYNC_SANDBOX": "1",
            "DBT_DUCKDB_PATH": str(work / "warehouse.duckdb"),
            "CRM_SYNC_PIPELINES_DIR": str(work / "pipelines"),
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "DO_NOT_TRACK": "1",
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        writes_before = _writes(served)
        full = run_sync(env, work / "sync_full.log", "full", tree)
        writes_full = _writes(served) - writes_before
        console.print(f"part 3: full sync {full.seconds:.0f} s, {full.rounds} rounds, {writes_full:,} write calls")
        edited = edit_records(served, 0.001, random.Random(11))
        writes_edit = _writes(served)
        incremental = run_sync(env, work / "sync_incremental.log", "incremental", tree)
        writes_incremental = _writes(served) - writes_edit
        console.print(f"part 3: incremental sync {incremental.seconds:.0f} s, {writes_incremental:,} write calls")
    return {
        "records_per_entity": records,
        "records_total": total,
        "seed_seconds": seeded,
        "edited": edited,
        "runs": [asdict(r) for r in (full, incremental)],
        "write_calls": {"full": writes_full, "incremental": writes_incremental},
        "incremental_share": incremental.seconds / full.seconds,
        "work": str(work),
    }


def _writes(served: Served) -> int:
    return sum(int(s["writes"]) for s in served.stats()["systems"].values())


# -- the run ----------------------------------------------------------------------------------------------------


def steps_table(steps: list[Step]) -> Table:
    table = Table(title="Push at the emulated rate limits (records/s; ceiling = allowed calls/s × records per call)")
    for column in ("system", "op", "mode", "records", "calls", "429s", "s", "rec/s", "ceiling rec/s", "share"):
        table.add_column(column, justify="left" if column in ("system", "op", "mode") else "right")
    for s in steps:
        table.add_row(
            s.system,
            s.operation,
            s.mode,
            f"{s.ok:,}" + ("" if s.ok == s.records else f" of {s.records:,}"),
            f"{s.calls:,}",
            str(s.throttled),
            f"{s.seconds:.1f}",
            f"{s.per_second:,.1f}",
            "-" if s.ceiling is None else f"{s.ceiling:,.1f}",
            "-" if s.share is None else f"{s.share:.0%}",
        )
    return table


def speedups(steps: list[Step]) -> list[dict[str, Any]]:
    out = []
    for system in BATCHING:
        for operation in ("create", "update"):
            batched = [s for s in steps if (s.system, s.operation, s.mode) == (system, operation, "push")]
            single = [s for s in steps if (s.system, s.operation, s.mode) == (system, operation, "one per request")]
            if batched and single and single[0].per_second:
                out.append(
                    {
                        "system": system,
                        "operation": operation,
                        "batched_per_s": batched[0].per_second,
                        "single_per_s": single[0].per_second,
                        "speedup": batched[0].per_second / single[0].per_second,
                    }
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="part 3: records per entity to seed")
    parser.add_argument("--parts", default="1,2,3", help="comma-separated parts to run (1, 2, 3)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="parts 1 and 2: comma-separated systems")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0,
        help="parts 1 and 2: the sandbox answers every call this much later, as a real API over the internet does "
        "(default 0: loopback, where the sandbox's own CPU bounds a batch's gain)",
    )
    parser.add_argument(
        "--sync-tree",
        type=Path,
        default=ROOT,
        help="part 3: run `python -m reverse_etl sync` from this checkout (default this one), e.g. an export of a "
        "commit while the working tree is being edited",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    parts = {int(p) for p in args.parts.split(",")}
    systems = args.systems.split(",")
    console = Console(width=160)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    result: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    if parts & {1, 2}:
        steps: list[Step] = []
        # A small seeded world: the writers create their own records and update those.
        with served_sandbox(work / "limits", records=200, seed_value=3) as served:
            for system in systems:
                console.print(f"{system} at rate scale {SPECS[system].rate_scale:g}")
                steps += measure_system(served, system, parts, console, args.latency_ms)
        console.print(steps_table(steps))
        result["latency_ms"] = args.latency_ms
        result["steps"] = [{**asdict(s), "ids": None, "per_second": s.per_second, "share": s.share} for s in steps]
        result["speedups"] = speedups(steps)
        for s in result["speedups"]:
            console.print(
                f"{s['system']} {s['operation']}: batched {s['batched_per_s']:,.1f} rec/s, one per request "
                f"{s['single_per_s']:,.1f} rec/s: {s['speedup']:.0f}×"
            )
    if 3 in parts:
        result["sync"] = sync = measure_sync(args.records, work / "sync", args.sync_tree.resolve(), console)
        for run in sync["runs"]:
            console.print(
                f"sync {run['label']}: {run['seconds']:.0f} s, {run['rounds']} rounds, exit {run['returncode']}, "
                f"peak RSS {run['peak_rss_mb']:.0f} MB; {run['stopped']}"
            )
        console.print(f"edited: {sync['edited']}")
        console.print(f"incremental / full: {sync['incremental_share']:.1%}")
    if args.json:
        args.json.write_text(json.dumps({"records": args.records, **result}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
