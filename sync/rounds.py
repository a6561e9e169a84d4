"""The sync in rounds (`python -m reverse_etl sync`): ingest → dbt build → push, until the systems agree.

One round reads every system (ingest), rebuilds the links and the plan (dbt, in-process, with only the data tests
that guard the push: GUARD; the rest of the suite runs once at the end of a sync that wrote anything), and pushes
the plan. The plan covers the whole chain (a record created in PowerOffice is created in Zoho, Custom CRM, Exact
and CRMOffice by one push, a contact with the account created just before it), and an edit reaches every record
of its cluster at once. Another round follows only when the round before needs one, and says why
(Round.because): it created records (read back, linked and checked), some failed (sent again), or the plan held
records for the next round's matching to decide (a record followed down the chain whose target may already hold
it, a later flow's twin of an earlier flow's create, and what waits for those). A record waiting for a review
decision, a parent its API refused or a parent that is not linked makes no round: the next would hold it back the
same. So the sync stops
when the plan has nothing left to send, when a round only updated records and left nothing for the next round's
matching (each update landed or was refused; the next sync's first build records the written values as agreed),
when a round made no progress (everything it sent was refused again), or at the bound (--max-rounds).

Where the time went: each step of a round (ingest, dbt, push) is timed, and the waits for the APIs inside it are
read from the clients' shared clock (connectors.base.API_CLOCK); the rest of a step is our own work. The summary
shows it per round and reverse_etl.sync_rounds keeps it.

DuckDB has one writer: the push's warehouse connection is closed while dlt and dbt write. The push lock is held
for the whole sync, so no push can slip in between its rounds.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner
from rich.console import Console

from connectors.base import API_CLOCK, Client
from connectors.config import SYSTEMS, client_for, dbt_environment, switched_off, warehouse_location
from ingest.pipeline import SystemResult, ingest
from reverse_etl.check import preflight
from reverse_etl.lock import exclusive
from reverse_etl.preview import FieldPreview, held_clears, read_preview
from reverse_etl.push import PushReport, push
from reverse_etl.warehouse import RoundTime, Warehouse, utcnow

ROOT = Path(__file__).resolve().parents[1]  # the dbt project: dbt_project.yml and profiles.yml


@dataclass
class DbtBuild:
    ok: bool  # the plan was rebuilt by this build (for a test run: every test passed)
    failures: list[str]
    seconds: float
    tests_failed: int = 0  # data tests that failed (in a round's build: tests that guard the push)


@dataclass
class Step:
    """One step of a round: its wall time and the part of it spent waiting for the APIs."""

    wall: float = 0.0
    limits: float = 0.0
    answers: float = 0.0

    @property
    def own(self) -> float:
        return max(0.0, self.wall - self.limits - self.answers)


@contextmanager
def timed(step: Step) -> Iterator[None]:
    started, (limits, answers) = time.perf_counter(), API_CLOCK.read()
    try:
        yield
    finally:
        now_limits, now_answers = API_CLOCK.read()
        step.wall += time.perf_counter() - started
        step.limits += now_limits - limits
        step.answers += now_answers - answers


@dataclass
class Steps:
    ingest: Step = field(default_factory=Step)
    dbt: Step = field(default_factory=Step)
    push: Step = field(default_factory=Step)  # with the first round's preview of the plan


@dataclass
class Round:
    number: int
    ingest: list[SystemResult]
    dbt: DbtBuild
    push: PushReport | None = None
    because: str = ""  # why the round before did not end the sync
    steps: Steps = field(default_factory=Steps)

    def time(self, sync_started_at: datetime) -> RoundTime:
        steps = (self.steps.ingest, self.steps.dbt, self.steps.push)
        return RoundTime(
            sync_started_at,
            self.number,
            self.push.run_id if self.push else None,
            wall_seconds=sum(s.wall for s in steps),
            api_limit_seconds=sum(s.limits for s in steps),
            api_answer_seconds=sum(s.answers for s in steps),
            ingest_seconds=self.steps.ingest.own,
            dbt_seconds=self.steps.dbt.own,
            push_seconds=self.steps.push.own,
        )


@dataclass
class SyncReport:
    started_at: datetime
    rounds: list[Round] = field(default_factory=list)
    stopped: str = ""
    seconds: float = 0.0
    # Read from the warehouse once the rounds are over.
    links: list[dict[str, Any]] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    preview: list[FieldPreview] = field(default_factory=list)  # the first round's planned updates per field
    held_clears: dict[str, int] = field(default_factory=dict)  # per system that emptied a filled field
    waiting_for_review: int = 0  # records not created beside a probable match (link_review) in the last round
    tests: DbtBuild | None = None  # the data tests the rounds did not run, once at the end (dbt_test)

    def written(self) -> dict[str, Counter[str]]:
        """Per system: created and updated over all rounds; rejected, failed, waiting as the last round left them."""
        per_system: dict[str, Counter[str]] = {}
        pushes = [r.push for r in self.rounds if r.push is not None]
        for report in pushes:
            for s in report.systems:
                counts = per_system.setdefault(s.system, Counter())
                counts["created"] += s.counts["created"] + s.counts["recovered"]
                counts["updated"] += s.counts["updated"]
        if pushes:
            for s in pushes[-1].systems:
                for name in ("failed", "waiting"):
                    per_system[s.system][name] = s.counts[name]
                per_system[s.system]["rejected"] = s.counts["rejected"] + s.counts["held"]
        return per_system

    def errors(self) -> list[str]:
        """What failed in the last round: systems that could not be read or written, a dbt build that failed."""
        if not self.rounds:
            return []
        last = self.rounds[-1]
        errors = [f"ingest {r.system}: {r.error}" for r in last.ingest if r.error]
        errors += [f"dbt: {f}" for f in last.dbt.failures + (self.tests.failures if self.tests else [])]
        if last.push is not None:
            errors += [f"push {s.system}: {s.error}" for s in last.push.systems if s.error]
        return errors


PROJECT = ("--project-dir", str(ROOT), "--profiles-dir", str(ROOT))


def dbt_vars() -> tuple[str, ...]:
    """The systems switched off, for dbt: their raw tables may be missing (never ingested; the staging models read
    an empty relation instead, macros/raw_source.sql) and nothing is planned for them."""
    return ("--vars", json.dumps({"switched_off": [s for s in SYSTEMS if switched_off(s)]}))


def dbt_runner() -> dbtRunner:
    """A dbt runner with the project parsed once: the project does not change during a sync, so no round's build
    parses it again. A project that does not parse fails the first build with dbt's own message."""
    with dbt_environment(warehouse_location()):
        parsed = dbtRunner().invoke(["parse", *PROJECT, *dbt_vars(), "--quiet", "--no-use-colors"])
    return dbtRunner(manifest=parsed.result) if parsed.success else dbtRunner()


