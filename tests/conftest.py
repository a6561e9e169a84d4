"""Shared fixtures: real sandbox servers on random loopback ports. Telemetry is off for every tool."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers.postgres import PostgresServer, running_postgres
from tests.helpers.sandbox import RunningSandbox, running_sandbox

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Tests run against sandboxes: chosen explicitly for every system, as `make demo` does (see connectors/config.py).
os.environ.setdefault("CRM_SYNC_SANDBOX", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first: pytest -n --dist loadfile hands modules to the workers in this order (pyproject:
    --no-loadscope-reorder), and a long module handed out last keeps one worker busy while the other idles. A
    module's cost is what it declares: marked slow, and its timeout. Stable: a module's tests keep their order."""

    def cost(item: pytest.Item) -> tuple[bool, float]:
        marks = getattr(getattr(item, "module", None), "pytestmark", [])
        marks = marks if isinstance(marks, list) else [marks]
        timeout = max((m.args[0] if m.args else m.kwargs["timeout"] for m in marks if m.name == "timeout"), default=0)
        return (not any(m.name == "slow" for m in marks), -timeout)

    items.sort(key=cost)


@pytest.fixture
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """An empty sandbox with rate limits off."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture(scope="module")
def seeded_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A sandbox seeded with about 300 records per entity (seed 7), shared by one test module: read-only use."""
    with running_sandbox(tmp_path_factory.mktemp("seeded"), records=300, seed=7) as running:
        yield running


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1 (one per test worker); skipped with an install hint where there is
    none, a failure in CI (tests/helpers/postgres.py)."""
    with running_postgres() as server:
        yield server
