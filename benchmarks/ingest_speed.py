"""Rows/s from the sandbox into DuckDB, per system: this project's ingest against a plain dlt rest_api source and
against a bare fetch-and-parse loop (the limit: the same HTTP reads with nothing loaded), in one run on one data set.

The sandbox runs as its own process with rate limits off, so the numbers compare the loaders, not the APIs' quotas.
Each system is measured on its largest company entity; each method loads into its own fresh DuckDB file.

    python -m benchmarks.ingest_speed [--records 100000] [--systems customcrm,webcrm]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import dlt
from dlt.sources.rest_api import rest_api_source
from rich.console import Console
from rich.table import Table

from benchmarks.sandbox_paging import ENTITY, PAGE_SIZE, start_server
from benchmarks.sandbox_server import unpaced_env
from connectors import CLIENTS
from connectors.exact import SELECT
from connectors.zohocrm import FIELDS
from ingest.pipeline import ingest_system


def rest_api_config(system: str, base_url: str, auth: dict[str, str], division: str) -> dict[str, Any]:
    """The declarative dlt source a plain setup would write for the same entity (token fetched beforehand)."""
    page_number = {"type": "page_number", "base_page": 1, "total_path": None, "stop_after_empty_page": True}
    endpoints: dict[str, dict[str, Any]] = {
        "zohocrm": {
            "path": "crm/v8/Accounts",
            "params": {"fields": FIELDS["Accounts"], "per_page": 200, "sort_by": "id", "sort_order": "asc"},
            "data_selector": "data",
            "paginator": {"type": "cursor", "cursor_path": "info.next_page_token", "cursor_param": "page_token"},
        },
        "poweroffice": {
            "path": "v2/Customers",
            "params": {"PageSize": 20_000},
            "paginator": {**page_number, "page_param": "PageNumber"},
        },
        "exact": {
            "path": f"api/v1/{division}/sync/CRM/Accounts",
            "params": {"$select": SELECT["Accounts"], "$filter": "Timestamp gt 0"},
            "data_selector": "d.results",
            "paginator": {"type": "json_link", "next_url_path": "d.__next"},
        },
        "webcrm": {
            "path": "Organisations",
            "params": {"Size": 1000},
            "paginator": {**page_number, "page_param": "Page"},
        },
        "crmoffice": {
            "path": "companies",
            "params": {"pageSize": 500},
            "data_selector": "items",
            "paginator": {**page_number, "page_param": "page"},
        },
        "customcrm": {
            "path": "api/v1/customers",
            "params": {"limit": 500},
            "data_selector": "items",
            "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
        },
    }
    return {
        "client": {"base_url": base_url + "/", "headers": auth},
        "resource_defaults": {"write_disposition": "merge"},
        "resources": [
            {"name": ENTITY[system][1].lower(), "primary_key": ENTITY[system][2], "endpoint": endpoints[system]}
        ],
    }


def measure(system: str, info: dict[str, Any], work: Path) -> dict[str, Any]:
    creds = info[system]["credentials"]
    path_entity = ENTITY[system][0]
    # Unpaced, like the ingest below (main sets SOURCES__<SYSTEM>__REQUESTS_PER_SECOND=0): limits are off.
    client = CLIENTS[system](info[system]["base_url"], creds, requests_per_second=0)

    started = time.perf_counter()
    bare = sum(len(page) for page in client.pages(path_entity, page_size=PAGE_SIZE[system]))
    bare_s = time.perf_counter() - started

    auth = client.authenticate()
    base_url = client.api_base.rsplit("/crm/", 1)[0] if system == "zohocrm" else client.base_url
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_rest_api_{system}",
        destination=dlt.destinations.duckdb(str(work / "rest_api.duckdb")),
        dataset_name=f"raw_{system}",
        pipelines_dir=str(work / "pipelines"),
    )
    started = time.perf_counter()
    rest_error = None
    try:
        pipeline.run(rest_api_source(rest_api_config(system, base_url, auth, creds.get("division", ""))))
    except Exception as exc:  # a plain config may not survive an API's quirks; that is a result too
        rest_error = str(exc.__cause__ or exc).splitlines()[0][:160]
    rest_s = time.perf_counter() - started
    client.close()

    os.environ["DBT_DUCKDB_PATH"] = str(work / "ours.duckdb")
    os.environ["CRM_SYNC_PIPELINES_DIR"] = str(work / "ours-pipelines")
    started = time.perf_counter()
    result = ingest_system(
        system, full_refresh=True, progress=lambda label, n: None, tables=[ENTITY[system][1].lower()]
    )
    ours_s = time.perf_counter() - started
    if result.error:
        raise RuntimeError(result.error)
    ours = result.entities[0].rows
    return {
        "system": system,
        "rows": bare,
        "bare_per_s": bare / bare_s,
        "rest_api_per_s": None if rest_error else bare / rest_s,
        "rest_api_error": rest_error,
        "ours_per_s": ours / ours_s,
        "ours_rows": ours,
        "speedup_vs_rest_api": None if rest_error else rest_s / ours_s,
        "share_of_limit": bare_s / ours_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--systems", default=",".join(ENTITY))
    parser.add_argument("--data-dir", type=Path, help="reuse a seeded sandbox data dir")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    systems = args.systems.split(",")
    console = Console(width=160)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    with start_server(args.data_dir, args.records, systems, console) as server:
        os.environ.update(SANDBOX_PORT=str(server.port), CRM_SYNC_SANDBOX="1")
        # The server's limits are off; the clients' own pace (sources.<system>.requests_per_second) too, so
        # this measures the loaders as it did before the clients were paced.
        os.environ.update(unpaced_env(systems))
        results = [measure(system, server.info, work) for system in systems]
    table = Table(title=f"Ingest into DuckDB, {args.records:,} records per entity (rows/s, same data, same run)")
    for column in (
        "system",
        "rows",
        "bare fetch+parse",
        "plain dlt rest_api",
        "crm_sync ingest",
        "vs rest_api",
        "share of bare",
    ):
        table.add_column(column, justify="left" if column == "system" else "right")
    for r in results:
        table.add_row(
            r["system"],
            f"{r['rows']:,}",
            f"{r['bare_per_s']:,.0f}",
            f"{r['rest_api_per_s']:,.0f}" if r["rest_api_per_s"] else f"failed: {r['rest_api_error']}",
            f"{r['ours_per_s']:,.0f}",
            f"{r['speedup_vs_rest_api']:.1f}×" if r["speedup_vs_rest_api"] else "-",
            f"{r['share_of_limit']:.0%}",
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps({"records": args.records, "results": results}, indent=2))
    return 0 if all(r["ours_rows"] == r["rows"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
