"""PowerOffice Go v2 emulator contract over real HTTP: token + subscription key, X-Pagination paging, the
lastChanged cursor (strict, and blind to address-only changes), filters, JSON Patch, ProblemDetails validation,
the 10 requests/s 429, injected faults, lost responses and seeding."""

from __future__ import annotations

import base64
import csv
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from sandbox.seeding import GROUND_TRUTH
from sandbox.store import Query
from sandbox.systems.poweroffice.api import APIM_INVALID_KEY, APIM_MISSING_KEY
from sandbox.systems.poweroffice.dto import editable, validate
from sandbox.systems.poweroffice.schema import CUSTOMER, CUSTOMERS, DEPARTMENTS
from sandbox.world import World
from tests.helpers.sandbox import RunningSandbox

SYSTEM = "poweroffice"
PATCH_JSON = {"Content-Type": "application/json-patch+json"}


def _token(sb: RunningSandbox, prefix: str = "") -> str:
    creds = sb.credentials(SYSTEM)
    basic = base64.b64encode(f"{creds['application_key']}:{creds['client_key']}".encode()).decode()
    response = httpx.post(
        sb.url(SYSTEM, f"{prefix}/OAuth/Token"),
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}", "Ocp-Apim-Subscription-Key": creds["subscription_key"]},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _client(sb: RunningSandbox) -> httpx.Client:
    headers = {
        "Authorization": f"Bearer {_token(sb)}",
        "Ocp-Apim-Subscription-Key": sb.credentials(SYSTEM)["subscription_key"],
    }
    return httpx.Client(base_url=sb.url(SYSTEM, "/v2"), headers=headers, timeout=30)


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def seeded_api(seeded_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(seeded_sandbox) as client:
        yield client


def _pagination(response: httpx.Response) -> dict[str, Any]:
    return dict(orjson.loads(response.headers["X-Pagination"]))


def _walk(api: httpx.Client, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every record by following nextPageLink; also how many pages it took."""
    rows: list[dict[str, Any]] = []
    response = api.get(path, params=params)
    pages = 0
    while True:
        if response.status_code == 204:
            return rows, pages
        assert response.status_code == 200, response.text
        pages += 1
        rows += response.json()
        link = _pagination(response)["nextPageLink"]
        if link is None:
            return rows, pages
        assert link.startswith("http://")
        response = api.get(link)


def _customer(api: httpx.Client, name: str, **fields: Any) -> dict[str, Any]:
    body = {"Name": name, "MailAddress": {"City": "Oslo", "ZipCode": "0150"}, **fields}
    response = api.post("/Customers", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _patch(api: httpx.Client, path: str, *ops: dict[str, Any]) -> httpx.Response:
    return api.patch(path, content=orjson.dumps(list(ops)), headers=PATCH_JSON)


def _us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1_000_000)


def _param(us: int) -> str:
    """The date-time as PowerOffice's docs write it: a space, microseconds and an offset."""
    return (datetime.fromisoformat("1970-01-01T00:00:00+00:00") + timedelta(microseconds=us)).isoformat(" ")


# -- auth -------------------------------------------------------------------------------------------------


def test_token_needs_the_subscription_key_and_the_basic_keys(sandbox: RunningSandbox) -> None:
    creds = sandbox.credentials(SYSTEM)
    url = sandbox.url(SYSTEM, "/OAuth/Token")
    good = base64.b64encode(f"{creds['application_key']}:{creds['client_key']}".encode()).decode()
    wrong = base64.b64encode(f"{creds['application_key']}:not-the-client-key".encode()).decode()
    form = {"grant_type": "client_credentials"}
    key = {"Ocp-Apim-Subscription-Key": creds["subscription_key"]}

    missing_key = httpx.post(url, data=form, headers={"Authorization": f"Basic {good}"})
    assert missing_key.status_code == 401
    assert missing_key.json() == {"statusCode": 401, "message": APIM_MISSING_KEY}
    wrong_keys = httpx.post(url, data=form, headers={"Authorization": f"Basic {wrong}", **key})
    assert wrong_keys.status_code == 401 and wrong_keys.json() == {"error": "invalid_client"}
    no_basic = httpx.post(url, data=form, headers=key)
    assert no_basic.status_code == 400 and no_basic.json() == {"error": "invalid_client"}
    grant = httpx.post(url, data={"grant_type": "password"}, headers={"Authorization": f"Basic {good}", **key})
    assert grant.status_code == 400 and grant.json() == {"error": "unsupported_grant_type"}

    ok = httpx.post(url, data=form, headers={"Authorization": f"Basic {good}", **key})
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1200 and body["access_token"]


def test_data_calls_need_bearer_token_and_subscription_key(sandbox: RunningSandbox) -> None:
    url = sandbox.url(SYSTEM, "/v2/Customers")
    key = sandbox.credentials(SYSTEM)["subscription_key"]
    bearer = {"Authorization": f"Bearer {_token(sandbox)}"}

    no_key = httpx.get(url, headers=bearer)
    assert no_key.status_code == 401 and no_key.json() == {"statusCode": 401, "message": APIM_MISSING_KEY}
    bad_key = httpx.get(url, headers={**bearer, "Ocp-Apim-Subscription-Key": "0" * 32})
    assert bad_key.status_code == 401 and bad_key.json() == {"statusCode": 401, "message": APIM_INVALID_KEY}
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        refused = httpx.get(url, headers={**headers, "Ocp-Apim-Subscription-Key": key})
        assert refused.status_code == 401 and refused.content == b""
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")

    ok = httpx.get(url, headers={**bearer, "Ocp-Apim-Subscription-Key": key})
    assert ok.status_code == 204 and ok.content == b""  # an empty client: 204, no body
    assert _pagination(ok)["totalCount"] == 0 and _pagination(ok)["nextPageLink"] is None
    assert sandbox.stats(SYSTEM)["unauthorized"] == 5


def test_demo_environment_paths_serve_the_same_api(sandbox: RunningSandbox) -> None:
    headers = {
        "Authorization": f"Bearer {_token(sandbox, '/Demo')}",
        "Ocp-Apim-Subscription-Key": sandbox.credentials(SYSTEM)["subscription_key"],
    }
    created = httpx.post(sandbox.url(SYSTEM, "/Demo/v2/Departments"), json={"Name": "Demo"}, headers=headers)
    assert created.status_code == 201, created.text
    listed = httpx.get(sandbox.url(SYSTEM, "/Demo/v2/departments"), headers=headers)  # paths are case-blind
    assert listed.status_code == 200 and [d["Name"] for d in listed.json()] == ["Demo"]


# -- paging -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["Customers", "Departments"])
@pytest.mark.parametrize("size", [1, None, 20_000])
def test_paging_walks_every_record_once_in_id_order(
    seeded_sandbox: RunningSandbox, seeded_api: httpx.Client, entity: str, size: int | None
) -> None:
    rows, pages = _walk(seeded_api, f"/{entity}", **({"PageSize": size} if size else {}))
    stored = seeded_sandbox.app.store.select(SYSTEM, entity, Query())
    ids = [r["Id"] for r in rows]
    assert len(ids) == len(set(ids)) == len(stored) > 0
    assert set(ids) == {int(r.id) for r in stored}
    assert ids == sorted(ids)
    per_page = size or 5000
    assert pages == -(-len(stored) // per_page)

    first = seeded_api.get(f"/{entity}", params={"PageSize": size} if size else {})
    info = _pagination(first)
    assert info["currentPage"] == 1 and info["pageSize"] == per_page
    assert info["totalCount"] == len(stored) and info["totalPages"] == pages


def test_default_and_maximum_page_sizes_over_many_pages(sandbox: RunningSandbox, api: httpx.Client) -> None:
    count = 2 * 5000 + 7
    rows = (
        (str(101 + i), {"Code": f"D{i}", "Name": f"Department {i}", "IsActive": True, "ManagerEmployeeId": None}, i, i)
        for i in range(count)
    )
    sandbox.app.store.bulk_load(SYSTEM, "Departments", rows)
    for size, pages in ((None, 3), (20_000, 1), (4_000, 3)):
        walked, taken = _walk(api, "/Departments", **({"PageSize": size} if size else {}))
        ids = [d["Id"] for d in walked]
        assert taken == pages and ids == list(range(101, 101 + count)), size


def test_page_size_and_paging_parameters_are_checked(seeded_api: httpx.Client) -> None:
    at_max = seeded_api.get("/Customers", params={"PageSize": 20_000})
    assert at_max.status_code == 200
    for params in ({"PageSize": 20_001}, {"PageSize": 0}, {"PageNumber": 0}, {"OrderBy": "Name"}):
        refused = seeded_api.get("/Customers", params=params)
        assert refused.status_code == 400, params
        assert refused.headers["content-type"].startswith("application/problem+json")
        body = refused.json()
        assert body["status"] == 400 and body["title"] == "Invalid resourceParameter"
        assert set(body["errors"]) == {next(iter(params))}
    not_a_number = seeded_api.get("/Customers", params={"PageSize": "lots"})
    assert not_a_number.status_code == 400 and "PageSize" in not_a_number.json()["errors"]


def test_page_past_the_end_is_204_and_query_names_are_case_blind(seeded_api: httpx.Client) -> None:
    total = _pagination(seeded_api.get("/Customers", params={"PageSize": 1}))["totalCount"]
    past = seeded_api.get("/Customers", params={"pagesize": 100, "pagenumber": total // 100 + 2})
    assert past.status_code == 204 and past.content == b""
    last = seeded_api.get("/Customers", params={"pagesize": 100, "pagenumber": -(-total // 100)})
    assert last.status_code == 200 and _pagination(last)["nextPageLink"] is None


def test_fields_parameter_returns_only_those_fields(seeded_api: httpx.Client) -> None:
    response = seeded_api.get("/Customers", params={"Fields": "id, Name,MailAddress", "PageSize": 5})
    assert response.status_code == 200
    assert all(list(row) == ["Id", "Name", "MailAddress"] for row in response.json())
    link = _pagination(response)["nextPageLink"]
    assert "Fields=" in link and "PageNumber=2" in link
    unknown = seeded_api.get("/Customers", params={"Fields": "Id,Colour"})
    assert unknown.status_code == 400 and unknown.json()["title"] == "Invalid resourceParameter"


# -- modified-since ---------------------------------------------------------------------------------------


def test_last_changed_filter_is_strictly_greater(api: httpx.Client) -> None:
    created = [_customer(api, f"Cursor {n} AS") for n in range(5)]
    since = max(_us(c["LastChangedDateTimeOffset"]) for c in created)
    edited = [created[1], created[3]]
    for customer in edited:
        response = _patch(api, f"/Customers/{customer['Id']}", {"op": "replace", "path": "/PhoneNumber", "value": "22"})
        assert response.status_code == 200, response.text
        assert _us(response.json()["LastChangedDateTimeOffset"]) > since

    changed, _ = _walk(api, "/Customers", lastChangedDateTimeOffsetGreaterThan=_param(since))
    assert sorted(c["Id"] for c in changed) == sorted(c["Id"] for c in edited)

    latest = max(_us(c["LastChangedDateTimeOffset"]) for c in changed)
    at_latest = api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": _param(latest)})
    assert at_latest.status_code == 204  # strictly greater: the record changed at that instant is not repeated
    just_before = api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": _param(latest - 1)})
    assert [c["Id"] for c in just_before.json()] == [edited[-1]["Id"]]
    iso = datetime.fromtimestamp((latest - 1) / 1e6).astimezone().isoformat()  # ISO with a local offset
    assert [c["Id"] for c in api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": iso}).json()]

    bad = api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": "yesterday"})
    assert bad.status_code == 400 and "lastChangedDateTimeOffsetGreaterThan" in bad.json()["errors"]


def test_address_only_change_does_not_move_the_customer_cursor(api: httpx.Client) -> None:
    customer = _customer(api, "Caveat AS")
    changed_at = customer["LastChangedDateTimeOffset"]
    address_at = customer["MailAddress"]["LastChangedDateTimeOffset"]

    moved = _patch(
        api, f"/Customers/{customer['Id']}", {"op": "replace", "path": "/MailAddress/City", "value": "Bergen"}
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["MailAddress"]["City"] == "Bergen"
    assert body["LastChangedDateTimeOffset"] == changed_at  # the documented caveat
    assert _us(body["MailAddress"]["LastChangedDateTimeOffset"]) > _us(address_at)
    assert body["MailAddress"]["Id"] == customer["MailAddress"]["Id"]
    cursor = {"lastChangedDateTimeOffsetGreaterThan": changed_at}
    assert api.get("/Customers", params=cursor).status_code == 204  # an incremental read misses it
    assert api.get(f"/Customers/{customer['Id']}").json()["MailAddress"]["City"] == "Bergen"

    renamed = _patch(api, f"/Customers/{customer['Id']}", {"op": "replace", "path": "/Name", "value": "Caveat ASA"})
    assert _us(renamed.json()["LastChangedDateTimeOffset"]) > _us(changed_at)
    assert (
        renamed.json()["MailAddress"]["LastChangedDateTimeOffset"] == body["MailAddress"]["LastChangedDateTimeOffset"]
    )
    assert [c["Id"] for c in api.get("/Customers", params=cursor).json()] == [customer["Id"]]


# -- filters ----------------------------------------------------------------------------------------------


def test_customer_filters(api: httpx.Client) -> None:
    a = _customer(api, "Filter A AS", Number=10_500, ExternalImportReference="ext-a")
    b = _customer(api, "Filter B AS", Number=11_200)
    c = _customer(api, "Filter C AS", Number=12_000, ExternalNumber=77)

    def ids(**params: Any) -> list[int]:
        response = api.get("/Customers", params=params)
        assert response.status_code in (200, 204), response.text
        return [row["Id"] for row in response.json()] if response.status_code == 200 else []

    assert ids(customerNos="10000-11000, 12000") == [a["Id"], c["Id"]]
    assert ids(customerNos="11200") == [b["Id"]]
    assert ids(externalNos="77") == [c["Id"]]
    assert ids(externalImportReference="EXT-A") == [a["Id"]]
    assert ids(customerCreatedDateTimeOffsetGreaterThan=a["CustomerCreatedDateTimeOffset"]) == [b["Id"], c["Id"]]
    assert ids(customerNos="12000", lastChangedDateTimeOffsetGreaterThan=a["LastChangedDateTimeOffset"]) == [c["Id"]]
    for params in ({"customerNos": "ten"}, {"customerNos": "12000-11000"}, {"contactGroupIds": "1"}):
        assert api.get("/Customers", params=params).status_code == 400, params


def test_department_filters_and_references(api: httpx.Client) -> None:
    made = []
    for code, name, active in (("OSL", "Sales Oslo", True), ("BGN", "Sales Bergen", True), ("TRD", "Old", False)):
        response = api.post("/Departments", json={"Code": code, "Name": name, "IsActive": active})
        assert response.status_code == 201, response.text
        made.append(response.json())
    osl, bgn, trd = made
    assert osl["Id"] > 100 and osl["CreatedDateTimeOffset"] == osl["LastChangedDateTimeOffset"]

    def codes(**params: Any) -> list[str]:
        response = api.get("/Departments", params=params)
        return [d["Code"] for d in response.json()] if response.status_code == 200 else []

    assert codes(codes="OSL,TRD") == ["OSL", "TRD"]
    assert codes(isActive="false") == ["TRD"]
    assert codes(name="sales bergen") == ["BGN"]
    assert codes(createdDateTimeOffsetGreaterThan=osl["CreatedDateTimeOffset"]) == ["BGN", "TRD"]
    assert api.get("/Departments", params={"isActive": "maybe"}).status_code == 400

    duplicate = api.post("/Departments", json={"Code": "osl", "Name": "Again"})
    assert duplicate.status_code == 400 and "Code" in duplicate.json()["errors"]
    nameless = api.post("/Departments", json={"Code": "X"})
    assert nameless.status_code == 400 and "Name" in nameless.json()["errors"]

    by_code = _customer(api, "Dept AS", DepartmentCode="bgn")
    assert by_code["DepartmentId"] == bgn["Id"] and by_code["DepartmentCode"] == "BGN"
    by_id = _patch(api, f"/Customers/{by_code['Id']}", {"op": "replace", "path": "/DepartmentId", "value": osl["Id"]})
    assert by_id.json()["DepartmentCode"] == "OSL"
    missing = api.post("/Customers", json={"Name": "X", "DepartmentId": 99_999})
    assert missing.status_code == 400 and "DepartmentId" in missing.json()["errors"]

    in_use = api.delete(f"/Departments/{osl['Id']}")
    assert in_use.status_code == 409 and in_use.json()["status"] == 409
    assert api.delete(f"/Departments/{trd['Id']}").status_code == 204
    assert api.get(f"/Departments/{trd['Id']}").status_code == 404


# -- writes -----------------------------------------------------------------------------------------------


def test_create_sets_server_fields_and_defaults(api: httpx.Client) -> None:
    company = _customer(api, "Fjord Consulting AS", EmailAddress="post@fjord.no")
    assert company["Id"] > 50_000_000 and company["IsPerson"] is False and company["IsActive"] is True
    assert company["Number"] >= 10_000 and company["MailAddress"]["CountryCode"] == "NO"
    assert company["MailAddress"]["Id"] and company["MailAddress"]["LastChangedDateTimeOffset"]
    assert company["CustomerCreatedDateTimeOffset"] == company["ContactCreatedDateTimeOffset"]
    assert company["LastChangedDateTimeOffset"] == company["CustomerCreatedDateTimeOffset"]
    assert datetime.fromisoformat(company["LastChangedDateTimeOffset"]).utcoffset() == timedelta(0)
    fetched = api.get(f"/Customers/{company['Id']}")
    assert fetched.status_code == 200 and fetched.json() == company

    person = api.post(
        "/customers",
        json={"isPerson": True, "firstName": "Kari", "lastName": "Nordmann", "DateOfBirth": "1980-02-03"},
    )
    assert person.status_code == 201, person.text
    body = person.json()
    assert body["Name"] == "Kari Nordmann" and body["FirstName"] == "Kari" and body["MailAddress"] is None
    assert body["Number"] != company["Number"] and body["Id"] > company["Id"]
    assert person.headers["Location"].endswith(f"/Customers/{body['Id']}") or person.headers["Location"].endswith(
        f"/customers/{body['Id']}"
    )

    archived = _patch(api, f"/Customers/{company['Id']}", {"op": "replace", "path": "/IsArchived", "value": True})
    assert archived.json()["IsArchived"] is True and archived.json()["IsActive"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"MailAddress": {"City": "Oslo", "ZipCode": "0150"}}, "Name"),
        ({"IsPerson": True, "FirstName": "Ola"}, "LastName"),
        ({"IsPerson": True, "LastName": "Nordmann", "Name": "Ola"}, "FirstName"),
        ({"Name": "A", "MailAddress": {"City": "x" * 101, "ZipCode": "1"}}, "MailAddress.City"),
        (
            {"Name": "A", "MailAddress": {"AddressLine1": "x" * 201, "City": "Oslo", "ZipCode": "1"}},
            "MailAddress.AddressLine1",
        ),
        ({"Name": "A", "MailAddress": {"City": "Oslo", "ZipCode": "1" * 51}}, "MailAddress.ZipCode"),
        ({"Name": "A", "MailAddress": {"City": "Oslo"}}, "MailAddress.ZipCode"),
        ({"Name": "A", "MailAddress": {"ZipCode": "0150"}}, "MailAddress.City"),
        (
            {"Name": "A", "MailAddress": {"City": "Oslo", "ZipCode": "1", "CountryCode": "Norway"}},
            "MailAddress.CountryCode",
        ),
        ({"Name": "A", "EmailAddress": "not-an-address"}, "EmailAddress"),
        ({"Name": "A", "InvoiceEmailAddressCC": "a@b.no; nope"}, "InvoiceEmailAddressCC"),
        ({"Name": "A", "ExternalImportReference": "r" * 51}, "ExternalImportReference"),
        ({"Name": "A", "Number": "ten"}, "Number"),
        ({"Name": "A", "ExternalNumber": 2**63}, "ExternalNumber"),
        ({"Name": "A", "IsPerson": "no"}, "IsPerson"),
        ({"Name": "A", "Colour": "blue"}, "Colour"),
        ({"Name": "A", "Id": 5}, "Id"),
        ({"Name": "A", "LastChangedDateTimeOffset": "2024-01-01T00:00:00+00:00"}, "LastChangedDateTimeOffset"),
    ],
)
def test_validation_errors_are_problem_details(
    sandbox: RunningSandbox, api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    response = api.post("/Customers", json=body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Customer validation error(s)" and problem["status"] == 400
    assert problem["type"].startswith("https://") and problem["instance"] == "/poweroffice/v2/Customers"
    assert field in problem["errors"] and problem["detail"]
    assert sandbox.app.store.count(SYSTEM, "Customers") == 0


def test_duplicates_and_malformed_bodies_are_refused(sandbox: RunningSandbox, api: httpx.Client) -> None:
    first = _customer(api, "Unique AS", ExternalImportReference="crm-1", Number=15_000)
    again = api.post("/Customers", json={"Name": "Other AS", "ExternalImportReference": "CRM-1"})
    assert again.status_code == 400 and "ExternalImportReference" in again.json()["errors"]
    number = api.post("/Customers", json={"Name": "Other AS", "Number": 15_000})
    assert number.status_code == 400 and "Number" in number.json()["errors"]
    broken = api.post("/Customers", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.json()["status"] == 400
    listed = api.post("/Customers", json=[{"Name": "A"}])
    assert listed.status_code == 400 and listed.json()["title"] == "Customer validation error(s)"
    form = api.post("/Customers", data={"Name": "A"})
    assert form.status_code == 415
    assert sandbox.app.store.count(SYSTEM, "Customers") == 1
    patched = _patch(
        api, f"/Customers/{first['Id']}", {"op": "replace", "path": "/ExternalImportReference", "value": "crm-1"}
    )
    assert patched.status_code == 200  # its own value is not a duplicate


def test_json_patch_operations(api: httpx.Client) -> None:
    customer = _customer(api, "Patch AS", PhoneNumber="111", WebsiteUrl="patch.no", ContactGroupIds=[1])
    path = f"/Customers/{customer['Id']}"

    ok = _patch(
        api,
        path,
        {"op": "test", "path": "/PhoneNumber", "value": "111"},
        {"op": "replace", "path": "/phonenumber", "value": "+47 22 33 44 55"},
        {"op": "add", "path": "/EmailAddress", "value": "post@patch.no"},
        {"op": "remove", "path": "/WebsiteUrl"},
        {"op": "add", "path": "/ContactGroupIds/-", "value": 2},
        {"op": "copy", "from": "/EmailAddress", "path": "/InvoiceEmailAddress"},
        {"op": "add", "path": "/MailAddress/AddressLine1", "value": "Storgata 1"},
    )
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["PhoneNumber"] == "+47 22 33 44 55" and body["EmailAddress"] == "post@patch.no"
    assert body["WebsiteUrl"] is None and body["ContactGroupIds"] == [1, 2]
    assert body["InvoiceEmailAddress"] == "post@patch.no" and body["MailAddress"]["AddressLine1"] == "Storgata 1"

    refusals = [
        [{"op": "test", "path": "/PhoneNumber", "value": "111"}, {"op": "replace", "path": "/Name", "value": "X"}],
        [{"op": "replace", "path": "/Colour", "value": "blue"}],
        [{"op": "add", "path": "/Colour", "value": "blue"}],
        [{"op": "replace", "path": "/Id", "value": 1}],
        [{"op": "replace", "path": "/Name", "value": ""}],
        [{"op": "replace", "path": "/MailAddress/City", "value": "x" * 101}],
        [{"op": "replace", "path": "/EmailAddress", "value": "nope"}],
        [{"op": "replace", "path": "/IsPerson", "value": True}],
        [{"op": "frobnicate", "path": "/Name", "value": "X"}],
        [{"op": "replace", "path": "/Name"}],
    ]
    for ops in refusals:
        refused = _patch(api, path, *ops)
        assert refused.status_code == 400, ops
        assert refused.json()["title"] == "Customer validation error(s)" and refused.json()["errors"]
    assert api.get(path).json() == body  # nothing of a refused patch is applied

    not_array = api.patch(path, json={"op": "replace"}, headers=PATCH_JSON)
    assert not_array.status_code == 400
    assert api.patch(path, content=b"[]", headers={"Content-Type": "text/plain"}).status_code == 415
    assert _patch(api, "/Customers/123", {"op": "replace", "path": "/Name", "value": "X"}).status_code == 404
    assert api.get("/Customers/abc").status_code == 400

    unchanged = _patch(api, path, {"op": "replace", "path": "/Name", "value": "Patch AS"})
    assert unchanged.json()["LastChangedDateTimeOffset"] == body["LastChangedDateTimeOffset"]

    person = _patch(
        api,
        path,
        {"op": "replace", "path": "/IsPerson", "value": True},
        {"op": "replace", "path": "/FirstName", "value": "Per"},
        {"op": "replace", "path": "/LastName", "value": "Patch"},
    )
    assert person.status_code == 200 and person.json()["Name"] == "Per Patch"

    removed = _patch(api, path, {"op": "remove", "path": "/MailAddress"})
    assert removed.json()["MailAddress"] is None
    into_null = _patch(api, path, {"op": "replace", "path": "/MailAddress/City", "value": "Oslo"})
    assert into_null.status_code == 400
    readded = _patch(api, path, {"op": "add", "path": "/MailAddress", "value": {"city": "Oslo", "zipCode": "0150"}})
    assert readded.status_code == 200 and readded.json()["MailAddress"]["City"] == "Oslo"


def test_delete_is_a_tombstone_and_404_after(sandbox: RunningSandbox, api: httpx.Client) -> None:
    keep, gone = _customer(api, "Keep AS"), _customer(api, "Gone AS")
    assert api.delete(f"/Customers/{gone['Id']}").status_code == 204
    assert api.get(f"/Customers/{gone['Id']}").status_code == 404
    problem = api.delete(f"/Customers/{gone['Id']}")
    assert problem.status_code == 404 and problem.json()["title"] == "Customer not found error(s)"
    assert [c["Id"] for c in api.get("/Customers").json()] == [keep["Id"]]
    assert sandbox.app.store.get(SYSTEM, "Customers", str(gone["Id"]), include_deleted=True) is not None


# -- limits and faults ------------------------------------------------------------------------------------


def test_eleventh_call_in_a_second_is_429_with_empty_body(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.rate_scale(SYSTEM, 1)
    try:
        started = time.monotonic()
        statuses = [api.get("/Customers").status_code for _ in range(10)]
        throttled = api.get("/Customers")
        assert time.monotonic() - started < 1.0, "the calls must fit in one second for this test"
        assert statuses == [204] * 10
        assert throttled.status_code == 429 and throttled.content == b""
        assert "Retry-After" not in throttled.headers
        time.sleep(1.05)
        assert api.get("/Customers").status_code == 204
    finally:
        sandbox.rate_scale(SYSTEM, 0)
    assert sandbox.stats(SYSTEM)["throttled"] >= 1


def test_injected_faults_appear_at_their_rates(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_5xx=0.2, rate_429=0.1, seed=11)
    try:
        statuses = [api.get("/Departments").status_code for _ in range(400)]
    finally:
        sandbox.faults(SYSTEM, rate_5xx=0, rate_429=0)
    assert abs(statuses.count(500) / 400 - 0.2) < 0.07
    assert abs(statuses.count(429) / 400 - 0.1) < 0.07
    assert set(statuses) <= {204, 429, 500}


def test_lost_response_still_applies_the_write(sandbox: RunningSandbox, api: httpx.Client) -> None:
    sandbox.faults(SYSTEM, rate_lost=1)
    try:
        with pytest.raises(httpx.TransportError):
            api.post("/Customers", json={"Name": "Lost AS", "ExternalImportReference": "lost-1"})
    finally:
        sandbox.faults(SYSTEM, rate_lost=0)
    found = api.get("/Customers", params={"externalImportReference": "lost-1"})
    assert found.status_code == 200 and [c["Name"] for c in found.json()] == ["Lost AS"]


# -- seeding ----------------------------------------------------------------------------------------------


def test_seeding_projects_companies_persons_and_departments(seeded_sandbox: RunningSandbox) -> None:
    world = World(7, 300)
    store = seeded_sandbox.app.store
    customers = store.select(SYSTEM, "Customers", Query())
    departments = store.select(SYSTEM, "Departments", Query())
    assert len(departments) == world.departments
    companies = [r for r in customers if not r.data["IsPerson"]]
    persons = [r for r in customers if r.data["IsPerson"]]
    assert abs(len(companies) - 0.7 * world.companies) < 0.1 * world.companies
    private = sum(1 for i in range(world.persons) if world.person(i).employer is None)
    assert abs(len(persons) - 0.7 * private) < 0.15 * private + 5 and persons
    assert all(10_000_000 < int(r.id) < 30_000_000 for r in companies)
    assert all(30_000_000 < int(r.id) < 50_000_000 for r in persons)
    assert all(r.data["FirstName"] and r.data["LastName"] for r in persons)
    assert all(r.data["Name"] and r.data["FirstName"] is None for r in companies)
    assert all(set(r.data) == set(CUSTOMER) for r in customers)

    department_ids = {int(d.id): d.data["Code"] for d in departments}
    linked = [r for r in customers if r.data["DepartmentId"] is not None]
    assert linked and all(department_ids[r.data["DepartmentId"]] == r.data["DepartmentCode"] for r in linked)
    numbers = [r.data["Number"] for r in customers]
    assert len(set(numbers)) == len(numbers)
    assert all(not r.data["OrganizationNumber"] or r.data["MailAddress"]["CountryCode"] == "NO" for r in companies)
    late = [r for r in customers if _us(r.data["MailAddress"]["LastChangedDateTimeOffset"]) > r.modified_us]
    assert late, "some seeded addresses changed after their customer (the cursor caveat)"

    # Seeded records are valid DTOs, so a patch of one field never trips over another.
    for entity, rows in ((CUSTOMERS, customers), (DEPARTMENTS, departments)):
        for row in rows:
            assert validate(entity, editable(entity, row.data), creating=False) == {}, row

    with (seeded_sandbox.app.settings.data_dir / GROUND_TRUTH).open() as handle:
        truth = [row for row in csv.DictReader(handle) if row["system"] == SYSTEM]
    kinds = {(row["entity"], row["kind"]) for row in truth}
    assert kinds == {("Customers", "company"), ("Customers", "person"), ("Departments", "department")}
    assert len(truth) == len(customers) + len(departments)


def test_seeded_records_read_through_the_api(seeded_sandbox: RunningSandbox) -> None:
    with _client(seeded_sandbox) as client:
        page = client.get("/Customers", params={"PageSize": 3}).json()
        assert all(isinstance(c["Id"], int) and c["MailAddress"]["CountryCode"] for c in page)
        one = client.get(f"/Customers/{page[0]['Id']}").json()
        assert one == page[0]
