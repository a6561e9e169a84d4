"""One plan for the whole chain (reverse_etl/plan.py): a create made from another create of the plan, or referring to
one, comes in a later wave and is sent with the ids the APIs answered, under the plan_key the next build gives it."""

from __future__ import annotations

from typing import Any

from reverse_etl.plan import group

ZOHO_ACCOUNT = "create:9:po1"  # a PowerOffice company, created in Zoho
CUSTOMER = "create:1:create:9:po1"  # the Custom CRM customer made from that Zoho account
CONTACT = "create:2:zc1"  # a Zoho contact of that account, created in Custom CRM


def row(key: str, system: str, entity: str, flow_id: int, source_id: str, name: str, value: str, **kw: Any) -> dict:
    return {
        "plan_key": key,
        "action": "create",
        "system": system,
        "entity": entity,
        "record_id": None,
        "flow_id": flow_id,
        "source_system": None,
        "source_entity": None,
        "source_id": source_id,
        "field": name,
        "old_value": None,
        "new_value": value,
        "change": "create",
        "value_type": kw.get("value_type", "string"),
        "rejection": None,
        "waiting_for": None,
        "modified_at": None,
        "planned_at": None,
    }


PLAN = group(
    [
        row(ZOHO_ACCOUNT, "zohocrm", "accounts", 9, "po1", "Account_Name", "Havørn AS"),
        row(CUSTOMER, "customcrm", "customers", 1, ZOHO_ACCOUNT, "Name", "Havørn AS"),
        row(CONTACT, "customcrm", "contacts", 2, "zc1", "LastName", "Fjellrev"),
        row(CONTACT, "customcrm", "contacts", 2, "zc1", "CustomerId", CUSTOMER, value_type="reference"),
        row("create:3:d1", "customcrm", "orders", 3, "d1", "Name", "Rammeavtale"),
    ]
)


def test_a_create_comes_after_the_creates_it_is_made_from_and_refers_to() -> None:
    assert [[r.key for r in wave] for wave in PLAN.waves] == [
        [ZOHO_ACCOUNT, "create:3:d1"],
        [CUSTOMER],
        [CONTACT],
    ]
    contact = next(r for r in PLAN.records if r.key == CONTACT)
    assert contact.depends_on == [CUSTOMER]


def test_a_resolved_create_carries_the_answered_ids_under_the_key_the_next_build_gives_it() -> None:
    customer = next(r for r in PLAN.records if r.key == CUSTOMER)
    made = customer.resolved({ZOHO_ACCOUNT: "z77"})
    assert (made.key, made.source_id, made.fields) == ("create:1:z77", "z77", {"Name": "Havørn AS"})
    contact = next(r for r in PLAN.records if r.key == CONTACT).resolved({CUSTOMER: "cus_9"})
    assert (contact.key, contact.fields["CustomerId"]) == (CONTACT, "cus_9")
    assert '"CustomerId":"cus_9"' in contact.payload()


def test_a_link_waits_for_the_creates_on_either_side_and_is_recorded_under_the_answered_ids() -> None:
    """A record the chain would create beside its twin is linked to it: made from a create of the plan, and linked
    to a record its target holds or to one another create of the plan makes (a later flow's twin)."""
    plan = group(
        [
            row(ZOHO_ACCOUNT, "zohocrm", "accounts", 9, "po1", "Account_Name", "Havørn AS"),
            {**row(CUSTOMER, "customcrm", "customers", 1, ZOHO_ACCOUNT, "link:email", "cus_5"),
             "action": "link", "record_id": "cus_5", "change": "link"},
            row("create:1:za1", "customcrm", "customers", 1, "za1", "Name", "Fjellrev AS"),
            {**row("create:4:w1", "customcrm", "customers", 4, "w1", "link:org_number", "create:1:za1"),
             "action": "link", "record_id": "create:1:za1", "change": "link"},
        ]
    )  # fmt: skip
    assert [[r.key for r in wave] for wave in plan.waves] == [
        [ZOHO_ACCOUNT, "create:1:za1"],
        [CUSTOMER, "create:4:w1"],
    ]
    twin, later = (next(r for r in plan.records if r.key == k) for k in (CUSTOMER, "create:4:w1"))
    assert (twin.depends_on, later.depends_on) == ([ZOHO_ACCOUNT], ["create:1:za1"])
    assert twin.sendable and not twin.is_create
    made = twin.resolved({ZOHO_ACCOUNT: "z77"})
    assert (made.key, made.source_id, made.record_id) == ("create:1:z77", "z77", "cus_5")
    assert later.resolved({"create:1:za1": "cus_9"}).record_id == "cus_9"
