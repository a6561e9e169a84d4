"""How to reach each system and where the warehouse is: dlt config, secrets and environment, or the sandbox.

Every system is either configured or switched off. A real account is configured the dlt way, e.g. in
.dlt/secrets.toml:

    [sources.zohocrm]
    base_url = "https://www.zohoapis.eu"
    accounts_url = "https://accounts.zoho.eu"
    [sources.zohocrm.credentials]
    client_id = "..."

or as environment variables (SOURCES__ZOHOCRM__BASE_URL, SOURCES__ZOHOCRM__CREDENTIALS__CLIENT_ID, ...); a
system the customer does not use is switched off with `sources.<system>.enabled = false`.

The local sandbox is used only when chosen for all systems at once: CRM_SYNC_SANDBOX=1 (or `[sandbox]
enabled = true` in .dlt/config.toml). It then tells its URLs and credentials itself (its /_sandbox/info, on
SANDBOX_PORT, default 8765), so no module here imports the emulator. Anything else (a system neither configured
nor switched off, or a configured one beside the sandbox) is refused before the first request, naming the system:
a forgotten sixth system must not silently sync the emulator's companies into five real CRMs.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dlt
import httpx

from connectors import CLIENTS, Client
from connectors.systems import SYSTEMS
from connectors.tokens import RefreshTokenFile

# What each system's client needs to log in (sources.<system>.credentials.<key>).
CREDENTIALS = {
    "zohocrm": ("client_id", "client_secret", "refresh_token"),
    "poweroffice": ("application_key", "client_key", "subscription_key"),
    "exact": ("client_id", "client_secret", "refresh_token", "division"),
    "webcrm": ("auth_code",),
    "crmoffice": ("client_id", "client_secret"),
    "customcrm": ("api_key",),
}
# Options beyond base URL and credentials that a system's client takes (token hosts of the real services).
OPTIONS = {"zohocrm": ("accounts_url",), "crmoffice": ("token_url",)}
SANDBOX_DEFAULT_PORT = 8765  # where `python -m sandbox serve` listens unless told otherwise
TRUE = ("1", "true", "yes", "on")


class ConfigurationError(ValueError):
    """The systems cannot be reached as configured; the message names the systems and what to set."""


@dataclass(frozen=True)
class SystemConfig:
    system: str
    base_url: str
    credentials: dict[str, str] = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict)
    is_sandbox: bool = False


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class WarehouseLocation:
    """Where ingest, dbt and the push keep everything: a DuckDB file or a PostgreSQL database.

    One setting chooses it, CRM_SYNC_WAREHOUSE: a path (default warehouse.duckdb; DBT_DUCKDB_PATH, its older
    name, is still read) or a URL postgresql://user[:password]@host[:port]/database. The dbt models go in the
    schema CRM_SYNC_SCHEMA (default `main` in DuckDB, `crm_sync` in PostgreSQL).
    """

    path: Path | None = None
    url: str | None = field(default=None, repr=False)
    schema: str = "main"

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    def __str__(self) -> str:
        """The location without its password, for messages."""
        if self.url is None:
            return str(self.path)
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"{parts.scheme}://{user}{host}{port}{parts.path}"

    def dbt_env(self) -> dict[str, str]:
        """The variables profiles.yml reads for this warehouse (libpq's own names for PostgreSQL)."""
        if self.url is None:
            assert self.path is not None
            # As configured: dbt opens a relative path from the working directory, as the push does, and keeps its
            # parse of the project (target/partial_parse.msgpack) only while the profile, this path in it, is the same.
            return {"CRM_SYNC_WAREHOUSE": str(self.path), "CRM_SYNC_SCHEMA": self.schema}
        parts = urlsplit(self.url)
        env = {
            "CRM_SYNC_WAREHOUSE": self.url,
            "CRM_SYNC_SCHEMA": self.schema,
            "PGHOST": parts.hostname or "localhost",
            "PGPORT": str(parts.port or 5432),
            "PGDATABASE": unquote(parts.path.lstrip("/")) or "postgres",
            # Timestamps are naive UTC everywhere (the push, dlt, dbt's run time): sessions in UTC too.
            "PGTZ": "UTC",
        }
        if parts.username:
            env["PGUSER"] = unquote(parts.username)
        if parts.password:  # else libpq's PGPASSWORD or ~/.pgpass, as for psycopg2
            env["PGPASSWORD"] = unquote(parts.password)
        return env


def warehouse_location() -> WarehouseLocation:
    """The warehouse CRM_SYNC_WAREHOUSE names (see WarehouseLocation)."""
    setting = os.environ.get("CRM_SYNC_WAREHOUSE") or os.environ.get("DBT_DUCKDB_PATH") or "warehouse.duckdb"
    schema = os.environ.get("CRM_SYNC_SCHEMA")
    if setting.startswith(POSTGRES_SCHEMES):
        return WarehouseLocation(url=setting, schema=schema or "crm_sync")
    if "://" in setting:
        raise ConfigurationError(
            f"CRM_SYNC_WAREHOUSE={setting.split('://')[0]}://...: a DuckDB file path or a postgresql:// URL"
        )
    return WarehouseLocation(path=Path(setting), schema=schema or "main")


def as_location(warehouse: Path | WarehouseLocation | None) -> WarehouseLocation:
    """A DuckDB path given by a caller (tests, benchmarks) or the configured warehouse."""
    if warehouse is None:
        return warehouse_location()
    if isinstance(warehouse, WarehouseLocation):
        return warehouse
    return WarehouseLocation(path=warehouse)


@contextlib.contextmanager
def dbt_environment(location: WarehouseLocation) -> Iterator[None]:
    """The variables profiles.yml reads, set for an in-process dbt run on this warehouse and restored after."""
    saved = {name: os.environ.get(name) for name in location.dbt_env()}
    os.environ.update(location.dbt_env())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def warehouse_path() -> Path:
    """The DuckDB file dbt also builds in; ConfigurationError when the warehouse is a PostgreSQL database."""
    location = warehouse_location()
    if location.path is None:
        raise ConfigurationError(f"the warehouse is {location}, not a DuckDB file (CRM_SYNC_WAREHOUSE)")
    return location.path


def pipelines_dir() -> Path:
    """dlt's local state; it is also kept in the warehouse, so losing this folder loses nothing."""
    return Path(os.environ.get("CRM_SYNC_PIPELINES_DIR", ".dlt/pipelines"))


def sandbox_chosen() -> bool:
    """The sandbox was chosen for every system: CRM_SYNC_SANDBOX=1, or `[sandbox] enabled = true`."""
    chosen = os.environ.get("CRM_SYNC_SANDBOX")
    if chosen is not None:
        return chosen.strip().lower() in TRUE
    return bool(dlt.config.get("sandbox.enabled", bool))


def switched_off(system: str) -> bool:
    return dlt.config.get(f"sources.{system}.enabled", bool) is False


def enabled_systems(systems: Sequence[str] = SYSTEMS) -> list[str]:
    """These systems without the ones switched off, each checked without a request: ConfigurationError names
    every system that is neither configured nor switched off, or configured beside the sandbox."""
    enabled = [s for s in systems if not switched_off(s)]
    errors = [error for system in enabled if (error := _refusal(system, _configured(system)))]
    if errors:
        raise ConfigurationError("refused before any request:\n  " + "\n  ".join(errors))
    return enabled


def _refusal(system: str, configured: dict[str, str | None]) -> str | None:
    """Why this system's configuration cannot be used, or None."""
    section = f"sources.{system}"
    if sandbox_chosen():
        # Credentials may be given (to try refused ones against the sandbox); a URL would be a real system.
        if configured["base_url"]:
            return (
                f"{system}: the sandbox was chosen for all systems (CRM_SYNC_SANDBOX), but {section}.base_url is "
                f"{configured['base_url']}; real and emulated systems are never mixed: unset one of the two"
            )
        return None
    if not any(configured.values()):
        return (
            f"{system} is not configured: set {section}.base_url and {section}.credentials "
            f"({', '.join(CREDENTIALS[system])}) in .dlt/secrets.toml (or SOURCES__{system.upper()}__...), "
            f"or switch it off with {section}.enabled = false; CRM_SYNC_SANDBOX=1 uses the local sandbox for all"
        )
    missing = [key for key, value in configured.items() if not value]
    if missing:
        return (
            f"{system}: {section} is configured, but {', '.join(missing)} are missing (set {section}.base_url or "
            f"{section}.credentials.<key> in .dlt/secrets.toml, or SOURCES__{system.upper()}__CREDENTIALS__<KEY>)"
        )
    return None


def _sandbox_url() -> str:
    return f"http://127.0.0.1:{int(os.environ.get('SANDBOX_PORT', SANDBOX_DEFAULT_PORT))}"


@functools.cache
def _sandbox_info(url: str) -> dict[str, dict[str, Any]]:
    """The running sandbox's own account of its systems' URLs and credentials."""
    try:
        response = httpx.get(f"{url}/_sandbox/info", timeout=10)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise ConfigurationError(
            f"the sandbox was chosen (CRM_SYNC_SANDBOX=1), but none answers at {url} ({exc}): start it with "
            "`python -m sandbox serve`, or set SANDBOX_PORT to the port it serves on"
        ) from None
    info: dict[str, dict[str, Any]] = response.json()
    return info


def _configured(system: str) -> dict[str, str | None]:
    section = f"sources.{system}"
    values: dict[str, str | None] = {"base_url": dlt.config.get(f"{section}.base_url", str)}
    values.update({key: dlt.secrets.get(f"{section}.credentials.{key}", str) for key in CREDENTIALS[system]})
    return values


def system_config(system: str) -> SystemConfig:
    """How to reach this system; ConfigurationError says why it cannot be reached and what to set."""
    section = f"sources.{system}"
    if switched_off(system):
        raise ConfigurationError(f"{system} is switched off ({section}.enabled = false)")
    configured = _configured(system)
    if refusal := _refusal(system, configured):
        raise ConfigurationError(refusal)
    if sandbox_chosen():
        default = _sandbox_info(_sandbox_url())[system]
        credentials = {key: configured[key] or str(default["credentials"][key]) for key in CREDENTIALS[system]}
        return SystemConfig(system, str(default["base_url"]), credentials, {}, True)
    credentials = {key: str(configured[key]) for key in CREDENTIALS[system]}
    options = {name: value for name in OPTIONS.get(system, ()) if (value := dlt.config.get(f"{section}.{name}", str))}
    return SystemConfig(system, str(configured["base_url"]), credentials, options)


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
