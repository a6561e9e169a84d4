"""Execute the plan: per system (systems in parallel), per entity, in chunks, through the system's writer.

Crash safety, step by step for a chunk:
1. every create in it is recorded as a pending intent (payload + hash) and committed before anything is sent;
2. the writer sends the chunk; its per-record results, the links of the records it created and the intents'
   new status are committed together right after.
A kill between 1 and 2 leaves pending intents. The next run, before creating such a record again, asks the writer
for a record created since the intent that carries the same fields (`find_created`) and adopts it (`recovered`);
only when there is none is the record created. A create already in created_links is never sent again, and an
update whose identical payload already succeeded since the plan was built is skipped, so a rerun after a kill
without a rebuild resends nothing that landed. Updates set fields to values, so resending one is harmless.

One push runs the whole chain: a create whose source or reference is another create of the plan (a Custom CRM
customer made from the Zoho account this push creates from a PowerOffice customer; a contact of an account this
push creates) waits, in its system's thread, until that create has its answer, and is sent with the id the API
answered, under the plan_key the next build gives it (so its intent, created_link and outcome are those of an
ordinary create). A create that depends on one that did not land (refused, waiting, failed) waits and says why.
A `link` of the plan (a record the chain would create that the match rules pair with one its target holds) is
sent nothing: once its source's create has an id, its link is recorded in created_links with its outcome, in one
commit, and what refers to it gets the record it is linked to.

Nothing here deletes a record in a CRM; the writers have no delete.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from connectors.base import Client, CRMError, describe
from connectors.config import SYSTEMS, WarehouseLocation, as_location, client_for
from ingest.entities import entities_of
from reverse_etl.lock import exclusive
from reverse_etl.plan import PLANNED, Plan, PlannedRecord, is_planned, read_plan
from reverse_etl.warehouse import CreatedLink, DryRunRequest, Intent, Outcome, Overwrite, Warehouse, utcnow
from reverse_etl.writers import Request, Result, Write, Writer, writer_for

log = logging.getLogger("crm_sync.reverse_etl")

# A record created slightly before our clock said the intent started (clock skew with the CRM) is still ours.
CLOCK_MARGIN = timedelta(minutes=5)
# Outcomes are committed per chunk: a kill loses at most one chunk's answers, which the intents then recover.
MIN_CHUNK = 50
# A chunk waits for its slowest request before the next starts. Enough requests per chunk keep that wait a small
# share of the time: ten rounds of the writer's concurrent requests (Zoho's 10 batches in flight at 100 ms lost a
# fifth of the time at four), and for a paced client its calls of CHUNK_SECONDS.
CHUNK_ROUNDS = 10
CHUNK_SECONDS = 10.0
COUNTS = (
    "created",
    "recovered",
    "linked",
    "updated",
    "skipped",
    "rejected",
    "held",
    "failed",
    "waiting",
    "requests",
    "sent",
)
# Query parameters a URL must not carry into a table or a log.
SECRET_PARAMS = ("key", "token", "secret", "password", "auth", "code", "signature")

WriterFactory = Callable[[str, Client], Writer]
# system, records done, records to do
Progress = Callable[[str, int, int], None]


@dataclass
class SystemReport:
    system: str
    counts: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    seconds: float = 0.0
    requests: list[DryRunRequest] = field(default_factory=list)  # dry run: what would be sent


@dataclass
class PushReport:
    run_id: str
    dry_run: bool
    planned_at: datetime | None
    systems: list[SystemReport]
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return any(s.error for s in self.systems)

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for s in self.systems:
            total.update(s.counts)
        return total


def chunk_size(writer: Writer) -> int:
    """Records per chunk: what the writer sends in CHUNK_ROUNDS rounds of its concurrent requests, or in
    CHUNK_SECONDS at its client's pace, whichever is more."""
    requests = max(1, writer.concurrency) * CHUNK_ROUNDS
    interval = writer.client.pace.interval
    if interval:
        requests = max(requests, round(CHUNK_SECONDS / interval))
    return max(MIN_CHUNK, writer.batch_size * requests)


