"""Custom CRM emulator against the project's contract (spec section 6b), over real HTTP."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sandbox.seeding import GROUND_TRUTH
from sandbox.store import Query
from sandbox.systems.customcrm.schema import ENTITIES
from sandbox.timefmt import iso_z, parse_iso, to_datetime
from tests.helpers.sandbox import RunningSandbox, running_sandbox

SYSTEM = "customcrm"
UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "missing or invalid bearer API key"}}


def client(sb: RunningSandbox, *, timeout: float = 30) -> httpx.Client:
    key = sb.credentials(SYSTEM)["api_key"]
    return httpx.Client(base_url=sb.url(SYSTEM, "/api/v1"), headers={"Authorization": f"Bearer {key}"}, timeout=timeout)


def batch(api: httpx.Client, entity: str, items: list[Any]) -> list[dict[str, Any]]:
    response = api.post(f"/{entity}/batch", json={"items": items})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    return results


def created_ids(api: httpx.Client, entity: str, items: list[dict[str, Any]]) -> list[str]:
    results = batch(api, entity, items)
    assert all(r["status"] == "created" for r in results), results
    return [r["id"] for r in results]


def walk(api: httpx.Client, path: str, **params: Any) -> Iterator[list[dict[str, Any]]]:
    """Every page of a list or deleted feed, following next_cursor (a cursor seen before fails the walk)."""
    seen: set[str] = set()
    while True:
        response = api.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        yield body["items"]
        if body["next_cursor"] is None:
            return
        assert body["next_cursor"] not in seen, "the cursor does not move on"
        seen.add(body["next_cursor"])
        params["cursor"] = body["next_cursor"]


def listing(api: httpx.Client, entity: str, **params: Any) -> list[dict[str, Any]]:
    return [item for page in walk(api, f"/{entity}", limit=500, **params) for item in page]


def error_of(result: dict[str, Any]) -> str:
    assert result["status"] == "error", result
    assert set(result["error"]) == {"field", "message"} and result["error"]["message"]
    return result["error"]["field"]


# -- auth -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic sandbox-customcrm-api-key"}],
    ids=["missing", "wrong key", "wrong scheme"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/customers"),
        ("GET", "/api/v1/customers/cus_00000001"),
        ("POST", "/api/v1/customers/batch"),
        ("GET", "/api/v1/customers/deleted"),
        ("DELETE", "/api/v1/customers/cus_00000001"),
        ("GET", "/api/v1/no-such-entity"),
        ("GET", "/no/such/path"),
    ],
)
def test_every_call_needs_the_bearer_api_key(
    sandbox: RunningSandbox, headers: dict[str, str], method: str, path: str
) -> None:
    response = httpx.request(method, sandbox.url(SYSTEM, path), headers=headers, json={"items": []})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_the_right_key_is_accepted_and_refusals_are_counted(sandbox: RunningSandbox) -> None:
    httpx.get(sandbox.url(SYSTEM, "/api/v1/customers"))
    with client(sandbox) as api:
        assert api.get("/customers").json() == {"items": [], "next_cursor": None}
    assert sandbox.stats(SYSTEM)["unauthorized"] == 1


def test_unknown_paths_and_methods_answer_in_the_error_shape(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        unknown_entity = api.get("/invoices")
        assert unknown_entity.status_code == 404 and unknown_entity.json()["error"]["code"] == "not_found"
        unknown_path = api.get("/customers/a/b")
        assert unknown_path.status_code == 404 and unknown_path.json()["error"]["code"] == "not_found"
        wrong_method = api.put("/customers/cus_00000001", json={})
        assert wrong_method.status_code == 405
        assert wrong_method.json()["error"]["code"] == "method_not_allowed"
        assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "HEAD", "DELETE"}


# -- paging ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", list(ENTITIES))
@pytest.mark.parametrize("limit", [1, None, 500], ids=["limit 1", "default", "limit 500"])
def test_paging_walks_every_record_exactly_once(seeded_sandbox: RunningSandbox, entity: str, limit: int | None) -> None:
    expected = seeded_sandbox.app.store.count(SYSTEM, entity)
    assert expected > 100
    params = {} if limit is None else {"limit": limit}
    with client(seeded_sandbox) as api:
        pages = list(walk(api, f"/{entity}", **params))
    items = [item for page in pages for item in page]
    ids = [item["Id"] for item in items]
    assert len(ids) == len(set(ids)) == expected
    assert [len(page) for page in pages[:-1]] == [limit or 100] * (len(pages) - 1)
    keys = [(parse_iso(item["UpdatedAt"]), item["Id"]) for item in items]
    assert keys == sorted(keys)


def test_pages_hold_500_at_most_and_ties_on_updated_at_are_not_lost(sandbox: RunningSandbox) -> None:
    # 1,203 records, half of them sharing one UpdatedAt: the cursor must break ties by Id.
    same = 1_700_000_000_000_000
    rows = [(f"cus_{n:08d}", {"Name": f"Tie {n}"}, same, same if n % 2 else same + n) for n in range(1, 1204)]
    sandbox.app.store.bulk_load(SYSTEM, "customers", rows)
    with client(sandbox) as api:
        pages = list(walk(api, "/customers", limit=500))
        assert [len(p) for p in pages] == [500, 500, 203]
        small = [item["Id"] for page in walk(api, "/customers", limit=7) for item in page]
    assert sorted(small) == sorted(r[0] for r in rows)
    assert len(small) == len(set(small))


@pytest.mark.parametrize("limit", ["0", "501", "-1", "abc", "", "1.5", " 5", "٣", "99999999999999999999999"])
def test_a_limit_out_of_range_or_not_a_number_is_refused(sandbox: RunningSandbox, limit: str) -> None:
    with client(sandbox) as api:
        for path in ("/customers", "/customers/deleted"):
            response = api.get(path, params={"limit": limit})
            assert response.status_code == 400, (path, limit)
            assert response.json()["error"]["code"] == "invalid_parameter"
            assert "limit" in response.json()["error"]["message"]


@pytest.mark.parametrize("cursor", ["garbage", "bTo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTo1", "ZDox", "é"])
def test_a_cursor_the_api_did_not_issue_is_refused(sandbox: RunningSandbox, cursor: str) -> None:
    # bTo5...: "m:" with a number too large for the store; ZDox: a deleted-feed cursor on the list.
    with client(sandbox) as api:
        response = api.get("/customers", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_updated_since_is_inclusive_and_returns_exactly_the_changed_records(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        ids = created_ids(api, "customers", [{"Name": f"Customer {n}"} for n in range(30)])
        edited = ids[3:30:6]
        results = batch(api, "customers", [{"Id": id, "City": "Bergen"} for id in edited])
        assert [r["status"] for r in results] == ["updated"] * len(edited)
        first = api.get(f"/customers/{edited[0]}").json()
        changed = listing(api, "customers", updated_since=first["UpdatedAt"])
        assert [c["Id"] for c in changed] == edited
        assert all(c["City"] == "Bergen" for c in changed)
        just_after = iso_z(parse_iso(first["UpdatedAt"]) + 1)
        assert [c["Id"] for c in listing(api, "customers", updated_since=just_after)] == edited[1:]
        # Any ISO-8601 offset is the same instant.
        oslo = (to_datetime(parse_iso(first["UpdatedAt"])) + timedelta(hours=2)).isoformat()
        as_offset = oslo.replace("+00:00", "+02:00")
        assert [c["Id"] for c in listing(api, "customers", updated_since=as_offset)] == edited
        assert api.get("/customers", params={"updated_since": "yesterday"}).status_code == 400


# -- writes ---------------------------------------------------------------------------------------------


def test_writes_set_created_and_updated_times_and_update_only_the_sent_fields(
    sandbox: RunningSandbox,
) -> None:
    with client(sandbox) as api:
        before = time.time()
        (id,) = created_ids(api, "customers", [{"Name": "Fjord AS", "City": "Oslo", "Country": "NO"}])
        record = api.get(f"/customers/{id}").json()
        assert record["CreatedAt"] == record["UpdatedAt"]
        assert record["CreatedAt"].endswith("Z") and parse_iso(record["CreatedAt"]) / 1e6 >= before - 1
        assert set(record) == {"Id", "CreatedAt", "UpdatedAt", *ENTITIES["customers"][1]}
        assert record["Email"] is None
        assert batch(api, "customers", [{"Id": id, "City": "Bergen", "Email": None}])[0] == {
            "index": 0,
            "id": id,
            "status": "updated",
        }
        after = api.get(f"/customers/{id}").json()
        assert after["Name"] == "Fjord AS" and after["City"] == "Bergen" and after["Country"] == "NO"
        assert after["CreatedAt"] == record["CreatedAt"]
        assert parse_iso(after["UpdatedAt"]) > parse_iso(record["UpdatedAt"])


def test_a_bad_item_never_fails_the_others(sandbox: RunningSandbox) -> None:
    items: list[Any] = [
        {"Name": "Valid One"},
        {"Email": "post@nameless.no"},
        {"Name": "x" * 201},
        {"Name": "Bad Mail", "Email": "not-an-email"},
        {"Name": "Valid Two", "Country": "DK"},
        "not an object",
        {"Name": "Unknown Field", "Colour": "blue"},
        {"Name": "Server Time", "UpdatedAt": "2024-01-01T00:00:00Z"},
        {"Id": "cus_99999999", "Name": "Missing"},
        {"Id": 7, "Name": "Numeric Id"},
        {"Name": None},
    ]
    with client(sandbox) as api:
        results = batch(api, "customers", items)
        assert [r["status"] for r in results] == ["created", *["error"] * 3, "created", *["error"] * 6]
        fields = [error_of(r) for r in results if r["status"] == "error"]
        assert fields == ["Name", "Name", "Email", "item", "Colour", "UpdatedAt", "Id", "Id", "Name"]
        assert results[8]["id"] == "cus_99999999"
        names = sorted(c["Name"] for c in listing(api, "customers"))
    assert names == ["Valid One", "Valid Two"]


@pytest.mark.parametrize(
    ("entity", "item", "field"),
    [
        ("customers", {"Name": "n", "Country": "XX"}, "Country"),
        ("customers", {"Name": "n", "Country": "no"}, "Country"),
        ("customers", {"Name": "n", "Country": "NO\n"}, "Country"),
        ("customers", {"Name": "n", "Country": ""}, "Country"),
        ("customers", {"Name": "n", "Description": "d" * 2001}, "Description"),
        ("customers", {"Name": "n", "Phone": "call me"}, "Phone"),
        ("contacts", {"FirstName": "Kari"}, "LastName"),
        ("contacts", {"LastName": "x" * 101}, "LastName"),
        ("orders", {"Title": "t", "Currency": "XYZ"}, "Currency"),
        ("orders", {"Title": "t", "Currency": "nok"}, "Currency"),
        ("orders", {"Title": "t", "Status": "pending"}, "Status"),
        ("orders", {"Title": "t", "Status": ""}, "Status"),
        ("orders", {"Title": "t", "OrderDate": "2024-13-01"}, "OrderDate"),
        ("orders", {"Title": "t", "OrderDate": "20240115"}, "OrderDate"),
        ("orders", {"Title": "t", "OrderDate": "2024-01-15T10:00:00"}, "OrderDate"),
        ("orders", {"Title": "t", "Amount": "abc"}, "Amount"),
        ("orders", {"Title": "t", "Amount": True}, "Amount"),
        ("orders", {"Title": "t", "Amount": "1e400"}, "Amount"),
        ("orders", {"Title": "t", "Amount": "NaN"}, "Amount"),
        ("orders", {"Title": "t", "Amount": "0.12345678901234567"}, "Amount"),
        ("orders", {"Title": "t", "Amount": 2**60 + 1}, "Amount"),
        ("products", {"Name": "p", "Price": [1]}, "Price"),
        ("products", {"Name": "p", "Currency": 578}, "Currency"),
    ],
)
def test_validation_errors_name_the_field(
    sandbox: RunningSandbox, entity: str, item: dict[str, Any], field: str
) -> None:
    with client(sandbox) as api:
        (result,) = batch(api, entity, [item])
        assert error_of(result) == field
        assert field in result["error"]["message"]
        assert listing(api, entity) == []


def test_decimals_are_stored_and_served_as_json_numbers(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        ids = created_ids(
            api,
            "orders",
            [
                {
                    "Title": "a",
                    "Amount": "12.50",
                    "Currency": "NOK",
                    "Status": "won",
                    "OrderDate": "2024-02-29",
                },
                {"Title": "b", "Amount": 1999.99},
                {"Title": "c", "Amount": 100},
                {"Title": "d", "Amount": "-0.01"},
            ],
        )
        amounts = [api.get(f"/orders/{id}").json()["Amount"] for id in ids]
        (price_id,) = created_ids(api, "products", [{"Name": "Widget", "Price": "1234567890123.45"}])
        price = api.get(f"/products/{price_id}").json()["Price"]
    assert amounts == [12.5, 1999.99, 100, -0.01]
    assert all(isinstance(a, float) for a in amounts)
    assert price == 1234567890123.45


@pytest.mark.parametrize(
    "text",
    [
        "Ærlig Øl & Åkerbær AS",
        "客户 株式会社 🏢👩‍💻",
        "שלום عربى",
        "e\u0301 combining",
        'O\'Brien "quoted" `back` \\slash',
        "Robert'); DROP TABLE customcrm__customers;--",
        "%s %d {0} ${name} <script>alert(1)</script>",
        "nul\x00 bell\x07 esc\x1b tab\t newline\n cr\r del\x7f",
        "x" * 200,
        "\u200b\ufeff zero width",
    ],
)
def test_hostile_strings_come_back_verbatim(sandbox: RunningSandbox, text: str) -> None:
    with client(sandbox) as api:
        (id,) = created_ids(api, "customers", [{"Name": text, "Description": text * 5}])
        record = api.get(f"/customers/{id}").json()
        assert record["Name"] == text and record["Description"] == text * 5
        assert [c["Name"] for c in listing(api, "customers")] == [text]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "invalid_json"),
        (b"{not json", "invalid_json"),
        (b'{"items": [{"Name": NaN}]}', "invalid_json"),
        (b'{"items": [{"Name": "\\ud800"}]}', "invalid_json"),
        (b"[]", "invalid_body"),
        (b'"items"', "invalid_body"),
        (b'{"items": {"Name": "x"}}', "invalid_body"),
        (b'{"records": []}', "invalid_body"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    ],
)
def test_a_body_that_is_not_a_batch_is_refused(sandbox: RunningSandbox, body: bytes, code: str) -> None:
    with client(sandbox) as api:
        response = api.post("/customers/batch", content=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_a_huge_body_is_refused(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        response = api.post("/customers/batch", json={"items": [{"Name": "x" * 11_000_000}]})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_batch_holds_at_most_100_items(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        too_many = api.post("/customers/batch", json={"items": [{"Name": f"c{n}"} for n in range(101)]})
        assert too_many.status_code == 400
        assert too_many.json()["error"]["code"] == "batch_too_large"
        assert listing(api, "customers") == []
        assert len(created_ids(api, "customers", [{"Name": f"c{n}"} for n in range(100)])) == 100


def test_references_must_exist(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        (customer,) = created_ids(api, "customers", [{"Name": "Employer AS"}])
        contacts = batch(
            api,
            "contacts",
            [{"LastName": "Nordmann", "CustomerId": customer}, {"LastName": "X", "CustomerId": "cus_404"}],
        )
        assert contacts[0]["status"] == "created" and error_of(contacts[1]) == "CustomerId"
        contact = contacts[0]["id"]
        orders = batch(
            api,
            "orders",
            [
                {"Title": "ok", "CustomerId": customer, "ContactId": contact},
                {"Title": "bad contact", "CustomerId": customer, "ContactId": "con_404"},
                {"Title": "contact id as customer", "CustomerId": contact},
            ],
        )
        assert orders[0]["status"] == "created"
        assert [error_of(r) for r in orders[1:]] == ["ContactId", "CustomerId"]
        assert api.delete(f"/customers/{customer}").status_code == 204
        (late,) = batch(api, "contacts", [{"LastName": "Late", "CustomerId": customer}])
        assert error_of(late) == "CustomerId"


def test_sku_is_unique_among_products(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        results = batch(api, "products", [{"Name": "A", "Sku": "SKU-1"}, {"Name": "B", "Sku": "sku-1"}])
        assert results[0]["status"] == "created" and error_of(results[1]) == "Sku"
        first = results[0]["id"]
        assert batch(api, "products", [{"Id": first, "Sku": "SKU-1", "Name": "A2"}])[0]["status"] == "updated"
        (other,) = created_ids(api, "products", [{"Name": "C", "Sku": "SKU-2"}])
        assert error_of(batch(api, "products", [{"Id": other, "Sku": "SKU-1"}])[0]) == "Sku"
        assert api.delete(f"/products/{first}").status_code == 204
        assert batch(api, "products", [{"Id": other, "Sku": "SKU-1"}])[0]["status"] == "updated"


# -- delete and the deleted feed ------------------------------------------------------------------------


def test_deleted_records_leave_the_lists_and_appear_in_the_deleted_feed(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        ids = created_ids(api, "contacts", [{"LastName": f"Person {n}"} for n in range(6)])
        gone = ids[1:5]
        for id in gone:
            response = api.delete(f"/contacts/{id}")
            assert response.status_code == 204 and response.content == b""
        again = api.delete(f"/contacts/{gone[0]}")
        assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
        assert api.get(f"/contacts/{gone[0]}").status_code == 404
        assert {c["Id"] for c in listing(api, "contacts")} == {ids[0], ids[5]}
        assert error_of(batch(api, "contacts", [{"Id": gone[0], "LastName": "Back"}])[0]) == "Id"

        feed = api.get("/contacts/deleted").json()
        assert [i["Id"] for i in feed["items"]] == gone and feed["next_cursor"] is None
        assert all(set(i) == {"Id", "DeletedAt"} and i["DeletedAt"].endswith("Z") for i in feed["items"])
        since = feed["items"][1]["DeletedAt"]
        assert [i["Id"] for i in api.get("/contacts/deleted", params={"since": since}).json()["items"]] == gone[1:]
        paged = [i["Id"] for page in walk(api, "/contacts/deleted", limit=1) for i in page]
        assert paged == gone
        with_since = [i["Id"] for page in walk(api, "/contacts/deleted", limit=2, since=since) for i in page]
        assert with_since == gone[1:]
        assert api.get("/customers/deleted").json() == {"items": [], "next_cursor": None}
        assert api.get("/contacts/deleted", params={"since": "not a time"}).status_code == 400
        list_cursor = api.get("/contacts", params={"limit": 1}).json()["next_cursor"]
        assert api.get("/contacts/deleted", params={"cursor": list_cursor}).status_code == 400


# -- rate limits and faults -----------------------------------------------------------------------------


def test_the_21st_call_within_a_second_gets_429_with_retry_after(sandbox: RunningSandbox) -> None:
    sandbox.rate_scale(SYSTEM, 1)
    with client(sandbox) as api:
        statuses = [api.get("/customers").status_code for _ in range(20)]
        refused = api.get("/customers")
        assert statuses == [200] * 20
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["Retry-After"] == "1"
        time.sleep(1.05)
        assert api.get("/customers").status_code == 200
    assert sandbox.stats(SYSTEM)["throttled"] == 1


def test_injected_faults_appear_at_the_configured_rates(sandbox: RunningSandbox) -> None:
    sandbox.faults(SYSTEM, rate_429=0.1, rate_5xx=0.2, rate_lost=0.1, seed=11)
    seen = {"429": 0, "5xx": 0, "lost": 0, "ok": 0}
    n = 400
    with client(sandbox) as api:
        for _ in range(n):
            try:
                response = api.get("/customers")
            except httpx.TransportError:
                seen["lost"] += 1
                continue
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "1"
                assert response.json()["error"]["code"] == "rate_limited"
                seen["429"] += 1
            elif response.status_code == 500:
                assert response.json()["error"]["code"] == "internal_error"
                seen["5xx"] += 1
            else:
                assert response.status_code == 200
                seen["ok"] += 1
    for kind, rate in (("429", 0.1), ("5xx", 0.2), ("lost", 0.1)):
        assert abs(seen[kind] / n - rate) < 0.07, seen
    injected = sandbox.stats(SYSTEM)["injected"]
    assert {k: injected[k] for k in ("429", "5xx", "lost")} == {k: seen[k] for k in ("429", "5xx", "lost")}


def test_injected_timeouts_hold_the_call_past_the_client_timeout(sandbox: RunningSandbox) -> None:
    sandbox.faults(SYSTEM, rate_timeout=0.2, timeout_seconds=0.6, seed=5)
    n, timed_out = 120, 0
    with client(sandbox, timeout=0.15) as api:
        for _ in range(n):
            try:
                assert api.get("/customers").status_code == 200
            except httpx.TimeoutException:
                timed_out += 1
    assert abs(timed_out / n - 0.2) < 0.08
    assert sandbox.stats(SYSTEM)["injected"]["timeout"] == timed_out


def test_a_lost_response_still_applies_the_write(sandbox: RunningSandbox) -> None:
    with client(sandbox) as api:
        sandbox.faults(SYSTEM, rate_lost=1)
        with pytest.raises(httpx.TransportError):
            api.post("/customers/batch", json={"items": [{"Name": "Written Anyway AS"}]})
        sandbox.faults(SYSTEM, rate_lost=0)
        assert [c["Name"] for c in listing(api, "customers")] == ["Written Anyway AS"]


# -- seeding --------------------------------------------------------------------------------------------


def test_seeding_gives_about_the_asked_number_per_entity(seeded_sandbox: RunningSandbox) -> None:
    counts = {e: seeded_sandbox.app.store.count(SYSTEM, e) for e in ENTITIES}
    for entity in ("customers", "orders", "products"):
        assert 240 <= counts[entity] <= 360, counts
    # Contacts are the employed share of the people (private persons are not in the customer's CRM).
    assert 120 <= counts["contacts"] <= 360, counts


def test_seeded_references_point_at_seeded_records(seeded_sandbox: RunningSandbox) -> None:
    with client(seeded_sandbox) as api:
        records = {entity: {r["Id"]: r for r in listing(api, entity)} for entity in ENTITIES}
    contact_refs = [c["CustomerId"] for c in records["contacts"].values() if c["CustomerId"]]
    assert contact_refs and set(contact_refs) <= records["customers"].keys()
    order_customers = [o["CustomerId"] for o in records["orders"].values() if o["CustomerId"]]
    order_contacts = [o["ContactId"] for o in records["orders"].values() if o["ContactId"]]
    assert order_customers and set(order_customers) <= records["customers"].keys()
    assert order_contacts and set(order_contacts) <= records["contacts"].keys()
    for prefix, entity in (
        ("cus_", "customers"),
        ("con_", "contacts"),
        ("ord_", "orders"),
        ("prd_", "products"),
    ):
        assert all(id.startswith(prefix) and len(id) == 12 for id in records[entity])
    skus = [p["Sku"].lower() for p in records["products"].values() if p["Sku"]]
    assert len(skus) == len(set(skus))


def test_the_ground_truth_is_written_beside_the_data_and_never_served(seeded_sandbox: RunningSandbox) -> None:
    path = seeded_sandbox.app.settings.data_dir / GROUND_TRUTH
    with path.open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["system"] == SYSTEM]
    kinds = {"customers": "company", "contacts": "person", "orders": "deal", "products": "product"}
    for entity, kind in kinds.items():
        ours = [r for r in rows if r["entity"] == entity]
        assert ours and {r["kind"] for r in ours} == {kind}
        assert {r["id"] for r in ours} == {r.id for r in seeded_sandbox.app.store.select(SYSTEM, entity, Query())}
        assert all(r["key"].startswith(f"{kind}:") for r in ours)
    with client(seeded_sandbox) as api:
        for url in (
            seeded_sandbox.url(SYSTEM, "/ground_truth.csv"),
            seeded_sandbox.url(SYSTEM, "/api/v1/ground_truth.csv"),
            f"{seeded_sandbox.base_url}/ground_truth.csv",
            f"{seeded_sandbox.base_url}/_sandbox/ground_truth",
            f"{seeded_sandbox.base_url}/_sandbox/ground_truth.csv",
        ):
            response = api.get(url)
            assert response.status_code == 404, url
            assert "kind,key" not in response.text


def test_records_created_after_seeding_get_ids_above_the_seeded_ones(tmp_path: Any) -> None:
    with running_sandbox(tmp_path, records=20, seed=3) as sb, client(sb) as api:
        seeded = {r["Id"] for r in listing(api, "customers")}
        (new,) = created_ids(api, "customers", [{"Name": "Newcomer AS"}])
    assert new not in seeded
    assert int(new.removeprefix("cus_")) > max(int(id.removeprefix("cus_")) for id in seeded)
