"""The data tests every sync round runs (tag `guard`, sync/rounds.py GUARD) are the ones the push relies on: every
link table's keys and one-to-one rule, every staging model's primary key, the identity clusters and the plan's
integrity. The rest of the suite runs once at the end of a sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dbt.cli.main import dbtRunner

from sync.rounds import GUARD
from tests.helpers.dbt_parse import start_from_parse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("guard")
    paths = ["--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    start_from_parse(tmp / "target", vars=None)
    run = dbtRunner().invoke(["parse", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), *paths])
    assert run.success, run.exception
    return run.result


def guarded(manifest: Any) -> set[tuple[str, str, str]]:
    """(model tested, column or '', test name) of every data test tagged guard."""
    tag = GUARD.removeprefix("tag:")
    found = set()
    for node in manifest.nodes.values():
        if node.resource_type != "test" or tag not in node.tags:
            continue
        tested = [manifest.nodes[p].name for p in node.depends_on.nodes if p.startswith("model.")]
        generic = getattr(node, "test_metadata", None)  # a generic test (unique, ...); else a singular test's file
        for model in tested[:1] if generic else tested:
            found.add((model, getattr(node, "column_name", None) or "", generic.name if generic else node.name))
    return found


def test_every_link_table_guards_its_keys_and_one_to_one(manifest: Any) -> None:
    found = guarded(manifest)
    links = [
        n.name
        for n in manifest.nodes.values()
        if n.resource_type == "model" and n.original_file_path.startswith("models/links/flows/")
    ]
    assert links
    for link in links:
        for column in ("link_id", "source_id", "target_id"):
            assert {(link, column, "unique"), (link, column, "not_null")} <= found, (link, column)


def test_every_staging_key_the_clusters_and_the_plan_are_guarded(manifest: Any) -> None:
    found = guarded(manifest)
    staging = {n.name for n in manifest.nodes.values() if n.resource_type == "model" and n.name.startswith("stg_")}
    keyed = {model for model, _, test in found if model in staging and test == "unique"}
    assert keyed == {name for name in staging if not name.endswith("_deleted")}
    assert ("identity_clusters", "record_key", "unique") in found
    assert ("identity_cluster_violations", "", "assert_one_record_per_system_entity_per_cluster") in found
    assert {("sync_plan", "", "unique_combination"), ("sync_plan", "", "expression_is_true")} <= found
    assert ("sync_plan", "", "assert_sync_plan_sends_no_invalid_value") in found
    # The guards are the push's: a small part of the suite, which still runs whole at the end of a sync.
    tests = [n for n in manifest.nodes.values() if n.resource_type == "test"]
    assert len(found) < len(tests) / 4
