"""Ingest test fixtures: a seeded sandbox and a fresh warehouse per test, wired through the environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.dbt_parse import run_in
from tests.helpers.sandbox import RunningSandbox, running_sandbox


@dataclass
class IngestPaths:
    path: Path
    pipelines: Path


@pytest.fixture(scope="module")
def source_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("ingest-sandbox"), records=120, seed=11) as running:
        yield running


def point_at(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox, tmp_path: Path) -> IngestPaths:
    """Make the product's default configuration reach this sandbox and load into a fresh warehouse."""
    monkeypatch.setenv("SANDBOX_PORT", sandbox.base_url.rsplit(":", 1)[1])
    warehouse = IngestPaths(run_in(monkeypatch, tmp_path), tmp_path / "pipelines")
    monkeypatch.setenv("CRM_SYNC_PIPELINES_DIR", str(warehouse.pipelines))
    return warehouse


@pytest.fixture
def warehouse(monkeypatch: pytest.MonkeyPatch, source_sandbox: RunningSandbox, tmp_path: Path) -> IngestPaths:
    return point_at(monkeypatch, source_sandbox, tmp_path)
