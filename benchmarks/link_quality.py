"""Precision and recall of the links, per flow, against the sandbox's ground truth.

Seeds a sandbox (its data dir gets ground_truth.csv: kind, key, system, entity, id), serves it, runs the real
ingest and `dbt build` into a fresh warehouse, then compares every flow's active links with the true pairs: a pair
is true when the source record and the target record carry the same kind and key in the ground truth. It also
checks that no link was made through an e-mail address that two different real-world customers share.

    python -m benchmarks.link_quality [--records 2000] [--seed 7] [--noise plain|hard] [--results]

Exit status 1 when a link goes through a shared e-mail.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from benchmarks import sandbox_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


@dataclass
class FlowQuality:
    flow_id: int
    flow_name: str
    enabled: bool
    true_pairs: int
    links: int
    correct: int
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        return self.correct / self.links if self.links else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.true_pairs if self.true_pairs else None


def _truth(con: duckdb.DuckDBPyConnection, ground_truth: Path) -> None:
    con.execute(
        "create or replace temp table truth as select kind, key, system, lower(entity) as entity, id "
        "from read_csv(?, all_varchar = true)",
        [str(ground_truth)],
    )


def measure(warehouse: Path, ground_truth: Path) -> list[FlowQuality]:
    """Every flow's active links against the true pairs of its source and target system and entity."""
    con = duckdb.connect(str(warehouse))  # read-only use; same settings as an in-process dbt
    try:
        _truth(con, ground_truth)
        flows = con.execute(
            "select flow_id, flow_name, source_system, source_entity, target_system, target_entity, enabled "
            "from main.flows order by flow_id"
        ).fetchall()
        results = []
        for flow_id, name, ss, se, ts, te, enabled in flows:
            true_pairs = con.execute(
                """select count(*) from truth s join truth t on s.kind = t.kind and s.key = t.key
                where s.system = ? and s.entity = ? and t.system = ? and t.entity = ?""",
                [ss, se, ts, te],
            ).fetchone()[0]
            rows = con.execute(
                f"""select l.match_rule, count(*), count(t.id)
                from main.link_{name} as l
                left join truth as s on s.system = ? and s.entity = ? and s.id = l.source_id
                left join truth as t on t.system = ? and t.entity = ? and t.id = l.target_id
                    and t.kind = s.kind and t.key = s.key
                where l.is_active
                group by 1 order by 2 desc""",
                [ss, se, ts, te],
            ).fetchall()
            results.append(
                FlowQuality(
                    flow_id=flow_id,
                    flow_name=name,
                    enabled=bool(enabled),
                    true_pairs=true_pairs,
                    links=sum(r[1] for r in rows),
                    correct=sum(r[2] for r in rows),
                    by_rule={r[0]: r[1] for r in rows},
                )
            )
        return results
    finally:
        con.close()


def shared_email_links(warehouse: Path, ground_truth: Path) -> list[tuple[Any, ...]]:
    """Active links made on an e-mail address that records of two or more different real-world things hold, in
    any system: (flow_name, source_id, target_id, e-mail, how many things hold it)."""
    con = duckdb.connect(str(warehouse))  # read-only use; same settings as an in-process dbt
    try:
        _truth(con, ground_truth)
        keys = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_name like 'int\\_%\\_\\_match\\_keys' escape '\\'"
            ).fetchall()
        ]
        emails = " union all ".join(
            f"select '{t.split('__')[0][4:]}' as system, '{t.split('__')[1]}' as entity, record_id, email "
            f"from main.{t} where email is not null"
            for t in keys
        )
        con.execute(
            f"""create temp table holders as
            select e.email, count(distinct truth.kind || truth.key) as things
            from ({emails}) as e
            join truth on truth.system = e.system and truth.entity = e.entity and truth.id = e.record_id
            group by e.email"""
        )
        flows = [r[0] for r in con.execute("select flow_name from main.flows order by flow_id").fetchall()]
        found: list[tuple[Any, ...]] = []
        for name in flows:
            found += con.execute(
                f"""select '{name}', l.source_id, l.target_id, l.match_key, h.things
                from main.link_{name} as l join holders as h on h.email = l.match_key
                where l.is_active and l.match_rule = 'email' and h.things > 1"""
            ).fetchall()
        return found
    finally:
        con.close()


