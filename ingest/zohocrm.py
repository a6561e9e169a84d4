"""Zoho CRM source: Modified_Time cursor (If-Modified-Since) and the deleted-records feed."""

from ingest.resources import Entity

ENTITIES = tuple(
    Entity(module.lower(), module, "id", ("Modified_Time",), "feed") for module in ("Accounts", "Contacts", "Deals")
)
