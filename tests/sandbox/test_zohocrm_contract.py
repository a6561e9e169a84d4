"""Zoho CRM emulator contract: OAuth, Zoho-oauthtoken, page window and page tokens, If-Modified-Since, batch
writes with per-record results, upsert, delete and the deleted feed, credits, faults and the seed."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from sandbox.store import Query
from sandbox.systems.zohocrm import seed
from sandbox.systems.zohocrm.schema import ACCOUNTS
from sandbox.world import World
from tests.helpers.sandbox import RunningSandbox

SYSTEM = "zohocrm"
ISO_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def _token_call(sb: RunningSandbox, **overrides: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", **sb.credentials(SYSTEM), **overrides}
    return httpx.post(sb.url(SYSTEM, "/oauth/v2/token"), data=form)


def _client(sb: RunningSandbox, version: str = "v8") -> httpx.Client:
    answer = _token_call(sb).json()
    return httpx.Client(
        base_url=f"{answer['api_domain']}/crm/{version}",
        headers={"Authorization": f"Zoho-oauthtoken {answer['access_token']}"},
        timeout=30,
    )


@pytest.fixture
def zoho(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def seeded(seeded_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(seeded_sandbox) as client:
        yield client


def _live_ids(sb: RunningSandbox, module: str) -> set[str]:
    return {r.id for r in sb.app.store.select(SYSTEM, module, Query())}


def _walk(client: httpx.Client, module: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of a list: page 1, then next_page_token until more_records is false."""
    response = client.get(f"/{module}", params={"fields": "Modified_Time", **params})
    records: list[dict[str, Any]] = []
    while response.status_code == 200:
        body = response.json()
        records += body["data"]
        assert body["info"]["count"] == len(body["data"])
        if not body["info"]["more_records"]:
            return records
        token = body["info"]["next_page_token"]
        response = client.get(f"/{module}", params={"fields": "Modified_Time", "page_token": token, **params})
    assert response.status_code == 204 and not records, response.text
    return records


def _create(client: httpx.Client, module: str, *items: dict[str, Any]) -> list[str]:
    response = client.post(f"/{module}", json={"data": list(items)})
    assert response.status_code == 201, response.text
    return [r["details"]["id"] for r in response.json()["data"]]


def _error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


# -- auth ---------------------------------------------------------------------------------------------


