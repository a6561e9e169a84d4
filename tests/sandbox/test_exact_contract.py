"""Exact Online emulator against its contract (spec sections 3 and 7), over real HTTP."""

from __future__ import annotations

import csv
import math
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.ratelimit import Window
from sandbox.seeding import GROUND_TRUTH
from sandbox.store import Query
from sandbox.systems.exact.schema import ACCOUNTS, CONTACTS, NAMESPACE, guid
from tests.helpers.sandbox import RunningSandbox, running_sandbox

SYSTEM = "exact"
OLD = "1900-01-01T00:00:00"
ACCOUNT_SELECT = "ID,Code,Name,Email,Country,Status,Modified"
MINUTELY = {"x-ratelimit-minutely-limit", "x-ratelimit-minutely-remaining", "x-ratelimit-minutely-reset"}
DAILY = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}


# -- helpers --------------------------------------------------------------------------------------------


def token(sb: RunningSandbox, **form: str) -> httpx.Response:
    creds = sb.credentials(SYSTEM)
    body = {"client_id": creds["client_id"], "client_secret": creds["client_secret"], **form}
    return httpx.post(sb.url(SYSTEM, "/api/oauth2/token"), data=body)


def access_token(sb: RunningSandbox) -> str:
    response = token(sb, grant_type="refresh_token", refresh_token=sb.credentials(SYSTEM)["refresh_token"])
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def client(sb: RunningSandbox) -> httpx.Client:
    division = sb.credentials(SYSTEM)["division"]
    return httpx.Client(
        base_url=sb.url(SYSTEM, f"/api/v1/{division}"),
        headers={"Authorization": f"Bearer {access_token(sb)}", "Accept": "application/json"},
        timeout=30,
        # A fresh loopback connection per call takes ~2 ms; a kept-alive one ~45 ms (Nagle vs delayed ACK).
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def message(response: httpx.Response, status: int) -> str:
    """The value of Exact's error body, after checking the status and the shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert set(body["error"]["message"]) == {"lang", "value"}
    return str(body["error"]["message"]["value"])


def pages(api: httpx.Client, path: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
    """Every page of a collection, following the absolute __next links."""
    response = api.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()["d"]
        yield body["results"]
        if "__next" not in body:
            return
        assert body["__next"].startswith("http") and "$skiptoken=" in body["__next"]
        response = api.get(body["__next"])


def collect(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    return [row for page in pages(api, path, **params) for row in page]


def live_ids(sb: RunningSandbox, entity: str) -> list[str]:
    return [r.id for r in sb.app.store.select(SYSTEM, entity, Query())]


def account_data(n: int, **values: Any) -> dict[str, Any]:
    return {
        **dict.fromkeys(ACCOUNTS.writable),
        "Code": str(n).rjust(18),
        "Name": f"Loaded {n} BV",
        "Status": "C",
        "IsSupplier": False,
        "Blocked": False,
        **values,
    }


def load_accounts(sb: RunningSandbox, count: int, modified_us: int = 1_600_000_000_000_000) -> list[str]:
    """Accounts written straight into the store (old modified times), as seeding would."""
    rows = [(guid("Accounts", n), account_data(n), modified_us, modified_us + n) for n in range(1, count + 1)]
    sb.app.store.bulk_load(SYSTEM, "Accounts", rows)
    sb.app.store.bump_counter(SYSTEM, "Accounts", count)
    return [row[0] for row in rows]


def create(api: httpx.Client, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"/crm/{entity}", json=body, headers={"Prefer": "return=representation"})
    assert response.status_code == 201, response.text
    return dict(response.json()["d"])


def max_timestamp(api: httpx.Client, entity: str) -> int:
    rows = collect(api, f"/sync/CRM/{entity}", **{"$select": "ID,Timestamp", "$filter": "Timestamp gt 0"})
    return max((r["Timestamp"] for r in rows), default=0)


def odata_ms(value: str) -> int:
    assert value.startswith("/Date(") and value.endswith(")/"), value
    return int(value[6:-2])


# -- OAuth ----------------------------------------------------------------------------------------------


def test_refresh_tokens_rotate_and_are_single_use(sandbox: RunningSandbox) -> None:
    bootstrap = sandbox.credentials(SYSTEM)["refresh_token"]
    first = token(sandbox, grant_type="refresh_token", refresh_token=bootstrap)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == "600"
    rotated = body["refresh_token"]
    assert rotated and rotated != bootstrap

    second = token(sandbox, grant_type="refresh_token", refresh_token=rotated)
    assert second.status_code == 200 and second.json()["refresh_token"] not in (rotated, bootstrap)
    reused = token(sandbox, grant_type="refresh_token", refresh_token=rotated)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    newest = token(sandbox, grant_type="refresh_token", refresh_token=second.json()["refresh_token"])
    assert newest.status_code == 200
    # The published grant keeps working (the sandbox's standing authorisation).
    assert token(sandbox, grant_type="refresh_token", refresh_token=bootstrap).status_code == 200

    for response in (first, second, newest):
        me = httpx.get(
            sandbox.url(SYSTEM, "/api/v1/current/Me"),
            params={"$select": "CurrentDivision"},
            headers={"Authorization": f"Bearer {response.json()['access_token']}"},
        )
        assert me.status_code == 200
        assert me.json()["d"]["results"][0]["CurrentDivision"] == int(sandbox.credentials(SYSTEM)["division"])


def test_authorization_code_grant_and_refusals(sandbox: RunningSandbox) -> None:
    code = {"grant_type": "authorization_code", "redirect_uri": "https://localhost/callback"}
    granted = token(sandbox, code="sandbox-exact-authorization-code", **code)
    assert granted.status_code == 200 and granted.json()["refresh_token"]
    assert token(sandbox, code="wrong", **code).json() == {
        "error": "invalid_grant",
        "error_description": "unknown authorization code or missing redirect_uri",
    }
    wrong_secret = httpx.post(
        sandbox.url(SYSTEM, "/api/oauth2/token"),
        data={
            "grant_type": "refresh_token",
            "client_id": sandbox.credentials(SYSTEM)["client_id"],
            "client_secret": "nope",
            "refresh_token": sandbox.credentials(SYSTEM)["refresh_token"],
        },
    )
    assert wrong_secret.status_code == 400 and wrong_secret.json()["error"] == "invalid_client"
    unknown = token(sandbox, grant_type="password")
    assert unknown.status_code == 400 and unknown.json()["error"] == "unsupported_grant_type"
    reused_unknown = token(sandbox, grant_type="refresh_token", refresh_token="never-issued")
    assert reused_unknown.status_code == 400 and reused_unknown.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", "Basic c2FuZGJveA=="], ids=["missing", "wrong", "basic"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/current/Me"),
        ("GET", "/api/v1/3054411/crm/Accounts?$select=ID&$filter=Name eq 'x'"),
        ("GET", "/api/v1/3054411/crm/Accounts(guid'00000000-0000-0000-0000-000000000001')"),
        ("GET", "/api/v1/3054411/sync/CRM/Contacts?$select=ID&$filter=Timestamp gt 0"),
        ("POST", "/api/v1/3054411/crm/Accounts"),
    ],
)
def test_calls_without_a_valid_token_get_401(
    seeded_sandbox: RunningSandbox, authorization: str | None, method: str, path: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.request(method, seeded_sandbox.url(SYSTEM, path), headers=headers, json={"Name": "x"})
    assert message(response, 401).startswith("Unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_token_and_wrong_division(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        other = api.get(sandbox.url(SYSTEM, "/api/v1/1234/crm/Accounts"), params={"$top": 1})
        assert "division 1234" in message(other, 403)
        sandbox.admin("POST", f"/tokens/{SYSTEM}/revoke")
        message(api.get("/crm/Accounts", params={"$top": 1, "$filter": "Name eq 'x'"}), 401)


# -- OData query rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/crm/Accounts", {"$filter": f"Modified ge datetime'{OLD}'"}),
        ("/crm/Contacts", {"$filter": f"Modified ge datetime'{OLD}'", "$top": "2"}),
        ("/bulk/CRM/Accounts", {"$filter": f"Modified ge datetime'{OLD}'", "$top": "1"}),
        ("/sync/CRM/Accounts", {"$filter": "Timestamp gt 0"}),
        ("/sync/Deleted", {"$filter": "Timestamp gt 0"}),
    ],
)
def test_select_is_mandatory(seeded_sandbox: RunningSandbox, path: str, params: dict[str, str]) -> None:
    with client(seeded_sandbox) as api:
        assert "$select is mandatory" in message(api.get(path, params=params), 400)


def test_top_1_may_leave_select_out_and_gets_every_field(seeded_sandbox: RunningSandbox) -> None:
    with client(seeded_sandbox) as api:
        response = api.get("/crm/Accounts", params={"$top": 1, "$filter": f"Modified ge datetime'{OLD}'"})
        assert response.status_code == 200, response.text
        (row,) = response.json()["d"]["results"]
        assert "__next" not in response.json()["d"]
        assert list(row) == ["__metadata", *ACCOUNTS.fields]
        assert row["__metadata"]["type"] == "Exact.Web.Api.Models.Account"


@pytest.mark.parametrize("path", ["/crm/Accounts", "/bulk/CRM/Contacts", "/sync/CRM/Accounts", "/sync/Deleted"])
def test_filter_is_mandatory(seeded_sandbox: RunningSandbox, path: str) -> None:
    with client(seeded_sandbox) as api:
        text = message(api.get(path, params={"$select": "ID" if "Deleted" not in path else "EntityKey"}), 400)
        assert "filter" in text and "mandatory" in text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"$select": "ID,Nope"}, "property 'Nope' does not exist"),
        ({"$select": "ID", "$orderby": "Name"}, "$orderby is not supported"),
        ({"$select": "ID", "$filter": "Name eq 'a' or Name eq 'b'"}, "expected 'and'"),
        ({"$select": "ID", "$filter": "Blocked eq true"}, "'Blocked eq' is not supported"),
        ({"$select": "ID", "$filter": "Modified ge datetime'yesterday'"}, "not a valid datetime"),
        ({"$select": "ID", "$filter": "Name eq 'a'", "$skiptoken": "guid'nope'"}, "$skiptoken"),
    ],
)
def test_bad_queries_are_refused(seeded_sandbox: RunningSandbox, params: dict[str, str], expected: str) -> None:
    with client(seeded_sandbox) as api:
        response = api.get("/crm/Accounts", params={"$filter": "Name eq 'a'", **params})
        assert expected in message(response, 400)


@pytest.mark.parametrize(
    ("path", "maximum", "flt"),
    [
        ("/crm/Accounts", 60, f"Modified ge datetime'{OLD}'"),
        ("/bulk/CRM/Accounts", 1000, f"Modified ge datetime'{OLD}'"),
        ("/sync/CRM/Accounts", 1000, "Timestamp gt 0"),
    ],
)
def test_top_over_the_page_size_is_refused(seeded_sandbox: RunningSandbox, path: str, maximum: int, flt: str) -> None:
    with client(seeded_sandbox) as api:
        params = {"$select": "ID", "$filter": flt}
        text = message(api.get(path, params={**params, "$top": maximum + 1}), 400)
        assert f"between 1 and {maximum}" in text
        top = api.get(path, params={**params, "$top": min(maximum, 60)})
        assert top.status_code == 200
        # $top is OData's: that many rows in all, so no __next.
        assert len(top.json()["d"]["results"]) == 60 and "__next" not in top.json()["d"]


# -- paging ---------------------------------------------------------------------------------------------


def test_regular_pages_of_60_walk_every_account_once(seeded_sandbox: RunningSandbox) -> None:
    with client(seeded_sandbox) as api:
        walked = list(pages(api, "/crm/Accounts", **{"$select": "ID", "$filter": f"Modified ge datetime'{OLD}'"}))
    sizes = [len(page) for page in walked]
    assert all(size == 60 for size in sizes[:-1]) and 0 < sizes[-1] <= 60
    ids = [row["ID"] for page in walked for row in page]
    assert ids == live_ids(seeded_sandbox, "Accounts")
    assert len(ids) > 120  # several pages


def test_top_1_with_skiptoken_walks_every_contact_once(seeded_sandbox: RunningSandbox) -> None:
    """Client-driven paging: $top=1 and $skiptoken=guid'<last ID>', Exact's continuation token."""
    ids: list[str] = []
    with client(seeded_sandbox) as api:
        params = {"$select": "ID", "$filter": f"Modified ge datetime'{OLD}'", "$top": "1"}
        while True:
            skip = {"$skiptoken": f"guid'{ids[-1]}'"} if ids else {}
            response = api.get("/crm/Contacts", params={**params, **skip})
            assert response.status_code == 200, response.text
            rows = response.json()["d"]["results"]
            if not rows:
                break
            assert len(rows) == 1
            ids.append(rows[0]["ID"])
    assert ids == live_ids(seeded_sandbox, "Contacts")


def test_bulk_and_sync_pages_of_1000(sandbox: RunningSandbox) -> None:
    loaded = load_accounts(sandbox, 2300)
    with client(sandbox) as api:
        bulk = list(
            pages(api, "/bulk/CRM/Accounts", **{"$select": "ID,Name", "$filter": f"Created ge datetime'{OLD}'"})
        )
        assert [len(p) for p in bulk] == [1000, 1000, 300]
        assert [r["ID"] for p in bulk for r in p] == loaded
        sync = list(pages(api, "/sync/CRM/Accounts", **{"$select": "ID,Timestamp", "$filter": "Timestamp gt 0"}))
        assert [len(p) for p in sync] == [1000, 1000, 300]
        stamps = [r["Timestamp"] for p in sync for r in p]
        assert stamps == sorted(stamps) and len(set(stamps)) == 2300
        assert sorted(r["ID"] for p in sync for r in p) == sorted(loaded)
        regular = list(pages(api, "/crm/Accounts", **{"$select": "ID", "$filter": f"Modified ge datetime'{OLD}'"}))
        assert len(regular) == math.ceil(2300 / 60)
        response = api.post("/bulk/CRM/Accounts", json={"Name": "x"})
        assert "read-only" in message(response, 405)


# -- filters and single reads -----------------------------------------------------------------------------


def test_equality_filters(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        account = create(api, "Accounts", {"Name": "O'Brien & Sons Ltd", "Code": "42", "Email": "info@obrien.ie"})
        other = create(api, "Accounts", {"Name": "Other Ltd"})
        contact = create(api, "Contacts", {"Account": account["ID"], "LastName": "O'Brien", "Email": "p@o.ie"})
        create(api, "Contacts", {"Account": other["ID"], "LastName": "Else"})

        def ids(entity: str, flt: str) -> list[str]:
            return [r["ID"] for r in collect(api, f"/crm/{entity}", **{"$select": "ID", "$filter": flt})]

        assert ids("Accounts", "Name eq 'O''Brien & Sons Ltd'") == [account["ID"]]
        assert ids("Accounts", "Name eq 'o''brien & sons ltd'") == [account["ID"]]
        assert ids("Accounts", "Code eq '42'") == [account["ID"]] == ids("Accounts", f"Code eq '{' ' * 16}42'")
        assert ids("Accounts", f"ID eq guid'{other['ID'].upper()}'") == [other["ID"]]
        assert ids("Accounts", f"ID eq guid'{other['ID']}' and Name eq 'Nope'") == []
        assert ids("Contacts", f"Account eq guid'{account['ID']}'") == [contact["ID"]]
        assert ids("Contacts", f"Account eq guid'{account['ID']}' and Email eq 'P@O.IE'") == [contact["ID"]]
        assert "guid literal" in message(
            api.get("/crm/Contacts", params={"$select": "ID", "$filter": f"Account eq '{account['ID']}'"}),
            400,
        )


def test_inequality_filters(sandbox: RunningSandbox) -> None:
    """`ne` is `eq`'s negation (case-insensitive), an empty field differs from every value, and it combines
    with the other clauses, on the list and on an ID lookup alike."""
    with client(sandbox) as api:
        fjord = create(api, "Accounts", {"Name": "Fjord AS", "Email": "post@fjord.no"})
        havn = create(api, "Accounts", {"Name": "Havn AS"})
        anna = create(api, "Contacts", {"Account": fjord["ID"], "LastName": "Berg", "Email": "anna@fjord.no"})
        ola = create(api, "Contacts", {"Account": havn["ID"], "LastName": "Dal"})

        def ids(entity: str, flt: str) -> list[str]:
            return [r["ID"] for r in collect(api, f"/crm/{entity}", **{"$select": "ID", "$filter": flt})]

        assert ids("Accounts", "Name ne 'FJORD as'") == [havn["ID"]]
        assert ids("Accounts", "Email ne 'post@fjord.no'") == [havn["ID"]], "an empty e-mail is not that e-mail"
        assert ids("Contacts", f"Account ne guid'{fjord['ID']}'") == [ola["ID"]]
        assert ids("Contacts", f"Account eq guid'{fjord['ID']}' and LastName ne 'Dal'") == [anna["ID"]]
        assert ids("Accounts", f"ID eq guid'{fjord['ID']}' and Name ne 'Fjord AS'") == []
        assert ids("Accounts", f"ID eq guid'{havn['ID']}' and Name ne 'Fjord AS'") == [havn["ID"]]
        assert "'Created ne' is not supported" in message(
            api.get("/crm/Accounts", params={"$select": "ID", "$filter": f"Created ne datetime'{OLD}'"}), 400
        )


def test_single_get_by_guid_key(seeded_sandbox: RunningSandbox) -> None:
    first = live_ids(seeded_sandbox, "Contacts")[0]
    with client(seeded_sandbox) as api:
        response = api.get(f"/crm/Contacts(guid'{first}')")
        assert response.status_code == 200, response.text
        record = response.json()["d"]
        assert record["ID"] == first and list(record)[1:] == list(CONTACTS.fields)
        assert record["__metadata"]["uri"].endswith(f"/crm/Contacts(guid'{first}')")
        assert record["AccountName"] and record["FullName"]
        selected = api.get(f"/crm/Contacts(guid'{first}')", params={"$select": "FullName,Account"}).json()["d"]
        assert list(selected) == ["__metadata", "FullName", "Account"]
        missing = api.get(f"/crm/Contacts(guid'{uuid.uuid4()}')")
        assert "not found" in message(missing, 404)
        assert "not a valid key" in message(api.get("/crm/Contacts(guid'123')"), 400)


# -- writes ---------------------------------------------------------------------------------------------


def test_create_update_delete_account(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        before_ms = int(time.time() * 1000)
        created = create(api, "Accounts", {"Name": "Fjord Consulting AS", "Country": "NO", "Email": "post@fj.no"})
        assert uuid.UUID(created["ID"]).version == 5
        assert created["Code"] == " " * 17 + "1" and created["Status"] == "C" and created["CountryName"] == "Norway"
        assert created["Division"] == 3054411 and created["Blocked"] is False
        assert odata_ms(created["Created"]) == odata_ms(created["Modified"]) >= before_ms - 1

        minimal = api.post("/crm/Accounts", json={"Name": "No Prefer BV"})
        assert minimal.status_code == 201 and minimal.headers["Location"].endswith("')")
        d = minimal.json()["d"]
        assert d["ID"] and d["Name"] is None and d["Created"] is None

        time.sleep(0.002)
        uri = f"/crm/Accounts(guid'{created['ID']}')"
        updated = api.put(uri, json={"City": "Oslo", "IsSupplier": True})
        assert updated.status_code == 204 and updated.content == b""
        after = api.get(uri).json()["d"]
        assert after["City"] == "Oslo" and after["IsSupplier"] is True and after["Name"] == "Fjord Consulting AS"
        assert odata_ms(after["Modified"]) > odata_ms(created["Modified"])
        assert after["Created"] == created["Created"]

        assert api.delete(uri).status_code == 204
        message(api.get(uri), 404)
        message(api.delete(uri), 404)
        message(api.put(uri, json={"City": "Bergen"}), 404)


def test_contacts_belong_to_an_existing_account(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        account = create(api, "Accounts", {"Name": "Acme BV"})
        contact = create(
            api,
            "Contacts",
            {"Account": account["ID"].upper(), "FirstName": "Jan", "MiddleName": "van", "LastName": "Dijk"},
        )
        assert contact["Account"] == account["ID"] and contact["AccountName"] == "Acme BV"
        assert contact["FullName"] == "Jan van Dijk" and contact["IsMainContact"] is False
        assert api.put(f"/crm/Accounts(guid'{account['ID']}')", json={"MainContact": contact["ID"]}).status_code == 204
        again = api.get(f"/crm/Contacts(guid'{contact['ID']}')").json()["d"]
        assert again["IsMainContact"] is True

        ghost = str(uuid.uuid4())
        text = message(api.post("/crm/Contacts", json={"Account": ghost, "LastName": "X"}), 400)
        assert text.startswith("Account:") and ghost in text
        assert message(api.post("/crm/Contacts", json={"LastName": "X"}), 400).startswith("Account:")
        nameless = api.post("/crm/Contacts", json={"Account": account["ID"], "Email": "a@b.nl"})
        assert message(nameless, 400).startswith("LastName:")
        emptied = api.put(f"/crm/Contacts(guid'{contact['ID']}')", json={"FirstName": None, "LastName": ""})
        assert message(emptied, 400).startswith("LastName:")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "Name"),
        ({"Name": "   "}, "Name"),
        ({"Name": "x" * 101}, "Name"),
        ({"Name": "A", "Email": "not-an-address"}, "Email"),
        ({"Name": "A", "Country": "Norway"}, "Country"),
        ({"Name": "A", "Status": "X"}, "Status"),
        ({"Name": "A", "Blocked": "yes"}, "Blocked"),
        ({"Name": "A", "Code": "1" * 19}, "Code"),
        ({"Name": "A", "Postcode": "1" * 21}, "Postcode"),
        ({"Name": "A", "MainContact": "nope"}, "MainContact"),
        ({"Name": "A", "Modified": "/Date(0)/"}, "Modified"),
        ({"Name": "A", "Shoe": 44}, "Shoe"),
    ],
)
def test_account_validation_errors_name_the_field(sandbox: RunningSandbox, body: dict[str, Any], field: str) -> None:
    with client(sandbox) as api:
        assert message(api.post("/crm/Accounts", json=body), 400).startswith(f"{field}: ")
        assert sandbox.app.store.count(SYSTEM, "Accounts") == 0


def test_bodies_that_are_not_one_object_are_refused(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        assert "not valid JSON" in message(api.post("/crm/Accounts", content=b"{nope"), 400)
        assert "does not batch" in message(api.post("/crm/Accounts", json=[{"Name": "A"}, {"Name": "B"}]), 400)


def test_duplicate_account_code_is_refused(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        create(api, "Accounts", {"Name": "First", "Code": "700"})
        assert message(api.post("/crm/Accounts", json={"Name": "Second", "Code": " 700"}), 400).startswith("Code:")


# -- change tracking --------------------------------------------------------------------------------------


def test_modified_filter_returns_exactly_the_changed_accounts(sandbox: RunningSandbox) -> None:
    loaded = load_accounts(sandbox, 150)
    since = datetime.fromtimestamp(math.floor(time.time()), tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    with client(sandbox) as api:
        edited = loaded[10:13]
        for id in edited:
            assert api.put(f"/crm/Accounts(guid'{id}')", json={"Phone": "+31 20 123 4567"}).status_code == 204
        new = create(api, "Accounts", {"Name": "New One BV"})["ID"]
        rows = collect(api, "/crm/Accounts", **{"$select": "ID,Phone", "$filter": f"Modified ge datetime'{since}'"})
        assert sorted(r["ID"] for r in rows) == sorted([*edited, new])
        until = collect(
            api,
            "/crm/Accounts",
            **{"$select": "ID", "$filter": f"Modified lt datetime'{since}' and Name eq 'x'"},
        )
        assert until == []
        old = collect(api, "/crm/Accounts", **{"$select": "ID", "$filter": f"Modified lt datetime'{since}'"})
        assert len(old) == 147


def test_sync_timestamps_and_deleted_feed(sandbox: RunningSandbox) -> None:
    loaded = load_accounts(sandbox, 50)
    with client(sandbox) as api:
        owner = create(api, "Accounts", {"Name": "Owner AS"})
        people = [create(api, "Contacts", {"Account": owner["ID"], "LastName": f"P{i}"})["ID"] for i in range(3)]
        mark = max_timestamp(api, "Accounts")
        contact_mark = max_timestamp(api, "Contacts")

        assert api.put(f"/crm/Accounts(guid'{loaded[5]}')", json={"City": "Delft"}).status_code == 204
        assert api.put(f"/crm/Accounts(guid'{loaded[7]}')", json={"City": "Utrecht"}).status_code == 204
        fresh = create(api, "Accounts", {"Name": "Fresh BV"})["ID"]
        gone = loaded[9]
        assert api.delete(f"/crm/Accounts(guid'{gone}')").status_code == 204

        changed = collect(
            api, "/sync/CRM/Accounts", **{"$select": "ID,City,Timestamp", "$filter": f"Timestamp gt {mark}"}
        )
        assert [r["ID"] for r in changed] == [loaded[5], loaded[7], fresh]
        assert all(r["Timestamp"] > mark for r in changed)

        deleted_select = "EntityKey,EntityType,DeletedDate,Timestamp,Division"
        deleted = collect(api, "/sync/Deleted", **{"$select": deleted_select, "$filter": f"Timestamp gt {mark}"})
        assert [(r["EntityKey"], r["EntityType"]) for r in deleted] == [(gone, 2)]
        assert deleted[0]["Timestamp"] > changed[-1]["Timestamp"] and odata_ms(deleted[0]["DeletedDate"]) > 0

        # Deleting an account deletes its contacts: each one its own tombstone, EntityType 5.
        assert api.delete(f"/crm/Accounts(guid'{owner['ID']}')").status_code == 204
        contacts_gone = collect(
            api,
            "/sync/Deleted",
            **{"$select": "EntityKey", "$filter": f"Timestamp gt {contact_mark} and EntityType eq 5"},
        )
        assert sorted(r["EntityKey"] for r in contacts_gone) == sorted(people)
        assert collect(api, "/sync/CRM/Contacts", **{"$select": "ID", "$filter": f"Timestamp gt {contact_mark}"}) == []


# -- rate limits and faults -------------------------------------------------------------------------------


def test_rate_headers_on_every_data_response(seeded_sandbox: RunningSandbox) -> None:
    with client(seeded_sandbox) as api:
        for response in (
            api.get("/crm/Accounts", params={"$top": 1}),
            api.get(seeded_sandbox.url(SYSTEM, "/api/v1/current/Me")),
        ):
            assert set(response.headers) >= MINUTELY | DAILY, response.headers
            assert response.headers["X-RateLimit-Limit"] == "5000"
            assert response.headers["X-RateLimit-Minutely-Limit"] == "60"
            assert int(response.headers["X-RateLimit-Reset"]) > time.time() * 1000


def test_minutely_quota_gives_429_with_only_minutely_headers(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, rate_scale=1) as sb, client(sb) as api:
        me = sb.url(SYSTEM, "/api/v1/current/Me")
        started = time.time() * 1000
        answers = [api.get(me) for _ in range(60)]
        assert all(r.status_code == 200 for r in answers)
        first, last = answers[0].headers, answers[-1].headers
        assert (first["X-RateLimit-Minutely-Remaining"], first["X-RateLimit-Remaining"]) == ("59", "4999")
        assert (last["X-RateLimit-Minutely-Remaining"], last["X-RateLimit-Remaining"]) == ("0", "4940")
        refused = api.get(me)
        assert message(refused, 429) == "API rate limit exceeded"
        headers = {k for k in refused.headers if k.startswith("x-ratelimit")}
        assert headers == MINUTELY
        assert refused.headers["X-RateLimit-Minutely-Remaining"] == "0"
        assert started + 55_000 < int(refused.headers["X-RateLimit-Minutely-Reset"]) <= started + 61_000
        assert sb.stats(SYSTEM)["throttled"] == 1


def test_daily_quota_gives_429_with_only_daily_headers(tmp_path: Path) -> None:
    with running_sandbox(tmp_path, rate_scale=1) as sb, client(sb) as api:
        # The same mechanism with a small daily allowance, so the test need not spend 5,000 calls.
        sb.app.systems[SYSTEM].limiter.windows[1] = Window("daily", 3, 86400)
        me = sb.url(SYSTEM, "/api/v1/current/Me")
        assert [api.get(me).status_code for _ in range(3)] == [200, 200, 200]
        refused = api.get(me)
        message(refused, 429)
        assert {k for k in refused.headers if k.startswith("x-ratelimit")} == DAILY
        assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_injected_faults_appear_at_the_configured_rates(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        sandbox.faults(SYSTEM, rate_5xx=0.2, rate_429=0.1, seed=11)
        statuses = [api.get(sandbox.url(SYSTEM, "/api/v1/current/Me")).status_code for _ in range(400)]
        sandbox.faults(SYSTEM, rate_5xx=0, rate_429=0)
        assert abs(statuses.count(500) / 400 - 0.2) < 0.07
        assert abs(statuses.count(429) / 400 - 0.1) < 0.06
        assert statuses.count(200) + statuses.count(500) + statuses.count(429) == 400
        assert sandbox.stats(SYSTEM)["injected"]["5xx"] == statuses.count(500)


def test_fault_answers_have_exact_shapes(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        sandbox.faults(SYSTEM, rate_5xx=1)
        message(api.get("/crm/Accounts", params={"$top": 1}), 500)
        sandbox.faults(SYSTEM, rate_5xx=0, rate_429=1)
        throttled = api.get("/crm/Accounts", params={"$top": 1})
        message(throttled, 429)
        assert {k for k in throttled.headers if k.startswith("x-ratelimit")} == MINUTELY


def test_lost_response_still_applies_the_write(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        sandbox.faults(SYSTEM, rate_lost=1)
        with pytest.raises(httpx.TransportError):
            api.post("/crm/Accounts", json={"Name": "Lost Response BV"})
        sandbox.faults(SYSTEM, rate_lost=0)
        found = collect(api, "/crm/Accounts", **{"$select": "ID,Name", "$filter": "Name eq 'Lost Response BV'"})
        assert [r["Name"] for r in found] == ["Lost Response BV"]


# -- seeding --------------------------------------------------------------------------------------------


def test_seeding_counts_ids_and_references(seeded_sandbox: RunningSandbox) -> None:
    store = seeded_sandbox.app.store
    accounts = store.select(SYSTEM, "Accounts", Query())
    contacts = store.select(SYSTEM, "Contacts", Query())
    assert 240 <= len(accounts) <= 360
    assert 60 <= len(contacts) <= len(accounts)
    account_ids = {a.id for a in accounts}
    assert all(c.data["Account"] in account_ids for c in contacts)
    for record in accounts:
        number = int(record.data["Code"])
        assert record.id == str(uuid.uuid5(NAMESPACE, f"exact:Accounts:{number}"))
        assert len(record.data["Code"]) == 18 and record.data["Status"] in "ASPC"
        assert record.data["Name"] and len(record.data["Country"]) == 2
    with (seeded_sandbox.app.settings.data_dir / GROUND_TRUTH).open() as handle:
        truth = [row for row in csv.DictReader(handle) if row["system"] == SYSTEM]
    assert {(r["entity"], r["id"]) for r in truth} == {("Accounts", a.id) for a in accounts} | {
        ("Contacts", c.id) for c in contacts
    }
    assert {r["kind"] for r in truth} == {"company", "person"}


def test_new_records_get_ids_above_the_seeded_ones(sandbox: RunningSandbox) -> None:
    counts = sandbox.admin("POST", "/seed", {"records": 20, "seed": 3, "systems": [SYSTEM]})
    assert counts[f"{SYSTEM}.Accounts"] > 0
    companies = round(20 / 0.7)  # the world's company population for 20 records
    with client(sandbox) as api:
        created = create(api, "Accounts", {"Name": "After Seeding BV"})
    assert created["ID"] == guid("Accounts", companies + 1)
    assert created["Code"].strip() == str(companies + 1)
