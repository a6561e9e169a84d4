"""A person with no shared key: one in PowerOffice, a differently spelt, differently addressed copy in Zoho.

Real sandbox over HTTP, real ingest into DuckDB, real dbt (`dbt build` of the seeds and models; their data tests run
in tests/dbt/test_dbt_build.py), then the real push: the pair is linked by the probabilistic matching or listed for
review, and the push never creates the PowerOffice person in Zoho a second time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from connectors.config import SYSTEMS, client_for
from ingest.pipeline import ingest
from reverse_etl.push import push
from tests.helpers.sandbox import running_sandbox
from tests.helpers.writing import writer
from tests.ingest.conftest import point_at

ROOT = Path(__file__).resolve().parents[2]
FLOW = "poweroffice_person__zohocrm_contact"
pytestmark = pytest.mark.slow

# The same woman: first and last name each one typo apart, birth date with two digits swapped, another address
# (moved within Oslo), no e-mail or phone in either system.
PO_PERSON = {
    "IsPerson": True,
    "FirstName": "Kristine",
    "LastName": "Johannessen",
    "DateOfBirth": "1984-03-12",
    "MailAddress": {"AddressLine1": "Storgata 12", "ZipCode": "0155", "City": "Oslo", "CountryCode": "NO"},
}
ZOHO_CONTACT = {
    "First_Name": "Kristina",
    "Last_Name": "Johanessen",
    "Date_of_Birth": "1984-03-21",
    "Mailing_Street": "Kirkeveien 5",
    "Mailing_Zip": "0368",
    "Mailing_City": "Oslo",
    "Mailing_Country": "Norway",
}


def test_a_probable_match_is_linked_or_reviewed_and_never_created_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_sandbox(tmp_path / "sandbox", records=30, seed=11) as sandbox:
        warehouse = point_at(monkeypatch, sandbox, tmp_path)
        monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
        monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
        with writer("poweroffice") as po:
            person = po.create("Customers", PO_PERSON)
        with writer("zohocrm") as zoho:
            contact = zoho.create("Contacts", ZOHO_CONTACT)
        assert not [r.error for r in ingest(SYSTEMS) if r.error]

        models_only = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        build = dbtRunner().invoke(
            ["build", *models_only, "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--quiet"]
        )
        assert build.success, build.exception or [
            (r.node.name, r.message) for r in build.result if str(r.status) not in ("success", "pass")
        ]

        with duckdb.connect(str(warehouse.path)) as con:
            linked = con.execute(
                f"select target_id, match_rule, match_probability, match_key from main.link_{FLOW} "
                "where is_active and source_id = ?",
                [person],
            ).fetchall()
            reviewed = con.execute(
                "select target_id, review_reason, match_probability from main.link_review "
                "where flow_id = 11 and source_id = ?",
                [person],
            ).fetchall()
            creates = con.execute(
                "select distinct waiting_for from main.sync_plan where action = 'create' and flow_id = 11 "
                "and source_id = ?",
                [person],
            ).fetchall()
        if linked:
            target, rule, probability, evidence = linked[0]
            assert (target, rule) == (contact, "probabilistic")
            assert probability >= 0.99 and "last_name one_edit" in evidence, evidence
            assert creates == []
        else:
            assert [r[0] for r in reviewed] == [contact], reviewed
            assert creates == [(f"review: zohocrm contacts {contact}",)]

        # In this process: dbt's connection holds the warehouse file.
        pushed = push(["zohocrm"])
        assert not [s.error for s in pushed.systems if s.error]
        with client_for("zohocrm") as zoho:
            namesakes = [
                c for page in zoho.pages("Contacts") for c in page if (c.get("Last_Name") or "").startswith("Johan")
            ]
        assert [c["id"] for c in namesakes] == [contact], "the person was created in Zoho a second time"
