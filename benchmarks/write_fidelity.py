"""Does the first sync make any CRM's data worse? Classify the planned updates of a fresh world's first meeting.

Seeds a sandbox, serves it, runs the real ingest and `dbt seed` + `dbt run` into a fresh warehouse (no push), then
reads every planned update that replaces a filled value (`sync_plan`, action `update`) and classifies it, in
Python and independently of the SQL that planned it:

- equivalent: the two values are forms of one value (text equal after case, accents, spacing and punctuation;
  e-mails equal in lower case; websites with the same host; phones with the same E.164 number in one of the
  sandbox's countries; org numbers with the same digits after a country prefix and MVA);
- worse: the new value is a worse form of the old one: case lost (same text, old mixed case, new all lower or all
  upper), country code lost (old phone international, new national), information dropped (the new text's words
  are a strict subset of the old one's: a legal form or a street number dropped), fewer digits (the new number's
  digits are a strict part of the old one's), another identifier kind (a VAT number into an org-number field);
- other: a real change of value.

    python -m benchmarks.write_fidelity --records 300 [--seed 7] [--project-dir DIR] [--keep DIR]

`--project-dir` runs another checkout's dbt project (e.g. main's, exported with `git archive`) on the same world,
so before and after are measured with one classifier.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import phonenumbers

from benchmarks.link_quality import served_sandbox
from benchmarks.sandbox_server import ingest_sandbox

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ("NO", "DK", "NL", "GB")  # the sandbox's countries (sandbox/world.py)
ORG_FIELDS = {"OrgNumber", "Account_Number", "ChamberOfCommerce"}
VAT_SHAPE = re.compile(r"(?:[A-Z]{2})+[0-9][0-9A-Z]{7,11}")  # NL123456789B01, GBGB123456789
WORSE = ("case lost", "country code lost", "information dropped", "fewer digits", "another identifier kind")


def fold(text: str) -> str:
    """Case, accents, spacing and punctuation aside (A/S = A.S. = as)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ø", "o").replace("æ", "ae"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = re.sub(r"[./'’]", "", letters)
    return " ".join(re.sub(r"[\W_]+", " ", letters).split())


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def e164_forms(text: str) -> set[str]:
    """The E.164 numbers a phone may be, read in each of the sandbox's countries."""
    forms = set()
    for country in COUNTRIES:
        try:
            number = phonenumbers.parse(text, country)
        except phonenumbers.NumberParseException:
            continue
        forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return forms


def is_international(text: str) -> bool:
    return text.strip().startswith("+") or digits(text).startswith("00")


def org_digits(text: str) -> str:
    return re.sub(r"^(NO|DK|NL|GB|SE|FI)+|MVA$", "", re.sub(r"[^0-9A-Z]", "", text.upper()))


def is_mixed(text: str) -> bool:
    return text != text.lower() and text != text.upper()


def host(text: str) -> str:
    return re.sub(r"^[a-z][a-z0-9+.-]*://|^www[0-9]*\.|[/?#:].*$", "", text.strip().lower()).removeprefix("www.")


EQUIVALENT: dict[str, Callable[[str, str], bool]] = {
    "text": lambda a, b: fold(a) == fold(b),
    "email": lambda a, b: a.strip().lower() == b.strip().lower(),
    "website": lambda a, b: host(a) == host(b),
    "phone": lambda a, b: bool(e164_forms(a) & e164_forms(b)) or digits(a) == digits(b),
    "org_number": lambda a, b: org_digits(a) == org_digits(b),
}


def classify(compare_as: str, field_name: str, old: str, new: str) -> str:
    """`equivalent`, one of WORSE, or `other`."""
    if EQUIVALENT.get(compare_as, str.__eq__)(old, new):
        if compare_as == "text" and is_mixed(old) and not is_mixed(new):
            return "case lost"
        if compare_as == "phone" and is_international(old) and not is_international(new):
            return "country code lost"
        return "equivalent"
    if compare_as == "phone" and is_international(old) and not is_international(new):
        return "country code lost"
    is_vat = VAT_SHAPE.fullmatch(new.replace(" ", "")) and not VAT_SHAPE.fullmatch(old.replace(" ", "").upper())
    if compare_as == "org_number" and field_name in ORG_FIELDS and is_vat:
        return "another identifier kind"
    if compare_as in ("phone", "org_number") and digits(new) and digits(new) in digits(old) != digits(new):
        return "fewer digits"
    if compare_as == "text":
        old_words, new_words = set(fold(old).split()), set(fold(new).split())
        if new_words and new_words < old_words:
            return "information dropped"
    return "other"


@dataclass
class Measured:
    updates: int = 0  # planned updates that replace a filled value
    fills: int = 0  # planned updates of an empty field
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)


