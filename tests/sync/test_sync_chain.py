"""The hidden chain in one sync (issue #16), on both warehouses (issue #18): records entered at the head of the
chain of flows reach every system the flows take them to in one `python -m reverse_etl sync` of at most two rounds
(one that writes, one that reads it back); a sync after edits at both ends of the chain takes one round and
carries each edit to the other end; the sync after that sends no write. With CRM_SYNC_WAREHOUSE a PostgreSQL URL,
no DuckDB file is written.

PowerOffice → Zoho → Custom CRM → Exact / CRMOffice: a company and a person created in PowerOffice (PowerOffice
does not tie a person to a company, so the person's Exact contact, which needs an account, is not created and says
why); an account with a contact created in Zoho, whose Custom CRM and Exact contacts must point to the Custom CRM
customer and Exact account the same push creates. The first sync is started twice at once: one runs, the other
stops and names it, and nothing is created twice. Then the company's city is changed in Exact (the tail) and the
person's last name in PowerOffice (the head). The smallest seeded world, and records no other one resembles.

A company entered in PowerOffice whose twin Custom CRM holds already (same name, phone and place): the plan matches
the Custom CRM customer it would make down the chain against Custom CRM and links it to the twin in the first push
instead of creating it beside it (int_sync__twins_<level>).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reverse_etl.__main__ import EXIT_NOTHING_RAN
from tests.helpers.postgres import PostgresServer
from tests.sync.conftest import ROOT, SyncWorld, sync_world, value_at

pytestmark = [pytest.mark.slow(syncs=3), pytest.mark.timeout(1800)]  # syncs per warehouse

ADDRESS = {"City": "Tromsø", "ZipCode": "9008", "CountryCode": "NO"}
PO_COMPANY = {"Name": "Kjedeprøve Havørn AS", "MailAddress": ADDRESS, "PhoneNumber": "+47 77 60 10 20"}
PO_PERSON = {"IsPerson": True, "FirstName": "Sigrid", "LastName": "Kjedeprøve", "EmailAddress": "sigrid@kjede.no"}
ZOHO_ACCOUNT = {"Account_Name": "Kjedeprøve Fjellrev AS", "Billing_City": "Alta", "Billing_Code": "9510"}
ZOHO_CONTACT = {"First_Name": "Ola", "Last_Name": "Fjellrev-Kjede", "Email": "ola@fjellrev-kjede.no"}
TWIN_ADDRESS = {"City": "Bodø", "ZipCode": "8006", "CountryCode": "NO"}
PO_TWIN = {"Name": "Kjedetvilling Ørn AS", "MailAddress": TWIN_ADDRESS, "PhoneNumber": "+47 75 50 10 20"}
CUSTOM_TWIN = {
    "Name": "Kjedetvilling Ørn AS",
    "City": "Bodø",
    "ZipCode": "8006",
    "Country": "NO",
    "Phone": "+47 75 50 10 20",
}
EDITED_PHONE = "+47 77 60 10 99"  # the company's new phone, entered in PowerOffice (the head)
TAIL_EDIT = "Hammerfest"  # the company's new city, entered in Exact
HEAD_EDIT = "Kjedeprøve-Lien"  # the person's new last name, entered in PowerOffice


@dataclass
class Chain:
    world: SyncWorld
    created: dict[str, str] = field(default_factory=dict)  # what the test created at the head -> its id
    first: str = ""  # what the first sync printed
    edited: str = ""  # what the sync after the edits at both ends printed
    refused: str = ""  # what the sync started beside it printed
    runner_pid: int = 0  # the process of the first sync
    refused_code: int = 0
    # system.entity -> records held before the first sync, and after the last
    records_before: dict[str, int] = field(default_factory=dict)
    records_after: dict[str, int] = field(default_factory=dict)
    duckdb_files: list[Path] = field(default_factory=list)  # written in the world's folder or the project
    writes_before_quiet_sync: int = 0
    writes_after_quiet_sync: int = 0

    def members(self, system: str, entity: str, record_id: str) -> dict[tuple[str, str], str]:
        """The records of this record's identity cluster, by system and entity."""
        rows = self.world.query(
            "select c2.system, c2.entity, c2.record_id from identity_clusters as c1"
            " join identity_clusters as c2 on c2.cluster_id = c1.cluster_id"
            " where c1.system = ? and c1.entity = ? and c1.record_id = ?",
            system,
            entity,
            record_id,
        )
        return {(r["system"], r["entity"]): r["record_id"] for r in rows}

    def get(self, system: str, entity: str, record_id: str) -> dict[str, Any]:
        with self.world.client(system) as c:
            return c.get(self.world.api_entity(system, entity), record_id)  # type: ignore[no-any-return]


