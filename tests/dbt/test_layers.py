"""The dbt stages run in one direction (dbt_project.yml): no model reads a model of a later stage."""

from __future__ import annotations

from pathlib import Path

from dbt.cli.main import dbtRunner

from tests.helpers.dbt_parse import start_from_parse

ROOT = Path(__file__).resolve().parents[2]
# Folder under models/ → its place in the order; the merge (intermediate/sync) runs after the links.
STAGES = {"staging": 0, "intermediate": 1, "links": 2, "intermediate/sync": 3, "marts": 4}


def stage(path: str) -> int:
    folders = Path(path).parts[1:-1]
    return STAGES.get("/".join(folders[:2]), STAGES[folders[0]])


def test_no_model_reads_a_later_stage(tmp_path: Path) -> None:
    paths = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    start_from_parse(tmp_path / "target", vars=None)
    run = dbtRunner().invoke(["parse", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT), *paths])
    assert run.success, run.exception
    models = {uid: node for uid, node in run.result.nodes.items() if node.resource_type == "model"}
    backwards = [
        (node.name, models[parent].name)
        for node in models.values()
        for parent in node.depends_on.nodes
        if parent in models and stage(models[parent].original_file_path) > stage(node.original_file_path)
    ]
    assert backwards == []
    assert {"prev"} <= {source for node in models.values() for source, _ in node.sources}