# The data tests every round runs: the ones the push relies on (keys, links one-to-one, identity cluster violations,
# plan integrity), tagged `guard` in the models' YAML. The rest of the suite runs once at the end of a sync.
GUARD = "tag:guard"


def dbt_build(runner: dbtRunner | None = None, *, seeds: bool = True, guard_only: bool = False) -> DbtBuild:
    """`dbt build` in this process, on the warehouse the push uses: models and their data tests. Unit tests test
    the SQL, not the data, so they run in development and CI (`make test`), not in every round (as dbt advises).
    seeds=False leaves the seeds and their tests as the sync's first build loaded and tested them (the project
    does not change during a sync). guard_only=True runs only the data tests that guard the push (GUARD); a
    failed one stops the push, as any failed test stops the models built on what it tests."""
    exclude = ["test_type:unit"] if seeds else ["test_type:unit", "path:seeds"]
    select = ["--select", "resource_type:model", "resource_type:seed", GUARD, "--indirect-selection", "empty"]
    result, failures, seconds = _invoke(runner, ["build", *(select if guard_only else []), "--exclude", *exclude])
    plan_built = any(
        node.node.name == "sync_plan" and str(node.status) == "success"
        for node in getattr(result.result, "results", None) or []
    )
    if not plan_built and not failures:
        failures.append("the build did not rebuild sync_plan")
    return DbtBuild(plan_built, failures, seconds, _tests_failed(result))


def dbt_test(runner: dbtRunner | None = None) -> DbtBuild:
    """The data tests a round does not run (all but GUARD), on the warehouse as the last round built it."""
    result, failures, seconds = _invoke(runner, ["test", "--exclude", "test_type:unit", GUARD])
    return DbtBuild(not failures, failures, seconds, _tests_failed(result))


def _invoke(runner: dbtRunner | None, command: list[str]) -> tuple[Any, list[str], float]:
    """Run a dbt command on the warehouse; what failed, one line per node, and how long it took."""
    started = time.perf_counter()
    with dbt_environment(warehouse_location()):
        result = (runner or dbtRunner()).invoke([*command, *PROJECT, *dbt_vars(), "--quiet", "--no-use-colors"])
    failures: list[str] = []
    if result.exception is not None:
        failures.append(f"{type(result.exception).__name__}: {result.exception}")
    for node in getattr(result.result, "results", None) or []:
        status = str(node.status)
        if status in ("error", "fail", "runtime error"):
            failures.append(f"{node.node.resource_type} {node.node.name}: {status}: {(node.message or '')[:300]}")
    return result, failures, time.perf_counter() - started