def two_syncs_at_once(chain: Chain) -> None:
    """Two `python -m reverse_etl sync` started together against one warehouse: one runs, one finds it running."""
    world = chain.world
    # The rest of the data tests run at the end of the edits' sync, the world's last that writes.
    command = [sys.executable, "-m", "reverse_etl", "sync", "--max-rounds", "10", "--guard-tests-only"]
    started = [
        subprocess.Popen(command, cwd=world.folder, env=world.command_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    printed = [process.communicate(timeout=900)[0] for process in started]
    runner = next((i for i, process in enumerate(started) if process.returncode == 0), None)
    assert runner is not None, f"neither sync ran:\n{printed[0][-3000:]}\n{printed[1][-3000:]}"
    chain.first, chain.runner_pid = printed[runner], started[runner].pid
    chain.refused, chain.refused_code = printed[1 - runner], started[1 - runner].returncode


def record_counts(world: SyncWorld) -> dict[str, int]:
    return {name: sum(held.values()) for name, held in world.state().items()}


def duckdb_files(folder: Path) -> dict[Path, int]:
    """DuckDB files (and their lock and WAL files) in the world's folder or beside the project: path -> mtime."""
    found = [*folder.rglob("*.duckdb*"), *ROOT.glob("*.duckdb*")]
    return {path: path.stat().st_mtime_ns for path in found}


# The two warehouses' worlds are independent: each its own unit of work for pytest -n (tests/conftest.py), so the two
# workers build them side by side.
WAREHOUSES = [pytest.param(name, marks=pytest.mark.xdist_group(f"chain-{name}")) for name in ("duckdb", "postgres")]


@pytest.fixture(scope="module", params=WAREHOUSES)
def chain(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    folder = Path(tmp_path_factory.mktemp(f"chain_{request.param}"))
    url = None
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database("chain")
    before = duckdb_files(folder)
    with sync_world(folder, records=0, seed=1, warehouse=url) as world:
        chain = Chain(world)
        with world.writer("poweroffice") as po:
            chain.created["po_company"] = po.create("Customers", PO_COMPANY)
            chain.created["po_person"] = po.create("Customers", PO_PERSON)
            chain.created["po_twin"] = po.create("Customers", PO_TWIN)
        with world.writer("customcrm") as custom:
            chain.created["custom_twin"] = custom.create("customers", CUSTOM_TWIN)
        with world.writer("zohocrm") as zoho:
            account = chain.created["zoho_account"] = zoho.create("Accounts", ZOHO_ACCOUNT)
            chain.created["zoho_contact"] = zoho.create("Contacts", {**ZOHO_CONTACT, "Account_Name.id": account})
        chain.records_before = record_counts(world)
        two_syncs_at_once(chain)
        company = chain.members("poweroffice", "customers", chain.created["po_company"])
        with world.writer("exact") as exact:
            exact.update("Accounts", company[("exact", "accounts")], {"City": TAIL_EDIT})
        with world.writer("poweroffice") as po:
            po.update("Customers", chain.created["po_company"], {"PhoneNumber": EDITED_PHONE})
            po.update("Customers", chain.created["po_person"], {"LastName": HEAD_EDIT})
        chain.edited = world.sync().stdout
        chain.writes_before_quiet_sync = world.writes()
        world.sync()
        chain.writes_after_quiet_sync = world.writes()
        chain.records_after = record_counts(world)
        after = duckdb_files(folder)
        chain.duckdb_files = sorted(path for path, mtime in after.items() if before.get(path) != mtime)
        yield chain


def rounds(printed: str) -> int:
    return len(re.findall(r"^round \d+", printed, re.M))


def test_one_sync_of_at_most_two_rounds(chain: Chain) -> None:
    assert 1 <= rounds(chain.first) <= 2, chain.first[-3000:]


def test_a_sync_after_edits_takes_one_round_and_carries_the_head_edit_down_the_chain(chain: Chain) -> None:
    assert rounds(chain.edited) == 1, chain.edited[-3000:]
    members = chain.members("poweroffice", "customers", chain.created["po_company"])
    down = (("zohocrm", "accounts"), ("customcrm", "customers"), ("exact", "accounts"))
    phones = {system: chain.get(system, entity, members[(system, entity)])["Phone"] for system, entity in down}
    digits = {system: re.sub(r"\D", "", phone or "") for system, phone in phones.items()}
    assert digits == dict.fromkeys(phones, re.sub(r"\D", "", EDITED_PHONE)), phones


def test_a_company_created_in_poweroffice_reaches_zoho_custom_crm_and_exact(chain: Chain) -> None:
    members = chain.members("poweroffice", "customers", chain.created["po_company"])
    wanted = {
        ("zohocrm", "accounts"): "Account_Name",
        ("customcrm", "customers"): "Name",
        ("exact", "accounts"): "Name",
    }
    assert set(wanted) <= set(members), members
    for (system, entity), name_field in wanted.items():
        assert chain.get(system, entity, members[(system, entity)])[name_field] == PO_COMPANY["Name"]


def test_a_person_created_in_poweroffice_reaches_zoho_custom_crm_and_crmoffice(chain: Chain) -> None:
    members = chain.members("poweroffice", "customers", chain.created["po_person"])
    assert {("zohocrm", "contacts"), ("customcrm", "contacts"), ("crmoffice", "contacts")} <= set(members), members
    assert chain.get("crmoffice", "contacts", members[("crmoffice", "contacts")])["email"] == PO_PERSON["EmailAddress"]
    # Exact needs an account for a contact; PowerOffice ties none to a person: not sent, and the plan says why.
    assert ("exact", "contacts") not in members
    why = chain.world.query(
        "select rejection from sync_plan where action = 'create' and system = 'exact' and entity = 'contacts'"
        " and rejection is not null"
    )
    assert [r["rejection"] for r in why] == ["Account is required: the source record has no value for it"]


def test_a_contact_is_created_under_the_account_the_same_push_created(chain: Chain) -> None:
    account = chain.members("zohocrm", "accounts", chain.created["zoho_account"])
    contact = chain.members("zohocrm", "contacts", chain.created["zoho_contact"])
    assert {("customcrm", "contacts"), ("exact", "contacts"), ("crmoffice", "contacts")} <= set(contact), contact
    assert (
        chain.get("customcrm", "contacts", contact[("customcrm", "contacts")])["CustomerId"]
        == account[("customcrm", "customers")]
    )
    assert chain.get("exact", "contacts", contact[("exact", "contacts")])["Account"] == account[("exact", "accounts")]


def test_every_record_of_the_chain_was_created_once_by_the_first_push(chain: Chain) -> None:
    heads = {
        "po_company": ("poweroffice", "customers"),
        "po_person": ("poweroffice", "customers"),
        "zoho_account": ("zohocrm", "accounts"),
        "zoho_contact": ("zohocrm", "contacts"),
    }
    made = [
        (system, entity, record_id)
        for name, (system, entity) in heads.items()
        for (system, entity), record_id in chain.members(system, entity, chain.created[name]).items()
        if record_id != chain.created[name]
    ]
    # 3 for the company, 3 for the person (no Exact contact), 2 + 3 for the account and its contact.
    assert len(made) == 11
    first_run = chain.world.query("select min(run_id) as run_id from reverse_etl.push_runs")[0]["run_id"]
    created = chain.world.query(
        "select system, entity, record_id, run_id from reverse_etl.push_outcomes where status = 'created'"
    )
    runs = {(r["system"], r["entity"], r["record_id"]): r["run_id"] for r in created}
    assert {m: runs.get(m) for m in made} == dict.fromkeys(made, first_run)


def test_a_record_whose_twin_is_down_the_chain_is_linked_to_it_in_the_first_push(chain: Chain) -> None:
    members = chain.members("poweroffice", "customers", chain.created["po_twin"])
    assert members[("customcrm", "customers")] == chain.created["custom_twin"], members
    assert ("zohocrm", "accounts") in members and ("exact", "accounts") in members, members
    first_run = chain.world.query("select min(run_id) as run_id from reverse_etl.push_runs")[0]["run_id"]
    linked = chain.world.query(
        "select run_id, flow_id, record_id from reverse_etl.push_outcomes where status = 'linked'"
    )
    assert {(r["run_id"], r["flow_id"], r["record_id"]) for r in linked} == {
        (first_run, 1, chain.created["custom_twin"])
    }
    with chain.world.client("customcrm") as c:
        named = [r for page in c.pages("customers") for r in page if r["Name"] == CUSTOM_TWIN["Name"]]
    assert len(named) == 1


def test_of_two_syncs_started_at_once_one_runs_and_the_other_names_it(chain: Chain) -> None:
    assert chain.refused_code == EXIT_NOTHING_RAN, chain.refused[-3000:]
    refused = " ".join(chain.refused.split())
    assert "another push or sync" in refused and f"pid {chain.runner_pid})" in refused, refused
    # Nothing was pushed twice: each source record was created once per flow, and the systems gained exactly the
    # records the pushes say they created.
    created = chain.world.query(
        "select system, entity, flow_id, source_id from reverse_etl.push_outcomes where status = 'created'"
    )
    assert len({(r["flow_id"], r["source_id"]) for r in created}) == len(created) > 0
    grown = {
        name: after - chain.records_before.get(name, 0)
        for name, after in chain.records_after.items()
        if after != chain.records_before.get(name, 0)
    }
    assert grown == Counter(f"{r['system']}.{r['entity']}" for r in created)


def test_an_edit_at_the_tail_reaches_the_head(chain: Chain) -> None:
    members = chain.members("poweroffice", "customers", chain.created["po_company"])
    cities = {("poweroffice", "customers"): "MailAddress.City", ("zohocrm", "accounts"): "Billing_City",
              ("customcrm", "customers"): "City", ("exact", "accounts"): "City"}  # fmt: skip
    held = {where: value_at(chain.get(*where, members[where]), path) for where, path in cities.items()}
    assert held == dict.fromkeys(cities, TAIL_EDIT)


def test_an_edit_at_the_head_reaches_the_tail(chain: Chain) -> None:
    members = chain.members("poweroffice", "customers", chain.created["po_person"])
    names = {("poweroffice", "customers"): "LastName", ("zohocrm", "contacts"): "Last_Name",
             ("customcrm", "contacts"): "LastName", ("crmoffice", "contacts"): "familyName"}  # fmt: skip
    held = {where: chain.get(*where, members[where])[name_field] for where, name_field in names.items()}
    assert held == dict.fromkeys(names, HEAD_EDIT)


def test_the_sync_after_it_sends_no_write(chain: Chain) -> None:
    assert chain.writes_after_quiet_sync == chain.writes_before_quiet_sync


def test_only_a_duckdb_warehouse_writes_a_duckdb_file(chain: Chain) -> None:
    if chain.world.location.is_postgres:
        assert chain.duckdb_files == []
    else:
        assert chain.world.warehouse in chain.duckdb_files
