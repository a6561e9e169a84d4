"""Flows 8 and 14 ship switched off: they send Custom CRM products into CRMOffice companies and Exact contacts, as
the dataflow documents say. Switched on the way a user would (`enabled` true and no reason in seeds/flows.csv, and
for flow 14 the Exact account its contacts go under in dbt_project.yml's `create_defaults`), a sync creates and
links them like every other flow."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.conftest import ROOT, SyncWorld, sync_world

pytestmark = [pytest.mark.slow(syncs=1), pytest.mark.timeout(1200)]

# What `python -m reverse_etl sync` needs of a checkout: the code it runs and the dbt project.
PROJECT = ("connectors", "ingest", "reverse_etl", "sync", "models", "macros", "seeds", "tests/dbt")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", ".dlt/config.toml")
PRODUCT_FLOWS = (8, 14)


def switched_on(copy: Path, exact_account: str) -> Path:
    """This checkout's project copied to `copy`, with flows 8 and 14 switched on."""
    for name in PROJECT:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in PROJECT_FILES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    flows_csv = copy / "seeds" / "flows.csv"
    rows = list(csv.DictReader(flows_csv.open(newline="")))
    for row in rows:
        if int(row["flow_id"]) in PRODUCT_FLOWS:
            row["enabled"], row["disabled_reason"] = "true", ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    flows_csv.write_text(out.getvalue())
    project = copy / "dbt_project.yml"
    text = project.read_text()
    assert 'Account: ""' in text, "dbt_project.yml no longer holds flow 14's create_defaults"
    project.write_text(text.replace('Account: ""', f'Account: "{exact_account}"'))
    return copy


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncWorld]:
    with sync_world(Path(tmp_path_factory.mktemp("product-flows")), records=8, seed=3) as world:
        with world.client("exact") as exact:
            account = next(r["ID"] for page in exact.pages("Accounts") for r in page)
        world.project_dir = switched_on(world.warehouse.parent / "project", account)
        world.account = account  # type: ignore[attr-defined]
        world.sync()
        yield world


@pytest.mark.parametrize("flow_id", PRODUCT_FLOWS)
def test_every_product_gets_a_linked_record_carrying_its_name(world: SyncWorld, flow_id: int) -> None:
    flow = world.query("select * from flows where flow_id = ?", flow_id)[0]
    assert flow["enabled"]
    products = world.query(
        "select product_id, name from stg_customcrm__products"
        " where product_id not in (select product_id from stg_customcrm__products_deleted)"
    )
    links = {
        r["source_id"]: r["target_id"]
        for r in world.query(f"select source_id, target_id from link_{flow['flow_name']} where is_active")
    }
    assert products and set(links) == {p["product_id"] for p in products}
    system, entity, field = {8: ("crmoffice", "companies", "name"), 14: ("exact", "Contacts", "LastName")}[flow_id]
    with world.client(system) as client:
        for product in products:
            target = client.get(entity, links[product["product_id"]])
            assert target[field] == product["name"], (flow_id, product)
            if flow_id == 14:
                assert target["Account"] == world.account  # type: ignore[attr-defined]