def _tests_failed(result: Any) -> int:
    return sum(
        1
        for node in getattr(result.result, "results", None) or []
        if str(node.node.resource_type) == "test" and str(node.status) in ("error", "fail")
    )


def sync(
    systems: Sequence[str] = SYSTEMS,
    *,
    max_rounds: int = 8,
    full_refresh: bool = False,
    console: Console | None = None,
    take_lock: bool = True,
    retry_rejected: bool = False,
    wait: float = 0.0,
    all_tests: bool = False,
    guard_tests_only: bool = False,
) -> SyncReport:
    """Run rounds until nothing is left to send; every system not switched off is read, only `systems` are
    written. Each round's build runs the data tests that guard the push; the others run once at the end of a
    sync that wrote anything, or of every sync with all_tests, and never with guard_tests_only. Before any
    request: the seeds and the systems' configuration are checked (ConfigInvalid, ConfigurationError), and the
    warehouse must be free within `wait` seconds (WarehouseBusy)."""
    console = console or Console(quiet=True)
    started = time.perf_counter()
    report = SyncReport(utcnow())
    read_from = preflight(SYSTEMS)
    systems = [s for s in systems if s in read_from]
    with exclusive() if take_lock else nullcontext(), ExitStack() as open_clients:
        with Warehouse(wait=wait):
            pass  # another process holding the file stops the sync here, not in the middle of a round
        clients = _clients(systems, open_clients)
        because = ""
        runner: dbtRunner | None = None
        for number in range(1, max_rounds + 1):
            steps = Steps()
            with console.status(f"round {number}: ingest"), timed(steps.ingest):
                read = ingest(read_from, full_refresh=full_refresh and number == 1)
            with console.status(f"round {number}: dbt build"), timed(steps.dbt):
                runner = runner or dbt_runner()
                build = dbt_build(runner, seeds=number == 1, guard_only=True)
            current = Round(number, read, build, because=because if number > 1 else "", steps=steps)
            report.rounds.append(current)
            if not build.ok:
                report.stopped = "dbt build failed, the plan was not rebuilt: nothing pushed on a stale plan"
                break
            if build.tests_failed:
                report.stopped = f"{build.tests_failed} data tests that guard the push failed: nothing pushed"
                break
            if number == 1:
                with timed(steps.push), Warehouse() as store:
                    report.preview = read_preview(store, systems)
            with console.status(f"round {number}: push"), timed(steps.push):
                # What the API refused is retried once per sync when asked, not in every round.
                retry = retry_rejected and number == 1
                current.push = push(systems, take_lock=False, clients=clients, retry_rejected=retry)
            console.print(_round_line(current))
            totals = current.push.totals()
            landed = sum(totals[k] for k in ("created", "recovered", "linked", "updated"))
            if totals["sent"] + totals["recovered"] + totals["linked"] == 0:
                report.stopped = "nothing left to send" + _left_over(totals)
                break
            because = _why_another_round(current.push)
            # Only updates, each landed or refused (held back unchanged next round), and nothing waiting that the
            # next round's matching settles: the next sync's first build records what was written as agreed.
            if not because:
                report.stopped = "every update landed or was refused, nothing left to create" + _left_over(totals)
                break
            if landed == 0:
                report.stopped = "no progress: everything this round sent was refused or got no answer"
                break
        else:
            report.stopped = f"the bound of {max_rounds} rounds was reached (--max-rounds)"
        if not guard_tests_only and (all_tests or _wrote(report)):
            with console.status("dbt test"), timed(report.rounds[-1].steps.dbt):
                report.tests = dbt_test(runner)
    report.seconds = time.perf_counter() - started
    _read_results(report)
    return report


def _wrote(report: SyncReport) -> bool:
    """Whether any round's push changed a record in a system."""
    return any(
        r.push.totals()[k] for r in report.rounds if r.push is not None for k in ("created", "recovered", "updated")
    )


def _left_over(totals: Counter[str]) -> str:
    """What the plan still holds that a sync cannot send: refused, held back unchanged, waiting."""
    parts = [
        f"{totals[name]} {label}"
        for name, label in (
            ("rejected", "rejected"),
            ("held", "refused before and unchanged"),
            ("waiting", "waiting"),
        )
        if totals[name]
    ]
    return f" ({', '.join(parts)})" if parts else ""