def test_refresh_grant_gives_a_token_for_the_sandbox_api_domain(sandbox: RunningSandbox) -> None:
    answer = _token_call(sandbox)
    assert answer.status_code == 200
    body = answer.json()
    assert body["api_domain"] == sandbox.url(SYSTEM)
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    headers = {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}
    assert httpx.get(sandbox.url(SYSTEM, "/crm/v8/Accounts?fields=Account_Name"), headers=headers).status_code == 204


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"client_id": "1000.WRONG"}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client_secret"),
        ({"refresh_token": "1000.wrong"}, "invalid_code"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
def test_bad_token_requests_get_zoho_errors_with_http_200(
    sandbox: RunningSandbox, override: dict[str, str], error: str
) -> None:
    answer = _token_call(sandbox, **override)
    assert answer.status_code == 200
    assert answer.json() == {"error": error}


def test_token_endpoint_allows_ten_tokens_per_ten_minutes(sandbox: RunningSandbox) -> None:
    sandbox.rate_scale(SYSTEM, 1)
    assert all("access_token" in _token_call(sandbox).json() for _ in range(10))
    refused = _token_call(sandbox)
    assert refused.status_code == 400
    assert refused.json()["error"] == "Access Denied"
    assert "too many requests continuously" in refused.json()["error_description"]


def test_missing_or_wrong_tokens_are_refused_in_zohos_shapes(sandbox: RunningSandbox) -> None:
    url = sandbox.url(SYSTEM, "/crm/v8/Contacts?fields=Email")
    token = _token_call(sandbox).json()["access_token"]
    missing = httpx.get(url)
    assert missing.status_code == 401
    assert missing.json() == _error("AUTHENTICATION_FAILURE", "Authentication failed")
    invalid = _error("INVALID_TOKEN", "invalid oauth token")
    for header in (f"Bearer {token}", "Zoho-oauthtoken 1000.not-a-token", token):
        answer = httpx.get(url, headers={"Authorization": header})
        assert (answer.status_code, answer.json()) == (401, invalid), header
    sandbox.admin("POST", f"/tokens/{SYSTEM}/revoke")
    revoked = httpx.get(url, headers={"Authorization": f"Zoho-oauthtoken {token}"})
    assert (revoked.status_code, revoked.json()) == (401, invalid)
    assert sandbox.stats(SYSTEM)["unauthorized"] == 5


def test_api_versions_two_to_eight_modules_and_unknown_paths(seeded_sandbox: RunningSandbox) -> None:
    for version in ("v2", "v3", "v8"):
        with _client(seeded_sandbox, version) as client:
            assert client.get("/Deals", params={"fields": "Deal_Name"}).status_code == 200
    with _client(seeded_sandbox, "v9") as client:
        answer = client.get("/Deals", params={"fields": "Deal_Name"})
        assert answer.status_code == 404 and answer.json()["code"] == "INVALID_URL_PATTERN"
    with _client(seeded_sandbox) as client:
        answer = client.get("/Leadz", params={"fields": "Last_Name"})
        assert answer.status_code == 400
        assert answer.json() == _error(
            "INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}
        )


# -- reads --------------------------------------------------------------------------------------------


def test_list_returns_only_the_requested_fields_and_lookups_as_id_and_name(
    seeded: httpx.Client, seeded_sandbox: RunningSandbox
) -> None:
    body = seeded.get("/Contacts", params={"fields": "Last_Name,Email,Account_Name", "per_page": 200}).json()
    assert all(set(r) == {"id", "Last_Name", "Email", "Account_Name"} for r in body["data"])
    linked = [r for r in body["data"] if r["Account_Name"] is not None]
    assert linked, "the seed links contacts to their employers' accounts"
    for record in linked:
        account = seeded_sandbox.app.store.get(SYSTEM, "Accounts", record["Account_Name"]["id"])
        assert account is not None
        assert record["Account_Name"] == {"id": account.id, "name": account.data["Account_Name"]}
    info = body["info"]
    assert (info["page"], info["per_page"], info["sort_by"], info["sort_order"]) == (1, 200, "id", "desc")
    assert set(info) >= {"more_records", "next_page_token", "previous_page_token", "page_token_expiry"}


def test_list_parameters_are_checked_the_zoho_way(seeded: httpx.Client) -> None:
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({}, _error("REQUIRED_PARAM_MISSING", "required param is missing", {"param_name": "fields"})),
        (
            {"fields": ",".join(f"F{i}" for i in range(51))},
            _error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 50, "param_name": "fields"}),
        ),
        (
            {"fields": "Account_Name", "per_page": 201},
            _error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 200, "param_name": "per_page"}),
        ),
        (
            {"fields": "Account_Name", "page": 11},
            _error(
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                "You can only get the first 2000 records without using page_token param",
                {"limit": 2000},
            ),
        ),
    ]
    for params, expected in cases:
        answer = seeded.get("/Accounts", params=params)
        assert (answer.status_code, answer.json()) == (400, expected), params
    for params in ({"fields": "Nope"}, {"fields": "Account_Name", "per_page": 0}, {"fields": "id", "sort_by": "x"}):
        answer = seeded.get("/Accounts", params=params)
        assert answer.status_code == 400 and answer.json()["code"] == "INVALID_DATA", params
    assert seeded.get("/Accounts", params={"fields": "id", "page": 10}).status_code == 204  # 2000: inside


@pytest.mark.parametrize("per_page", [1, None, 200])
def test_paging_walks_every_record_exactly_once(
    seeded: httpx.Client, seeded_sandbox: RunningSandbox, per_page: int | None
) -> None:
    params = {"per_page": per_page} if per_page else {}
    records = _walk(seeded, "Contacts", sort_order="asc", **params)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == _live_ids(seeded_sandbox, "Contacts")
    assert ids == sorted(ids)


