"""Zoho's official Python SDK (zohocrmsdk8-0) against the emulator: it reads the module and field metadata
before any record call, then lists, creates and updates Accounts. Tools built on the SDK work the same way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.sandbox import RunningSandbox, running_sandbox

pytest.importorskip("zohocrmsdk", reason="the zohocrmsdk8-0 wheel is not installed (pip install '.[dev]')")

# The SDK's package layout; imported after the skip.
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store import FileStore
from zohocrmsdk.src.com.zoho.crm.api import HeaderMap, ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.record import (
    BodyWrapper,
    GetRecordsParam,
    Record,
    RecordOperations,
    ResponseWrapper,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig

SYSTEM = "zohocrm"


@pytest.fixture(scope="module")
def zoho(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """The SDK initialised against a seeded sandbox (the SDK keeps its tokens and field cache in files)."""
    tmp = tmp_path_factory.mktemp("zoho-sdk")
    with running_sandbox(tmp / "sandbox", records=20, seed=5) as sandbox:
        base = sandbox.url(SYSTEM)
        credentials = sandbox.credentials(SYSTEM)
        token = OAuthToken(
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            refresh_token=credentials["refresh_token"],
            find_user=False,  # the sandbox has no users API
        )
        (tmp / "resources").mkdir()
        Initializer.initialize(
            environment=DataCenter.Environment(base, f"{base}/oauth/v2/token", base),
            token=token,
            store=FileStore(str(tmp / "tokens.csv")),
            sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=False),
            resource_path=str(tmp / "resources"),
        )
        yield sandbox


def written(response: Any) -> str:
    """The id of the one record a create or update call wrote; fails with the API's answer otherwise."""
    (item,) = response.get_object().get_data()
    assert isinstance(item, SuccessResponse), vars(item)
    assert item.get_status().get_value() == "success"
    return str(item.get_details()["id"])


def test_the_sdk_lists_creates_and_updates_accounts(zoho: RunningSandbox) -> None:
    accounts = RecordOperations("Accounts")
    params = ParameterMap()
    params.add(GetRecordsParam.fields, "Account_Name,Phone")
    listed = accounts.get_records(params, HeaderMap())
    assert listed.get_status_code() == 200
    page = listed.get_object()
    assert isinstance(page, ResponseWrapper), vars(page)
    assert page.get_data() and all(r.get_key_value("Account_Name") for r in page.get_data())

    record = Record()
    record.add_key_value("Account_Name", "SDK Probe AS")
    body = BodyWrapper()
    body.set_data([record])
    created = written(accounts.create_records(body, HeaderMap()))

    change = Record()
    change.set_id(int(created))
    change.add_key_value("Phone", "+47 22 00 00 00")
    body.set_data([change])
    assert written(accounts.update_records(body, HeaderMap())) == created

    stored = zoho.app.store.get(SYSTEM, "Accounts", created)
    assert stored is not None and stored.data["Account_Name"] == "SDK Probe AS"
    assert stored.data["Phone"] == "+47 22 00 00 00"