# What a record waiting in a push waits for (its reason as int_sync__creates and push.py give it, the innermost one
# where it waits for a parent that waits), in words, and whether another round can settle it: the plan holds a
# create for the next round's matching, a create that did not land is sent again; a review decision, a parent the
# API refused and a parent that is not linked (its link was closed) are the same next round.
WAITING = (
    ("chain:", "may already be in its target (decided by the next round's matching)", True),
    ("flow ", "wait for an earlier flow's create of a twin", True),
    ("review:", "wait for a review decision", False),
    ("rejected:", "wait for a parent the API refused", False),
    ("held:", "wait for a parent the API refused before", False),
)
NOT_LINKED = (" is not linked in flow ", "wait for a parent that is not linked", False)
NOT_LANDED = ("", "wait for a create that did not land", True)
PARENT = re.compile(r"^(waits for \S+: (waiting: )?)+")


def waiting_reason(error: str | None) -> tuple[str, bool]:
    """What a waiting record waits for, in words, and whether another round can settle it."""
    reason = PARENT.sub("", error or "")
    _, words, another_round = next(
        (w for w in WAITING if reason.startswith(w[0])),
        NOT_LINKED if NOT_LINKED[0] in reason else NOT_LANDED,
    )
    return words + (" (through a parent)" if reason != (error or "") else ""), another_round


def _why_another_round(report: PushReport) -> str:
    """Why the round after this one is needed (empty: it is not): what it must read back and link, what waits for
    its matching, what is to be sent again. Records waiting for a review, a refused parent or a parent that is not
    linked need no round: the next one would hold them back the same."""
    totals = report.totals()
    parts = []
    created = totals["created"] + totals["recovered"]
    if created:
        parts.append(f"{created} created to read back and link")
    if totals["linked"]:
        parts.append(f"{totals['linked']} linked to a twin instead of created, to merge")
    if totals["waiting"]:
        with Warehouse() as store:
            rows = store.outcomes([report.run_id], ["waiting"])
        kinds = Counter(waiting_reason(r["error"]) for r in {r["plan_key"]: r for r in rows}.values())
        parts += [f"{n} {words}" for (words, settled), n in kinds.most_common() if settled]
    for name, words in (("failed", "failed, to send again"), ("skipped", "done before, to read back")):
        if totals[name]:
            parts.append(f"{totals[name]} {words}")
    return "; ".join(parts)


def _clients(systems: Sequence[str], stack: ExitStack) -> dict[str, Client]:
    """One client per system for every round's push; a system that cannot make one is reported by the push."""
    clients: dict[str, Client] = {}
    for system in systems:
        try:
            clients[system] = stack.enter_context(client_for(system))
        except Exception:
            continue  # the push makes its own attempt and reports the error with the system
    return clients


def _round_line(current: Round) -> str:
    assert current.push is not None
    t = current.push.totals()
    read_errors = sum(1 for r in current.ingest if r.error)
    parts = [
        f"round {current.number}" + (f" (because: {current.because})" if current.because else "") + ":",
        f"created {t['created'] + t['recovered']}, linked {t['linked']}, updated {t['updated']},",
        f"rejected {t['rejected'] + t['held']},",
        f"failed {t['failed']}, waiting {t['waiting']}",
        f"(dbt {current.dbt.seconds:.0f} s, push {current.push.seconds:.0f} s)",
    ]
    if read_errors:
        parts.append(f"[red]{read_errors} systems could not be read[/red]")
    return " ".join(parts)


def _read_results(report: SyncReport) -> None:
    """What the summary shows from the warehouse: links per flow, conflicts, the last push's rejections."""
    with Warehouse() as store:
        store.record_rounds([r.time(report.started_at) for r in report.rounds])
        if store.exists("flows"):
            for flow in store.flows():
                name = flow["flow_name"]
                counts = store.link_counts(name) if store.exists(f"link_{name}") else {}
                report.links.append({**flow, **counts})
        if store.exists("sync_conflicts"):
            report.conflicts = store.conflicts_since(report.started_at)
        report.held_clears = held_clears(store)
        run_ids = [r.push.run_id for r in report.rounds[-1:] if r.push is not None]
        if run_ids and store.exists("push_outcomes", "reverse_etl"):
            report.rejected = store.outcomes(run_ids, ["rejected", "held"])
            waiting = store.outcomes(run_ids, ["waiting"])
            report.waiting_for_review = len(
                {row["plan_key"] for row in waiting if (row["error"] or "").startswith("review:")}
            )