def test_page_window_then_page_tokens_reach_every_record(sandbox: RunningSandbox, zoho: httpx.Client) -> None:
    start = 1_700_000_000_000_000
    rows = [
        (ACCOUNTS.record_id(n), {"Account_Name": f"Bulk {n}"}, start + n * 7 % 997 * 1000, start + n * 1000)
        for n in range(1, 2151)
    ]
    sandbox.app.store.bulk_load(SYSTEM, "Accounts", rows)
    sandbox.app.store.bump_counter(SYSTEM, "Accounts", len(rows))
    by_page: list[str] = []
    for page in range(1, 11):
        body = zoho.get("/Accounts", params={"fields": "Account_Name", "page": page, "sort_order": "asc"}).json()
        by_page += [r["id"] for r in body["data"]]
    assert body["info"]["more_records"] and body["info"]["page"] == 10
    assert len(by_page) == 2000
    rest = zoho.get("/Accounts", params={"fields": "Account_Name", "page_token": body["info"]["next_page_token"]})
    assert rest.json()["info"]["more_records"] is False
    assert by_page + [r["id"] for r in rest.json()["data"]] == [row[0] for row in rows]
    assert ISO_SECONDS.match(body["info"]["page_token_expiry"])

    newest_first = _walk(zoho, "Accounts", sort_by="Modified_Time", sort_order="desc", per_page=200)
    assert [r["id"] for r in newest_first] == [row[0] for row in reversed(rows)]
    by_created = _walk(zoho, "Accounts", sort_by="Created_Time", sort_order="asc", per_page=200)
    assert [r["id"] for r in by_created] == [row[0] for row in sorted(rows, key=lambda row: (row[2], row[0]))]


def test_previous_page_token_and_token_binding(sandbox: RunningSandbox, zoho: httpx.Client) -> None:
    ids = _create(zoho, "Accounts", *({"Account_Name": f"Company {n}"} for n in range(9)))
    first = zoho.get("/Accounts", params={"fields": "id", "per_page": 3, "sort_order": "asc"}).json()
    second = zoho.get(
        "/Accounts", params={"fields": "id", "per_page": 3, "page_token": first["info"]["next_page_token"]}
    )
    third = zoho.get(
        "/Accounts", params={"fields": "id", "per_page": 3, "page_token": second.json()["info"]["next_page_token"]}
    ).json()
    assert [r["id"] for r in third["data"]] == ids[6:] and third["info"]["page"] == 3
    back = zoho.get(
        "/Accounts", params={"fields": "id", "per_page": 3, "page_token": third["info"]["previous_page_token"]}
    )
    assert back.json()["data"] == second.json()["data"] and back.json()["info"]["page"] == 2

    token = first["info"]["next_page_token"]
    mismatch = zoho.get("/Accounts", params={"fields": "id", "page_token": token, "sort_by": "Created_Time"})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "TOKEN_BOUND_DATA_MISMATCH"
    other_module = zoho.get("/Contacts", params={"fields": "id", "page_token": token})
    assert other_module.status_code == 400 and other_module.json()["code"] == "TOKEN_BOUND_DATA_MISMATCH"
    forged = zoho.get("/Accounts", params={"fields": "id", "page_token": "bm90LWEtdG9rZW4"})
    assert forged.status_code == 400 and forged.json()["details"] == {"param_name": "page_token"}


def test_if_modified_since_returns_exactly_the_records_changed_after_it(zoho: httpx.Client) -> None:
    ids = _create(zoho, "Contacts", *({"Last_Name": f"Person {n}", "Email": f"p{n}@example.no"} for n in range(5)))
    time.sleep(0.01)
    mark = datetime.now(UTC).astimezone(timezone(timedelta(hours=5, minutes=30)))
    time.sleep(0.01)
    changed = zoho.put("/Contacts", json={"data": [{"id": ids[1], "Title": "CEO"}, {"id": ids[3], "Title": "CTO"}]})
    assert changed.status_code == 200, changed.text
    header = {"If-Modified-Since": mark.isoformat()}
    since = zoho.get("/Contacts", params={"fields": "Title,Modified_Time"}, headers=header).json()["data"]
    assert sorted(r["id"] for r in since) == sorted([ids[1], ids[3]])
    assert all(ISO_SECONDS.match(r["Modified_Time"]) for r in since)
    assert zoho.get(f"/Contacts/{ids[0]}", headers=header).status_code == 304
    assert zoho.get(f"/Contacts/{ids[1]}", headers=header).json()["data"][0]["Title"] == "CEO"
    later = {"If-Modified-Since": datetime.now(UTC).isoformat()}
    nothing = zoho.get("/Contacts", params={"fields": "Title"}, headers=later)
    assert nothing.status_code == 304 and nothing.content == b""


# -- writes -------------------------------------------------------------------------------------------


