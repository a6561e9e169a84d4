"""No shared key: a person in PowerOffice and a differently spelt, differently addressed copy in Zoho; a company in
PowerOffice and a differently spelt copy in Zoho without its organisation number.

Real sandbox over HTTP, real ingest into DuckDB, real dbt (`dbt build` of the seeds and models; their data tests run
in tests/dbt/test_dbt_build.py), then the real push: each pair is linked by the probabilistic matching or listed for
review, and the push never creates the PowerOffice record in Zoho a second time.
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
# The same company: its organisation number only in PowerOffice, its name written two ways (too far apart for the
# exact rules' name_fuzzy), the same address; no e-mail, phone or website in either system.
PO_COMPANY = {
    "IsPerson": False,
    "Name": "Nordvik Rørlegger AS",
    "OrganizationNumber": "987654325",
    "MailAddress": {"AddressLine1": "Sjøgata 41", "ZipCode": "8006", "City": "Bodø", "CountryCode": "NO"},
}
ZOHO_ACCOUNT = {
    "Account_Name": "Nordvik Rørleggerservice",
    "Billing_Street": "Sjøgata 41",
    "Billing_Code": "8006",
    "Billing_City": "Bodø",
    "Billing_Country": "Norway",
}


def test_probable_matches_are_linked_or_reviewed_and_never_created_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_sandbox(tmp_path / "sandbox", records=30, seed=11) as sandbox:
        warehouse = point_at(monkeypatch, sandbox, tmp_path)
        monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
        monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
        with writer("poweroffice") as po:
            person = po.create("Customers", PO_PERSON)
            company = po.create("Customers", PO_COMPANY)
        with writer("zohocrm") as zoho:
            contact = zoho.create("Contacts", ZOHO_CONTACT)
            account = zoho.create("Accounts", ZOHO_ACCOUNT)
        assert not [r.error for r in ingest(SYSTEMS) if r.error]

        models_only = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        build = dbtRunner().invoke(
            ["build", *models_only, "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), "--quiet"]
        )
        assert build.success, build.exception or [
            (r.node.name, r.message) for r in build.result if str(r.status) not in ("success", "pass")
        ]

        with duckdb.connect(str(warehouse.path)) as con:
            flow_11 = "poweroffice_person__zohocrm_contact"
            _linked_or_reviewed(con, 11, flow_11, person, ("contacts", contact), "last_name one_edit")
            flow_9 = "poweroffice_customer__zohocrm_account"
            _linked_or_reviewed(con, 9, flow_9, company, ("accounts", account), "name jaro_winkler")

        # In this process: dbt's connection holds the warehouse file.
        pushed = push(["zohocrm"])
        assert not [s.error for s in pushed.systems if s.error]
        with client_for("zohocrm") as zoho:
            namesakes = [
                c for page in zoho.pages("Contacts") for c in page if (c.get("Last_Name") or "").startswith("Johan")
            ]
            companies = [
                a for page in zoho.pages("Accounts") for a in page if str(a.get("Account_Name")).startswith("Nordvik")
            ]
        assert [c["id"] for c in namesakes] == [contact], "the person was created in Zoho a second time"
        assert [a["id"] for a in companies] == [account], "the company was created in Zoho a second time"


def _linked_or_reviewed(
    con: duckdb.DuckDBPyConnection, flow_id: int, flow: str, source: str, target: tuple[str, str], evidence_has: str
) -> None:
    """The source record is linked to the target by the probabilistic rule (its evidence naming `evidence_has`), or
    the pair is in review and the source record's create waits for it."""
    entity, target_id = target
    linked = con.execute(
        f"select target_id, match_rule, match_probability, match_key from main.link_{flow} "
        "where is_active and source_id = ?",
        [source],
    ).fetchall()
    reviewed = con.execute(
        "select target_id from main.link_review where flow_id = ? and source_id = ?", [flow_id, source]
    ).fetchall()
    creates = con.execute(
        "select distinct waiting_for from main.sync_plan where action = 'create' and flow_id = ? and source_id = ?",
        [flow_id, source],
    ).fetchall()
    if linked:
        found, rule, probability, evidence = linked[0]
        assert (found, rule) == (target_id, "probabilistic"), linked
        assert probability >= 0.99 and evidence_has in evidence, evidence
        assert creates == []
    else:
        assert [r[0] for r in reviewed] == [target_id], reviewed
        assert creates == [(f"review: zohocrm {entity} {target_id}",)]