def measure(warehouse: Path) -> Measured:
    con = duckdb.connect(str(warehouse))  # same settings as the in-process dbt's connection
    try:
        compare = {}
        for ss, se, sf, ts, te, tf, how in con.execute(
            """select f.source_system, f.source_entity, m.source_field, f.target_system, f.target_entity,
                m.target_field, m.compare_as
            from main.field_mappings as m join main.flows as f using (flow_id)"""
        ).fetchall():
            compare[(ss, se, sf)] = compare[(ts, te, tf)] = how
        rows = con.execute(
            "select system, entity, field, old_value, new_value from main.sync_plan where action = 'update'"
        ).fetchall()
    finally:
        con.close()
    result = Measured()
    for system, entity, field_name, old, new in rows:
        if old is None or not str(old).strip():
            result.fills += 1
            continue
        if new is None:
            continue  # a clear (issue #19), not a form of the value
        result.updates += 1
        kind = classify(compare.get((system, entity, field_name), "text"), field_name, str(old), str(new))
        result.counts[kind] += 1
        examples = result.examples.setdefault(kind, [])
        if len(examples) < 3:
            examples.append(f"{system}.{entity}.{field_name}: {old!r} → {new!r}")
    return result


def dbt(project: Path, *args: str) -> None:
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([*args, "--project-dir", str(project), "--profiles-dir", str(project), "--quiet"])
    if not result.success:
        failed = [(r.node.name, r.message) for r in (result.result or []) if r.status in ("error", "fail")]
        raise RuntimeError(f"dbt {' '.join(args)} failed: {result.exception or failed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300, help="records per entity and system (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="the dbt project to build (default: this)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument(
        "--reuse", action="store_true", help="build on the world --keep ingested before (its ingested.duckdb)"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    work = args.keep or Path(tempfile.mkdtemp(prefix="write-fidelity-"))
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "warehouse.duckdb"
    os.environ["DBT_DUCKDB_PATH"] = str(warehouse)
    os.environ["CRM_SYNC_PIPELINES_DIR"] = str(work / "pipelines")
    # one parse cache per project: main's and this checkout's must not read each other's
    os.environ["DBT_TARGET_PATH"] = str(work / f"target-{args.project_dir.resolve().name}")
    os.environ["DBT_LOG_PATH"] = str(work / "logs")
    ingested = work / "ingested.duckdb"
    if not (args.reuse and ingested.exists()):
        with served_sandbox(work / "sandbox", args.records, args.seed) as port:
            ingest_sandbox(port)
        shutil.copyfile(warehouse, ingested)
    # every build starts from the ingested world alone: no links or agreed values of an earlier build
    shutil.copyfile(ingested, warehouse)
    dbt(args.project_dir, "seed")
    dbt(args.project_dir, "run")
    result = measure(warehouse)
    print(f"{args.records} records per entity, seed {args.seed}, project {args.project_dir}")
    print(f"planned updates of a filled value: {result.updates:,}; fills of an empty field: {result.fills:,}")
    for kind in ("equivalent", *WORSE, "other"):
        print(f"  {kind}: {result.counts[kind]:,}")
        for example in result.examples.get(kind, []):
            print(f"      {example}")
    worse = sum(result.counts[k] for k in WORSE)
    return 1 if worse or result.counts["equivalent"] else 0


if __name__ == "__main__":
    sys.exit(main())