def test_mixed_batch_writes_the_valid_records_and_answers_207(zoho: httpx.Client) -> None:
    answer = zoho.post(
        "/Contacts",
        json={
            "data": [
                {"Last_Name": "Valid", "Email": "valid@example.no"},
                {"First_Name": "No last name"},
                {"Last_Name": "Long", "First_Name": "x" * 41},
                {"Last_Name": "Mail", "Email": "not-an-email"},
                {"Last_Name": "Unknown", "Shoe_Size": 44},
                {"Last_Name": "Orphan", "Account_Name": {"id": "4876876000000999999"}},
                {"Last_Name": "Also valid", "Phone": "+47 22 33 44 55"},
            ]
        },
    )
    assert answer.status_code == 207
    results = answer.json()["data"]
    assert [r["code"] for r in results] == [
        "SUCCESS",
        "MANDATORY_NOT_FOUND",
        "INVALID_DATA",
        "INVALID_DATA",
        "INVALID_DATA",
        "INVALID_DATA",
        "SUCCESS",
    ]
    assert results[1]["details"] == {"api_name": "Last_Name", "json_path": "$.data[1].Last_Name"}
    assert results[2]["details"]["maximum_length"] == 40 and results[2]["details"]["api_name"] == "First_Name"
    assert results[3]["details"]["api_name"] == "Email"
    assert results[4]["details"]["api_name"] == "Shoe_Size"
    assert results[5]["details"]["api_name"] == "Account_Name"
    success = results[0]
    assert success["message"] == "record added" and success["status"] == "success"
    assert set(success["details"]) == {"id", "Created_Time", "Modified_Time", "Created_By", "Modified_By"}
    assert ISO_SECONDS.match(success["details"]["Created_Time"])
    assert re.fullmatch(r"\d{19}", success["details"]["id"])
    for result in (results[0], results[6]):
        stored = zoho.get(f"/Contacts/{result['details']['id']}")
        assert stored.status_code == 200
    assert len(_walk(zoho, "Contacts")) == 2


def test_all_failed_batches_get_400_and_oversized_batches_are_refused(zoho: httpx.Client) -> None:
    failed = zoho.post("/Deals", json={"data": [{"Deal_Name": "No stage"}, {"Deal_Name": "Bad", "Stage": "Won"}]})
    assert failed.status_code == 400
    assert [r["code"] for r in failed.json()["data"]] == ["MANDATORY_NOT_FOUND", "INVALID_DATA"]
    assert failed.json()["data"][0]["details"]["api_name"] == "Stage"
    too_many = zoho.post("/Accounts", json={"data": [{"Account_Name": f"A{n}"} for n in range(101)]})
    assert too_many.status_code == 400
    assert too_many.json()["data"][0]["code"] == "LIMIT_EXCEEDED"
    assert len(_create(zoho, "Accounts", *({"Account_Name": f"A{n}"} for n in range(100)))) == 100
    for body in ({"records": []}, {"data": {}}, {"data": []}):
        assert zoho.post("/Accounts", json=body).status_code == 400
    assert zoho.post("/Accounts", content=b"{not json").status_code == 400


def test_unique_fields_lookups_and_updates(zoho: httpx.Client) -> None:
    (account,) = _create(zoho, "Accounts", {"Account_Name": "Fjord AS", "Website": "www.fjord.no"})
    duplicate = zoho.post("/Accounts", json={"data": [{"Account_Name": "FJORD as"}]})
    assert duplicate.status_code == 400
    assert duplicate.json()["data"][0]["code"] == "DUPLICATE_DATA"
    assert duplicate.json()["data"][0]["details"]["duplicate_record"]["id"] == account
    (contact,) = _create(zoho, "Contacts", {"Last_Name": "Hansen", "Email": "kari@fjord.no", "Account_Name": account})
    (deal,) = _create(
        zoho, "Deals", {"Deal_Name": "Fjord deal", "Stage": "Negotiation/Review", "Contact_Name": {"id": contact}}
    )
    renamed = zoho.put(f"/Accounts/{account}", json={"data": [{"Account_Name": "Fjord Consulting AS"}]})
    assert renamed.status_code == 200 and renamed.json()["data"][0]["message"] == "record updated"
    got = zoho.get(f"/Contacts/{contact}", params={"fields": "Account_Name,Full_Name"}).json()["data"][0]
    assert got == {"id": contact, "Account_Name": {"id": account, "name": "Fjord Consulting AS"}, "Full_Name": "Hansen"}
    stored = zoho.get(f"/Deals/{deal}").json()["data"][0]
    round_trip = zoho.put("/Deals", json={"data": [stored]})  # a record read back can be written back as is
    assert round_trip.status_code == 200, round_trip.text
    assert (stored["Probability"], stored["Pipeline"]) == (90, "Standard (Standard)")
    assert stored["Contact_Name"] == {"id": contact, "name": "Hansen"}
    updates = zoho.put(
        "/Deals",
        json={
            "data": [{"id": deal, "Stage": "Closed Won"}, {"Stage": "Closed Lost"}, {"id": "1", "Stage": "Closed Lost"}]
        },
    )
    assert updates.status_code == 207
    assert [r["code"] for r in updates.json()["data"]] == ["SUCCESS", "MANDATORY_NOT_FOUND", "INVALID_DATA"]
    assert zoho.get(f"/Deals/{deal}", params={"fields": "Probability"}).json()["data"][0]["Probability"] == 100
    assert zoho.get("/Deals/4876876000200999999").status_code == 204


