"""Never a silent mix of real and emulated systems: every system is configured or switched off, and the sandbox
is used only when chosen for all of them; anything else is refused before the first request, naming the system."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from connectors.config import (
    SYSTEMS,
    ConfigurationError,
    client_for,
    enabled_systems,
    sandbox_chosen,
    system_config,
)
from reverse_etl.__main__ import EXIT_CONFIG, main
from tests.helpers.sandbox import RunningSandbox

ROOT = Path(__file__).resolve().parents[2]


def configure(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox, systems: list[str]) -> None:
    """Configure these systems as real ones are (base URL and credentials), pointing at the sandbox's APIs."""
    monkeypatch.delenv("CRM_SYNC_SANDBOX", raising=False)
    for system in systems:
        monkeypatch.setenv(f"SOURCES__{system.upper()}__BASE_URL", sandbox.url(system))
        for key, value in sandbox.credentials(system).items():
            monkeypatch.setenv(f"SOURCES__{system.upper()}__CREDENTIALS__{key.upper()}", value)


def requests_made(sandbox: RunningSandbox) -> int:
    stats = sandbox.admin("GET", "/stats")["systems"]
    return sum(stats[s]["requests"] for s in SYSTEMS)


def test_five_configured_and_one_forgotten_is_refused_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
    sandbox: RunningSandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("SANDBOX_PORT", sandbox.base_url.rsplit(":", 1)[1])  # the sandbox runs, but is not chosen
    configure(monkeypatch, sandbox, [s for s in SYSTEMS if s != "webcrm"])

    assert main(["sync"]) == EXIT_CONFIG
    out = " ".join(capsys.readouterr().out.split())
    assert "refused before any request" in out and "webcrm is not configured" in out, out
    assert all(f"{s} is not configured" not in out for s in SYSTEMS if s != "webcrm")
    assert requests_made(sandbox) == 0
    assert not (tmp_path / "warehouse.duckdb").exists(), "nothing was built"

    # Switched off, it is simply not synced; the five others are.
    monkeypatch.setenv("SOURCES__WEBCRM__ENABLED", "false")
    assert enabled_systems() == [s for s in SYSTEMS if s != "webcrm"]
    with pytest.raises(ConfigurationError, match=r"webcrm is switched off \(sources.webcrm.enabled = false\)"):
        system_config("webcrm")


def test_nothing_configured_and_no_sandbox_chosen_names_every_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_SYNC_SANDBOX")
    with pytest.raises(ConfigurationError) as refused:
        enabled_systems()
    assert all(f"{s} is not configured" in str(refused.value) for s in SYSTEMS)


def test_a_real_url_beside_the_chosen_sandbox_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SYNC_SANDBOX", "1")
    monkeypatch.setenv("SOURCES__EXACT__BASE_URL", "https://start.exactonline.nl")
    with pytest.raises(ConfigurationError, match=r"exact: the sandbox was chosen .* never mixed") as refused:
        enabled_systems()
    assert "zohocrm" not in str(refused.value)


def test_the_chosen_sandbox_tells_its_urls_and_credentials(
    monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox
) -> None:
    monkeypatch.setenv("CRM_SYNC_SANDBOX", "1")
    monkeypatch.setenv("SANDBOX_PORT", sandbox.base_url.rsplit(":", 1)[1])
    config = system_config("customcrm")
    assert (config.base_url, config.credentials, config.is_sandbox) == (
        sandbox.url("customcrm"),
        sandbox.credentials("customcrm"),
        True,
    )
    with client_for("customcrm") as client:
        assert list(client.pages("customers")) in ([], [[]])


def test_a_chosen_sandbox_that_is_not_running_says_how_to_start_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SYNC_SANDBOX", "1")
    monkeypatch.setenv("SANDBOX_PORT", "9")  # discard: nothing serves there
    with pytest.raises(ConfigurationError, match=r"none answers at http://127.0.0.1:9 .*python -m sandbox serve"):
        system_config("zohocrm")


def test_the_product_does_not_import_the_emulator() -> None:
    importers = []
    for package in ("connectors", "ingest", "reverse_etl"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                if any(n == "sandbox" or n.startswith("sandbox.") for n in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert importers == []


def test_the_sandbox_is_chosen_by_variable_or_config_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_SYNC_SANDBOX")
    assert not sandbox_chosen()
    monkeypatch.setenv("SANDBOX__ENABLED", "true")  # [sandbox] enabled = true in .dlt/config.toml
    assert sandbox_chosen()
    monkeypatch.setenv("CRM_SYNC_SANDBOX", "0")  # the variable, when set, decides
    assert not sandbox_chosen()