def table(results: list[FlowQuality]) -> str:
    lines = [
        "| # | flow | true pairs | links | precision | recall | links by rule |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for q in results:
        p = "–" if q.precision is None else f"{q.precision:.4f}"
        r = "–" if q.recall is None else f"{q.recall:.4f}"
        rules = ", ".join(f"{k} {v:,}" for k, v in q.by_rule.items()) or ("off" if not q.enabled else "–")
        lines.append(f"| {q.flow_id} | {q.flow_name} | {q.true_pairs:,} | {q.links:,} | {p} | {r} | {rules} |")
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------------------


@contextmanager
def served_sandbox(data_dir: Path, records: int, seed: int, noise: str = "plain") -> Iterator[int]:
    """Seed a sandbox into data_dir and serve it (limits off) in its own process; yields the port."""
    with sandbox_server.served_sandbox(data_dir, records=records, seed_value=seed, noise=noise) as served:
        yield served.port


def dbt(*args: str) -> None:
    """Run dbt in this process (the project's profiles.yml reads DBT_DUCKDB_PATH)."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--quiet"])
    if not result.success:
        raise RuntimeError(f"dbt {' '.join(args)} failed: {result.exception or result.result}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000, help="records per entity and system (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--noise", choices=("plain", "hard"), default="plain", help="the world's person noise (sandbox seed --noise)"
    )
    parser.add_argument("--results", action="store_true", help="write the table into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)

    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    work = Path(tempfile.mkdtemp(prefix="link-quality-"))
    data_dir = work / "sandbox"
    os.environ["DBT_DUCKDB_PATH"] = str(work / "warehouse.duckdb")
    os.environ["CRM_SYNC_PIPELINES_DIR"] = str(work / "pipelines")
    os.environ["DBT_TARGET_PATH"] = str(work / "target")
    os.environ["DBT_LOG_PATH"] = str(work / "logs")
    timings = {}
    started = time.perf_counter()
    with served_sandbox(data_dir, args.records, args.seed, args.noise) as port:
        timings["seed"] = time.perf_counter() - started
        t = time.perf_counter()
        sandbox_server.ingest_sandbox(port)
        timings["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    dbt("build")
    timings["dbt build"] = time.perf_counter() - t

    warehouse, truth = work / "warehouse.duckdb", data_dir / "ground_truth.csv"
    results = measure(warehouse, truth)
    shared = shared_email_links(warehouse, truth)
    report = table(results)
    print(report)
    print(f"links through an e-mail that several real-world things share: {len(shared)}")
    print("timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    OUT.mkdir(exist_ok=True)
    suffix = "" if args.noise == "plain" else f"_{args.noise}"
    (OUT / f"link_quality_{args.records}_{args.seed}{suffix}.json").write_text(
        json.dumps(
            {
                "records": args.records,
                "seed": args.seed,
                "noise": args.noise,
                "flows": [asdict(q) for q in results],
                "shared": shared,
            },
            indent=2,
            default=str,
        )
    )
    if args.results and args.noise == "plain":  # the section it replaces is the plain world's
        write_results(report, len(shared), args.records, args.seed)
    return 1 if shared else 0


def write_results(report: str, shared: int, records: int, seed: int) -> None:
    """The table under '## Link quality' in benchmarks/RESULTS.md (replacing an earlier one)."""
    section = "\n".join(
        [
            "## Link quality per flow (issue #4)",
            "",
            f"`python -m benchmarks.link_quality --records {records}`: the sandbox seeded with {records:,} records per",
            f"entity (seed {seed}), the real ingest, `dbt build` (every test passing), then each flow's active links",
            "against the sandbox's ground truth (a pair is true when both records are the same company, person,",
            "product or department). Flow 3 (deals → orders) is never matched: the push creates and links orders.",
            "Flows 8 and 14 are off (products into companies / contacts; no true pairs exist).",
            "",
            report,
            "",
            f"Links made through an e-mail address that two or more different real-world things share: **{shared}**.",
            "",
        ]
    )
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text()
    start = text.find("## Link quality per flow")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
