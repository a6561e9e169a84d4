"""Shared fixtures: real sandbox servers on random loopback ports. Telemetry is off for every tool."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from xdist.scheduler import LoadGroupScheduling

from tests.helpers.postgres import PostgresServer, running_postgres
from tests.helpers.sandbox import RunningSandbox, running_sandbox

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Tests run against sandboxes: chosen explicitly for every system, as `make demo` does (see connectors/config.py).
os.environ.setdefault("CRM_SYNC_SANDBOX", "1")


class ModuleScheduling(LoadGroupScheduling):
    """pytest -n --dist loadgroup (pyproject), with a module the unit of work as under --dist loadfile, so a
    module's expensive fixtures run once; tests marked `xdist_group` are a unit of their own. A module whose
    module-scoped fixture is parametrized into independent worlds marks each parameter with its own group: each
    world is still built once, and the two workers build them side by side."""

    def _split_scope(self, nodeid: str) -> str:
        grouped = super()._split_scope(nodeid)
        return grouped if grouped != nodeid else nodeid.split("::", 1)[0]


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> ModuleScheduling | None:
    return ModuleScheduling(config, log) if config.getvalue("dist") == "loadgroup" else None  # type: ignore[arg-type]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest units of work first: pytest -n hands them to the workers in this order (pyproject:
    --no-loadscope-reorder), and a long one handed out last keeps one worker busy while the other idles. A
    module's cost is what it declares: marked slow, the whole syncs a unit of it runs (`slow(syncs=N)`: a sync
    costs its rounds of ingest and dbt build, whatever the world's size), then its timeout. Stable: a module's
    tests keep their order."""

    def cost(item: pytest.Item) -> tuple[bool, int, float]:
        marks = getattr(getattr(item, "module", None), "pytestmark", [])
        marks = marks if isinstance(marks, list) else [marks]
        slow = [m for m in marks if m.name == "slow"]
        syncs = max((m.kwargs.get("syncs", 0) for m in slow), default=0)
        timeout = max((m.args[0] if m.args else m.kwargs["timeout"] for m in marks if m.name == "timeout"), default=0)
        return (not slow, -syncs, -timeout)

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