def new_run_id() -> str:
    return f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def redact(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (k, "***" if any(s in k.lower() for s in SECRET_PARAMS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def push(
    systems: Sequence[str] = SYSTEMS,
    *,
    dry_run: bool = False,
    warehouse: Path | WarehouseLocation | None = None,
    writers: WriterFactory = writer_for,
    progress: Progress | None = None,
    take_lock: bool = True,
    clients: Mapping[str, Client] | None = None,
    retry_rejected: bool = False,
    wait: float = 0.0,
) -> PushReport:
    """Push the plan to these systems.

    take_lock=False: the caller (sync) already holds the push lock. clients: open clients to reuse (sync keeps
    one per system across its rounds: Zoho hands out 10 access tokens per 10 minutes); others are made here.
    retry_rejected: also send what the API refused before, unchanged (held back otherwise).
    wait: seconds to wait for another process that holds the warehouse file (WarehouseBusy after that).
    """
    location = as_location(warehouse)
    started = time.perf_counter()
    with exclusive(location) if take_lock else nullcontext(), Warehouse(location, wait=wait) as store:
        store.ensure_schema()
        plan = read_plan(store, systems)
        run_id = new_run_id()
        store.start_run(run_id, dry_run=dry_run, systems=systems, planned_at=plan.planned_at)
        shared = clients or {}
        created = Created(store, plan)
        pushes = [
            SystemPush(s, plan, store, run_id, dry_run, writers, progress, shared.get(s), retry_rejected, created)
            for s in systems
        ]
        with ThreadPoolExecutor(max_workers=max(1, len(pushes)), thread_name_prefix="push") as pool:
            reports = list(pool.map(SystemPush.run, pushes))
        report = PushReport(run_id, dry_run, plan.planned_at, reports, time.perf_counter() - started)
        errors = "; ".join(f"{s.system}: {s.error}" for s in reports if s.error) or None
        store.finish_run(run_id, "failed" if report.failed else "ok", dict(report.totals()), errors)
    return report


class Created:
    """The ids of the records this plan creates, by plan_key, shared by the systems' threads: this run's answers,
    else created_links (a create of an earlier run on the same plan). A system's thread waits here for the creates
    its records depend on to be settled: landed, or not (and why)."""

    def __init__(self, store: Warehouse, plan: Plan) -> None:
        self.store = store
        self.planned = {r.key for r in plan.records}
        self.ids: dict[str, str] = {}
        self.missed: dict[str, str] = {}
        self.origin: dict[str, str] = {}  # a resolved record's key -> its key in the plan
        self.links: dict[int, dict[tuple[int, str], str]] = {}  # created_links per flow, read once
        self.settled = threading.Condition()

    def resolve(self, keys: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
        """Wait until these creates are settled; returns their ids, and why the others have none."""
        with self.settled:
            self.settled.wait_for(lambda: all(k in self.ids or k in self.missed or k not in self.planned for k in keys))
        ids: dict[str, str] = {}
        why: dict[str, str] = {}
        for key in keys:
            record_id = self.id_of(key)
            if record_id is None:
                why[key] = self.missed.get(key) or "not created yet"
            else:
                ids[key] = record_id
        return ids, why

    def id_of(self, key: str) -> str | None:
        if key in self.ids:
            return self.ids[key]
        flow_id, _, source_id = key.removeprefix(PLANNED).partition(":")
        source: str | None = self.id_of(source_id) if is_planned(source_id) else source_id
        if source is None or not flow_id.isdigit():
            return None
        flow = int(flow_id)
        if flow not in self.links:
            self.links[flow] = self.store.created_targets([flow])
        return self.links[flow].get((flow, source))

    def renamed(self, record: PlannedRecord, planned_key: str) -> None:
        self.origin[record.key] = planned_key

    def land(self, key: str, record_id: str) -> None:
        with self.settled:
            self.ids[self.origin.get(key, key)] = record_id
            self.settled.notify_all()

    def miss(self, key: str, why: str) -> None:
        with self.settled:
            key = self.origin.get(key, key)
            if key not in self.ids:
                self.missed.setdefault(key, why)
            self.settled.notify_all()


class SystemPush:
    """One system's share of a push run."""

    def __init__(
        self,
        system: str,
        plan: Plan,
        store: Warehouse,
        run_id: str,
        dry_run: bool,
        writer_for: WriterFactory,
        progress: Progress | None,
        client: Client | None = None,
        retry_rejected: bool = False,
        created: Created | None = None,
    ) -> None:
        self.system = system
        self.created = created or Created(store, plan)
        self.retry_rejected = retry_rejected
        self.client = client
        self.records = plan.of(system)
        self.waves = [[r for r in wave if r.system == system] for wave in plan.waves]
        self.planned_at = plan.planned_at
        self.store = store
        self.run_id = run_id
        self.dry_run = dry_run
        self.writer_for = writer_for
        self.progress = progress
        self.report = SystemReport(system)
        self.done = 0
        self.total = sum(r.sendable for r in self.records)

    def run(self) -> SystemReport:
        started = time.perf_counter()
        try:
            if self.records:
                api_names = {e.table: e.path for e in entities_of(self.system)}
                unknown = {r.entity for r in self.records} - set(api_names)
                if unknown:
                    raise ValueError(f"the plan names entities {sorted(unknown)} that {self.system} does not have")
                with nullcontext(self.client) if self.client else client_for(self.system) as client:
                    writer = self.writer_for(self.system, client)
                    # The plan's waves: what depends on no create of the plan, then what depends on the first wave...
                    for wave in self.waves:
                        for entity in api_names:  # the ingest order: parents before children
                            records = [r for r in wave if r.entity == entity]
                            if records:
                                self.push_entity(writer, entity, api_names[entity], records)
                                self.settle(records, "not created")
        except Exception as exc:
            self.report.error = describe(exc)
            log.warning("%s: push stopped: %s", self.system, self.report.error)
        finally:
            # Whatever this system did not get to: records of other systems waiting for it must not wait forever.
            self.settle(self.records, f"{self.system} push stopped: {self.report.error}")
        self.report.seconds = time.perf_counter() - started
        log.info("%s: %s in %.1f s", self.system, dict(self.report.counts), self.report.seconds)
        return self.report

    def advance(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.system, self.done, self.total)

    # -- one entity ---------------------------------------------------------------------------------------

    def land(self, resolved: Sequence[tuple[str, str, str | None]]) -> None:
        """Creates whose outcome was just committed (only then: a create that depends on one of them must find its
        created_link after a kill) are there for the records that wait for them."""
        for key, _, record_id in resolved:
            if record_id is not None:
                self.created.land(key, record_id)

    def settle(self, records: Sequence[PlannedRecord], why: str) -> None:
        for r in records:
            if r.made_from_source:
                self.created.miss(r.key, why)

    def resolve(self, records: list[PlannedRecord]) -> tuple[list[PlannedRecord], list[Outcome]]:
        """The records whose creates of this plan have landed, with their ids in; the others wait, saying why
        (in a dry run nothing is created: they are shown with the plan_keys in)."""
        ready: list[PlannedRecord] = []
        waiting: list[Outcome] = []
        for r in records:
            deps = r.depends_on
            if not deps or not r.sendable:
                ready.append(r)
                continue
            ids, why = self.created.resolve(deps)
            if why and self.dry_run:
                ready.append(r)
                continue
            if why and r.made_from_source:
                reason = "; ".join(f"waits for {key}: {reason}" for key, reason in why.items())
                waiting.append(self.outcome(r, "waiting", error=reason))
                self.created.miss(r.key, reason)
                continue
            if why:
                # An update sends its other fields; a reference to a record that was not created waits for it.
                late = sorted(name for name, value in r.fields.items() if value in why)
                for name in late:
                    value = r.fields[name]
                    waiting.append(
                        self.outcome(r, "waiting", error=f"waits for {value}: {why[value]}", field_name=name)
                    )
                r = replace(r, fields={k: v for k, v in r.fields.items() if k not in late})
                if not r.fields:
                    continue
            resolved = r.resolved(ids)
            self.created.renamed(resolved, r.key)
            ready.append(resolved)
        return ready, waiting

    def push_entity(self, writer: Writer, entity: str, api: str, records: list[PlannedRecord]) -> None:
        counts = self.report.counts
        records, blocked = self.resolve(records)
        counts["waiting"] += len({o.plan_key for o in blocked})
        self.advance(len(blocked))
        held = self.held_back(records) + blocked
        for o in held:
            self.created.miss(o.plan_key, f"{o.status}: {o.error}")
        counts["rejected"] += len({o.plan_key for o in held if o.status == "rejected"})
        counts["waiting"] += sum(o.status == "waiting" for o in held)
        sendable = [r for r in records if r.sendable]
        created = self.store.created_targets(
            r.flow_id for r in sendable if r.made_from_source and r.flow_id is not None
        )
        for r in sendable:
            if r.made_from_source and (r.flow_id, r.source_id) in created:
                self.created.land(r.key, created[(r.flow_id, r.source_id)])
        links = [r for r in sendable if r.is_link]
        self.link([r for r in links if (r.flow_id, r.source_id) not in created])
        sendable = [r for r in sendable if not r.is_link or (r.flow_id, r.source_id) in created]
        done = self.store.updates_done(self.system, entity, self.planned_at) if self.planned_at else set()
        to_send = [
            r
            for r in sendable
            if not (r.made_from_source and (r.flow_id, r.source_id) in created)
            and not (not r.is_create and (r.key, r.payload_hash()) in done)
        ]
        counts["skipped"] += len(sendable) - len(to_send)
        self.advance(len(sendable) - len(to_send))
        if not self.retry_rejected:
            # What the API refused is not sent again unchanged: it would be refused again (and Exact blocks a key
            # after 10 errors an hour). It goes out once its payload changes, or with --retry-rejected.
            refused = self.store.refusals(self.system, entity)
            unchanged = {r.key for r in to_send if refused.get(r.key, {}).get("payload_hash") == r.payload_hash()}
            held += [self.carried_refusal(r, refused[r.key]) for r in to_send if r.key in unchanged]
            counts["held"] += len(unchanged)
            self.advance(len(unchanged))
            to_send = [r for r in to_send if r.key not in unchanged]
        if self.dry_run:
            self.show(writer, entity, api, to_send)
            return
        self.store.record_outcomes(held)
        exclude = set(created.values())
        # Creates sent by an earlier run that never learnt their outcome: adopt what landed before creating.
        pending = self.store.pending_intents(self.system, entity)
        earlier = [r for r in to_send if r.is_create and r.key in pending]
        if earlier:
            since = min(i.started_at for r in earlier for i in pending[r.key])
            settled = self.recover(writer, entity, api, earlier, since, exclude, abandon_missing=True, sent=pending)
            to_send = [r for r in to_send if r.key not in settled]
        counts["sent"] += len(to_send)
        size = chunk_size(writer)
        lost: list[PlannedRecord] = []
        started = utcnow()
        for i in range(0, len(to_send), size):
            lost += self.send(writer, entity, api, to_send[i : i + size])
        # Creates of this run that got no answer: look for them now rather than a run later.
        if lost:
            self.recover(writer, entity, api, lost, started, exclude, abandon_missing=False)

    def link(self, records: list[PlannedRecord]) -> None:
        """Record the links the plan makes instead of creates, with their outcomes, in one commit (nothing is sent:
        a rerun after a kill finds them in created_links, or records them then)."""
        if not records:
            return
        self.report.counts["linked"] += len(records)
        self.advance(len(records))
        if self.dry_run:
            return
        at = utcnow()
        links = [CreatedLink(r.flow_id, r.source_id, r.record_id, at) for r in records if r.flow_id and r.source_id]
        self.store.record_outcomes([self.outcome(r, "linked", at=at) for r in records], links)
        self.land([(r.key, "linked", r.record_id) for r in records])

    def held_back(self, records: list[PlannedRecord]) -> list[Outcome]:
        """Outcomes of what the plan does not let through: waiting records, rejected fields."""
        now = utcnow()
        held: list[Outcome] = []
        for r in records:
            if r.waiting_for:
                held.append(self.outcome(r, "waiting", error=r.waiting_for, at=now))
                continue
            for name, reason in r.rejections.items():
                held.append(self.outcome(r, "rejected", error=reason, field_name=name, at=now))
        return held

    def carried_refusal(self, r: PlannedRecord, refusal: dict[str, Any]) -> Outcome:
        """A `held` outcome: the API's last refusal of this exact payload, carried into this run unsent."""
        return self.outcome(
            r, "held", http_status=refusal["http_status"], error=refusal["error"], field_name=refusal["field"]
        )

    def send(self, writer: Writer, entity: str, api: str, chunk: list[PlannedRecord]) -> list[PlannedRecord]:
        """Send one chunk; returns the creates whose outcome is unknown."""
        now = utcnow()
        self.store.record_intents(
            [
                Intent(
                    r.key, self.run_id, self.system, entity, r.flow_id, r.source_id, r.payload(), r.payload_hash(), now
                )
                for r in chunk
                if r.is_create
            ]
        )
        try:
            results = {res.key: res for res in writer.write(api, [r.write() for r in chunk])}
        except Exception as exc:
            # The writer gave up on the whole chunk (credentials, system down): nothing is known of any record.
            error = describe(exc)
            self.store.record_outcomes([self.outcome(r, "failed", error=error) for r in chunk])
            self.report.counts["failed"] += len(chunk)
            raise
        outcomes: list[Outcome] = []
        links: list[CreatedLink] = []
        resolved: list[tuple[str, str, str | None]] = []
        overwrites: list[Overwrite] = []
        lost: list[PlannedRecord] = []
        at = utcnow()
        for r in chunk:
            res = results.get(r.key) or Result(r.key, "failed", error="the writer returned no result for it")
            if r.is_create and res.status == "created" and not res.record_id:
                res = Result(r.key, "failed", http_status=res.http_status, error="created, but no id came back")
            record_id = res.record_id or r.record_id
            outcomes.append(
                self.outcome(
                    r,
                    res.status,
                    record_id=record_id,
                    http_status=res.http_status,
                    error=res.error,
                    field_name=res.field,
                    at=at,
                )
            )
            self.report.counts[res.status] += 1
            if res.status == "updated" and record_id:
                overwrites += self.overwrites(r, record_id, at)
            if r.is_create and res.status == "created" and res.record_id:
                resolved.append((r.key, "done", res.record_id))
                if r.flow_id is not None and r.source_id is not None:
                    links.append(CreatedLink(r.flow_id, r.source_id, res.record_id, at))
            elif r.is_create and res.status == "rejected":
                self.created.miss(r.key, f"rejected: {res.error}")
                resolved.append((r.key, "abandoned", None))  # refused: nothing was written
            elif r.is_create:
                lost.append(r)  # the intent stays pending
        self.store.record_outcomes(outcomes, links, resolved, overwrites)
        self.land(resolved)
        self.advance(len(chunk))
        refused = next((res for res in results.values() if res.status == "failed" and res.http_status == 401), None)
        if refused is not None:
            # The writer reports a refused login per record; it is the system's failure, not the records'.
            raise CRMError(self.system, entity, 401, refused.error or "credentials refused")
        return lost

    def overwrites(self, r: PlannedRecord, record_id: str, at: datetime) -> list[Overwrite]:
        """The values an update replaced, field by field, for `undo`: only the fields it sent."""
        return [
            Overwrite(self.run_id, self.system, r.entity, record_id, r.key, c.field, c.value_type, c.old, c.new, at)
            for c in r.changes
            if c.field in r.fields
        ]

    def recover(
        self,
        writer: Writer,
        entity: str,
        api: str,
        records: list[PlannedRecord],
        since: datetime,
        exclude: set[str],
        *,
        abandon_missing: bool,
        sent: Mapping[str, Sequence[Intent]] | None = None,
    ) -> set[str]:
        """Adopt records whose create landed unseen; returns the keys settled (adopted, or not safe to create).

        abandon_missing: a create not found was never applied (its intent is from an earlier run), so it may be
        sent again; within the run that sent it the answer may still be on its way, so its intent stays pending.
        sent: the earlier runs' intents by key. The record is looked for as they sent it, not only as the plan
        holds it now: a rebuild between the runs may have changed a merged value (a name's better form arrived),
        and a record that landed with the old value must be adopted, not created a second time.
        """
        writes = [
            Write(r.key, None, json.loads(i.payload)["fields"]) for r in records for i in (sent or {}).get(r.key, ())
        ]
        writes += [r.write() for r in records]
        try:
            found = writer.find_created(api, since - CLOCK_MARGIN, writes, set(exclude))
        except Exception as exc:
            if isinstance(exc, CRMError) and exc.status == 401:
                raise
            error = f"could not check for an earlier create: {describe(exc)}"
            log.warning("%s %s: %s", self.system, entity, error)
            if abandon_missing:
                # Without knowing whether they exist, creating them again could duplicate them: not this run.
                self.store.record_outcomes([self.outcome(r, "failed", error=error) for r in records])
                self.report.counts["failed"] += len(records)
                self.advance(len(records))
            return {r.key for r in records}
        at = utcnow()
        outcomes: list[Outcome] = []
        links: list[CreatedLink] = []
        resolved: list[tuple[str, str, str | None]] = []
        for r in records:
            record_id = found.get(r.key)
            if record_id is None:
                if abandon_missing:
                    resolved.append((r.key, "abandoned", None))
                continue
            exclude.add(record_id)
            outcomes.append(self.outcome(r, "recovered", record_id=record_id, at=at))
            resolved.append((r.key, "recovered", record_id))
            if r.flow_id is not None and r.source_id is not None:
                links.append(CreatedLink(r.flow_id, r.source_id, record_id, at))
        self.store.record_outcomes(outcomes, links, resolved)
        self.land(resolved)
        self.report.counts["recovered"] += len(outcomes)
        if abandon_missing:
            self.advance(len(outcomes))
        else:
            self.report.counts["failed"] -= len(outcomes)  # counted failed when their answer was lost
        return {o.plan_key for o in outcomes}

    # -- dry run --------------------------------------------------------------------------------------------

    def show(self, writer: Writer, entity: str, api: str, records: list[PlannedRecord]) -> None:
        """Store and report the exact requests a push would send, with each field's old → new."""
        by_key = {r.key: r for r in records}
        at = utcnow()
        shown: list[DryRunRequest] = []
        for request in writer.requests(api, [r.write() for r in records]) if records else []:
            shown.append(self.dry_run_request(request, entity, by_key, at))
        self.store.record_dry_run(shown)
        self.report.requests += shown
        counts = self.report.counts
        counts["requests"] += len(shown)
        counts["created"] += sum(r.is_create for r in records)
        counts["updated"] += sum(not r.is_create for r in records)
        self.advance(len(records))

    def dry_run_request(
        self, request: Request, entity: str, by_key: dict[str, PlannedRecord], at: datetime
    ) -> DryRunRequest:
        lines = []
        for key in request.keys:
            record = by_key[key]
            for change in record.changes:
                if change.field in record.fields:
                    lines.append(f"{key} {change.field}: {_show(change.old)} → {_show(change.new)}")
        body = None if request.json is None else json.dumps(request.json, ensure_ascii=False, sort_keys=True)
        return DryRunRequest(
            self.run_id,
            self.system,
            entity,
            ",".join(request.keys),
            request.method,
            redact(request.url),
            body,
            "\n".join(lines),
            at,
        )

    # -- rows -----------------------------------------------------------------------------------------------

    def outcome(
        self,
        r: PlannedRecord,
        status: str,
        *,
        record_id: str | None = None,
        http_status: int | None = None,
        error: str | None = None,
        field_name: str | None = None,
        at: datetime | None = None,
    ) -> Outcome:
        return Outcome(
            run_id=self.run_id,
            plan_key=r.key,
            action=r.action,
            system=r.system,
            entity=r.entity,
            record_id=record_id or r.record_id,
            flow_id=r.flow_id,
            source_id=r.source_id,
            status=status,
            http_status=http_status,
            error=error,
            field=field_name,
            payload=r.payload(),
            payload_hash=r.payload_hash(),
            pushed_at=at or utcnow(),
        )


def _show(value: str | None) -> str:
    return "∅" if value is None else repr(value)