def test_upsert_matches_on_the_duplicate_check_field(zoho: httpx.Client) -> None:
    inserted = zoho.post("/Contacts/upsert", json={"data": [{"Last_Name": "Berg", "Email": "ola@berg.no"}]})
    assert inserted.status_code == 200
    first = inserted.json()["data"][0]
    assert (first["action"], first["duplicate_field"], first["message"]) == ("insert", None, "record added")
    updated = zoho.post(
        "/Contacts/upsert",
        json={"data": [{"Last_Name": "Berg", "Email": "OLA@berg.no", "Title": "Owner"}, {"Email": "new@berg.no"}]},
    )
    assert updated.status_code == 207
    second, failed = updated.json()["data"]
    assert (second["action"], second["duplicate_field"]) == ("update", "Email")
    assert second["details"]["id"] == first["details"]["id"]
    assert failed["code"] == "MANDATORY_NOT_FOUND"
    assert zoho.get(f"/Contacts/{first['details']['id']}").json()["data"][0]["Title"] == "Owner"
    bad_keys = zoho.post("/Contacts/upsert", json={"data": [{"Last_Name": "X"}], "duplicate_check_fields": ["Phone"]})
    assert bad_keys.status_code == 400 and bad_keys.json()["code"] == "INVALID_DATA"


def test_delete_answers_per_id_and_feeds_the_deleted_list(zoho: httpx.Client) -> None:
    ids = _create(zoho, "Contacts", *({"Last_Name": f"Gone {n}", "Email": f"g{n}@example.no"} for n in range(3)))
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    answer = zoho.delete("/Contacts", params={"ids": f"{ids[0]},{ids[1]},4876876000100999999"})
    assert answer.status_code == 207
    assert [(r["code"], r["details"]["id"]) for r in answer.json()["data"]] == [
        ("SUCCESS", ids[0]),
        ("SUCCESS", ids[1]),
        ("INVALID_DATA", "4876876000100999999"),
    ]
    assert zoho.get(f"/Contacts/{ids[0]}").status_code == 204
    assert [r["id"] for r in _walk(zoho, "Contacts")] == [ids[2]]
    deleted = zoho.get("/Contacts/deleted", params={"type": "all"}).json()
    assert [r["id"] for r in deleted["data"]] == [ids[1], ids[0]]  # newest first
    assert all(r["type"] == "recycle" and ISO_SECONDS.match(r["deleted_time"]) for r in deleted["data"])
    assert deleted["data"][0]["display_name"] == "Gone 1"
    assert deleted["info"] == {"per_page": 200, "count": 2, "page": 1, "more_records": False}
    since = zoho.get("/Contacts/deleted", headers={"If-Modified-Since": before})
    assert len(since.json()["data"]) == 2
    later = zoho.get("/Contacts/deleted", headers={"If-Modified-Since": datetime.now(UTC).isoformat()})
    assert later.status_code == 304
    assert zoho.get("/Contacts/deleted", params={"type": "permanent"}).status_code == 204
    assert _create(zoho, "Contacts", {"Last_Name": "Again", "Email": "g0@example.no"})  # e-mail free again
    assert zoho.delete("/Contacts").json()["code"] == "REQUIRED_PARAM_MISSING"
    too_many = zoho.delete("/Contacts", params={"ids": ",".join(str(n) for n in range(101))})
    assert too_many.status_code == 400 and too_many.json()["code"] == "LIMIT_EXCEEDED"


# -- limits and faults --------------------------------------------------------------------------------


def test_exhausted_api_credits_get_429_without_retry_after(sandbox: RunningSandbox, zoho: httpx.Client) -> None:
    sandbox.rate_scale(SYSTEM, 0.0001)  # 50,000 credits per 24 h scaled to 5
    answers = [zoho.get("/Accounts", params={"fields": "Account_Name"}) for _ in range(6)]
    assert [a.status_code for a in answers] == [204] * 5 + [429]
    refused = answers[-1]
    assert refused.json()["code"] == "TOO_MANY_REQUESTS" and refused.json()["status"] == "error"
    assert "retry-after" not in refused.headers
    assert "access_token" in _token_call(sandbox).json()  # the token endpoint spends no credits
    assert sandbox.stats(SYSTEM)["throttled"] == 1


