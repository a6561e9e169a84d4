"""How to reach each system and where the warehouse is: dlt config, secrets and environment, sandbox defaults.

A real account is configured the dlt way, e.g. in .dlt/secrets.toml:

    [sources.zohocrm]
    base_url = "https://www.zohoapis.eu"
    accounts_url = "https://accounts.zoho.eu"
    [sources.zohocrm.credentials]
    client_id = "..."

or as environment variables (SOURCES__ZOHOCRM__BASE_URL, SOURCES__ZOHOCRM__CREDENTIALS__CLIENT_ID, ...).
Anything not configured falls back to the local sandbox on its default port, so the demo needs no set-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt

from connectors import CLIENTS, Client
from connectors.tokens import RefreshTokenFile
from sandbox.app import info as sandbox_info
from sandbox.system import DEFAULT_PORT, Settings

SYSTEMS = ("zohocrm", "poweroffice", "exact", "webcrm", "crmoffice", "customcrm")
# Options beyond base URL and credentials that a system's client takes (token hosts of the real services).
OPTIONS = {"zohocrm": ("accounts_url",), "crmoffice": ("token_url",)}


@dataclass(frozen=True)
class SystemConfig:
    system: str
    base_url: str
    credentials: dict[str, str] = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict)
    is_sandbox: bool = False


def warehouse_path() -> Path:
    """The DuckDB file dbt also builds in (profiles.yml reads the same variable)."""
    return Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"))


def pipelines_dir() -> Path:
    """dlt's local state; it is also kept in the warehouse, so losing this folder loses nothing."""
    return Path(os.environ.get("CRM_SYNC_PIPELINES_DIR", ".dlt/pipelines"))


def system_config(system: str) -> SystemConfig:
    sandbox_port = int(os.environ.get("SANDBOX_PORT", DEFAULT_PORT))
    default = sandbox_info(Settings(data_dir=Path("."), port=sandbox_port))[system]
    section = f"sources.{system}"
    base_url = dlt.config.get(f"{section}.base_url", str) or str(default["base_url"])
    credentials = dict(default["credentials"])  # type: ignore[arg-type]
    configured = {key: dlt.secrets.get(f"{section}.credentials.{key}", str) for key in credentials}
    is_sandbox = not any(configured.values()) and base_url == default["base_url"]
    if not is_sandbox:
        missing = [key for key, value in configured.items() if not value]
        if missing:
            raise ValueError(
                f"{system}: base_url or credentials are configured, but credentials "
                f"{', '.join(missing)} are missing (set {section}.credentials.<key> in .dlt/secrets.toml "
                f"or SOURCES__{system.upper()}__CREDENTIALS__<KEY>)"
            )
        credentials = {key: str(value) for key, value in configured.items()}
    options = {name: value for name in OPTIONS.get(system, ()) if (value := dlt.config.get(f"{section}.{name}", str))}
    return SystemConfig(system, base_url, credentials, options, is_sandbox)


def client_for(system: str, **kwargs: Any) -> Client:
    """The system's client, configured; for Exact, with its rotating refresh token kept between runs."""
    config = system_config(system)
    options: dict[str, Any] = {**config.options, **kwargs}
    credentials = dict(config.credentials)
    if system == "exact":
        path = pipelines_dir() / f"{system}.refresh_token"
        options["tokens"] = RefreshTokenFile(path, config.credentials["refresh_token"])
    # The client's own pace (calls per second; 0 = unpaced) when configured, else the system's default.
    pace = dlt.config.get(f"sources.{system}.requests_per_second", float)
    if pace is not None:
        options.setdefault("requests_per_second", float(pace))
    # Requests in flight at once, for accounts whose limit differs from the writer's default (Zoho by edition).
    concurrency = dlt.config.get(f"sources.{system}.concurrency", int)
    if concurrency:
        options.setdefault("concurrency", int(concurrency))
    # One timeout for every call; tests against injected timeouts shorten it.
    options.setdefault("timeout", float(dlt.config.get("sources.http_timeout_seconds", float) or 30.0))
    return CLIENTS[system](config.base_url, credentials, **options)
