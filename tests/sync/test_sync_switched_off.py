"""A customer without CRMOffice and WebCRM switches them off (SOURCES__<SYSTEM>__ENABLED=false) and never ingests
them: `python -m reverse_etl sync` builds on their missing raw tables (macros/raw_source.sql), plans nothing for
them, never calls them, and the four others sync among themselves: a PowerOffice company reaches Zoho, Custom CRM
and Exact; a Zoho contact reaches Custom CRM and Exact but not CRMOffice (flow 7 targets a switched-off system).
The smallest world: the records the test creates and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sync.conftest import SyncWorld, sync_world
from tests.sync.test_sync_chain import PO_COMPANY, ZOHO_ACCOUNT, ZOHO_CONTACT

pytestmark = [pytest.mark.slow(syncs=1), pytest.mark.timeout(900)]

OFF = ("crmoffice", "webcrm")


@dataclass
class SwitchedOff:
    world: SyncWorld
    printed: str  # what the sync printed, whitespace collapsed
    po_company: str
    zoho_contact: str

    def cluster(self, system: str, entity: str, record_id: str) -> set[tuple[str, str]]:
        rows = self.world.query(
            "select c2.system, c2.entity from identity_clusters as c1"
            " join identity_clusters as c2 on c2.cluster_id = c1.cluster_id"
            " where c1.system = ? and c1.entity = ? and c1.record_id = ?",
            system,
            entity,
            record_id,
        )
        return {(r["system"], r["entity"]) for r in rows}


@pytest.fixture(scope="module")
def switched_off(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SwitchedOff]:
    with sync_world(Path(tmp_path_factory.mktemp("switched-off")), records=0, seed=1) as world:
        world.env.update({f"SOURCES__{system.upper()}__ENABLED": "false" for system in OFF})
        with world.writer("poweroffice") as po:
            po_company = po.create("Customers", PO_COMPANY)
        with world.writer("zohocrm") as zoho:
            account = zoho.create("Accounts", ZOHO_ACCOUNT)
            zoho_contact = zoho.create("Contacts", {**ZOHO_CONTACT, "Account_Name.id": account})
        printed = " ".join(world.sync().stdout.split())
        yield SwitchedOff(world, printed, po_company, zoho_contact)


def test_the_sync_converges_without_the_switched_off_systems(switched_off: SwitchedOff) -> None:
    printed = switched_off.printed
    assert "stopped: nothing left to send" in printed or "stopped: every update landed" in printed, printed[-3000:]


def test_a_switched_off_system_is_neither_read_nor_written(switched_off: SwitchedOff) -> None:
    world = switched_off.world
    for system in OFF:
        assert world.sandbox.stats(system)["requests"] == 0, system
    planned = world.query("select system, count(*) as n from sync_plan group by system")
    assert not [row for row in planned if row["system"] in OFF]
    assert not world.query(
        "select * from information_schema.tables where table_schema in ('raw_crmoffice', 'raw_webcrm')"
    )


def test_the_other_systems_sync_among_themselves(switched_off: SwitchedOff) -> None:
    assert switched_off.cluster("poweroffice", "customers", switched_off.po_company) == {
        ("poweroffice", "customers"),
        ("zohocrm", "accounts"),
        ("customcrm", "customers"),
        ("exact", "accounts"),
    }
    assert switched_off.cluster("zohocrm", "contacts", switched_off.zoho_contact) == {
        ("zohocrm", "contacts"),
        ("customcrm", "contacts"),
        ("exact", "contacts"),
    }