def test_injected_faults_appear_at_their_rates_in_zohos_shapes(sandbox: RunningSandbox, zoho: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_5xx=0.2, rate_429=0.1, seed=11)
    codes = [zoho.get("/Accounts", params={"fields": "Account_Name"}).status_code for _ in range(400)]
    assert abs(codes.count(500) / 400 - 0.2) < 0.07
    assert abs(codes.count(429) / 400 - 0.1) < 0.07
    assert set(codes) == {204, 429, 500}
    sandbox.faults(SYSTEM, rate_5xx=1.0, rate_429=0)
    failed = zoho.get("/Accounts", params={"fields": "Account_Name"})
    assert failed.json() == _error("INTERNAL_ERROR", "Internal Server Error")


def test_a_lost_response_still_applies_the_write(sandbox: RunningSandbox, zoho: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_lost=1.0)
    with pytest.raises(httpx.TransportError):
        zoho.post("/Contacts", json={"data": [{"Last_Name": "Lost", "Email": "lost@example.no"}]})
    sandbox.faults(SYSTEM, rate_lost=0)
    records = zoho.get("/Contacts", params={"fields": "Email"}).json()["data"]
    assert [r["Email"] for r in records] == ["lost@example.no"]


# -- seed ---------------------------------------------------------------------------------------------


def test_seed_counts_foreign_keys_and_unique_fields(seeded_sandbox: RunningSandbox, seeded: httpx.Client) -> None:
    world = World(7, 300)
    store = seeded_sandbox.app.store
    accounts = store.select(SYSTEM, "Accounts", Query())
    contacts = store.select(SYSTEM, "Contacts", Query())
    deals = store.select(SYSTEM, "Deals", Query())
    companies = sum(world.present("zohocrm.Accounts", i) for i in range(world.companies))
    departments = sum(world.present("zohocrm.Accounts.departments", j, 0.5) for j in range(world.departments))
    assert len(accounts) == companies + departments
    assert abs(companies - world.companies * 0.7) < 0.1 * world.companies
    assert abs(len(contacts) - world.persons * 0.7) < 0.1 * world.persons
    assert len(deals) == sum(world.present("zohocrm.Deals", i) for i in range(world.deals))
    account_ids, contact_ids = {r.id for r in accounts}, {r.id for r in contacts}
    assert {r.data["Account_Name"] for r in contacts if "Account_Name" in r.data} <= account_ids
    assert {r.data["Account_Name"] for r in deals if "Account_Name" in r.data} <= account_ids
    assert {r.data["Contact_Name"] for r in deals if "Contact_Name" in r.data} <= contact_ids
    assert any("Contact_Name" in r.data for r in deals)
    names = [r.data["Account_Name"].lower() for r in accounts]
    emails = [r.data["Email"].lower() for r in contacts if r.data.get("Email")]
    assert len(names) == len(set(names)) and len(emails) == len(set(emails))
    assert all(re.fullmatch(r"\d{19}", id) for id in account_ids | contact_ids)
    (new,) = _create(seeded, "Accounts", {"Account_Name": "Brand new account"})
    assert int(new) > max(int(id) for id in account_ids)
    with (seeded_sandbox.app.settings.data_dir / "ground_truth.csv").open() as handle:
        truth = [row for row in csv.DictReader(handle) if row["system"] == SYSTEM]
    kinds = Counter((row["entity"], row["kind"]) for row in truth)
    assert (kinds[("Accounts", "company")], kinds[("Accounts", "department")]) == (companies, departments)
    assert (kinds[("Contacts", "person")], kinds[("Deals", "deal")]) == (len(contacts), len(deals))


def test_departments_become_accounts_named_after_them() -> None:
    world = World(1, 300)
    rows = [row for row in seed.rows(world)["Accounts"] if row.kind == "department"]
    present = [
        world.department(j) for j in range(world.departments) if world.present("zohocrm.Accounts.departments", j, 0.5)
    ]
    assert present, "about half of the world's departments are accounts"
    assert [(row.key, row.data) for row in rows] == [
        (d.key, {"Account_Name": d.name, "Account_Number": d.code}) for d in present
    ]
    assert all(int(row.id) > ACCOUNTS.id_base + world.companies for row in rows)
