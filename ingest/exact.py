"""Exact Online source: the sync API's Timestamp row version as cursor, and sync/Deleted for deletions."""

from ingest.resources import Entity

ENTITIES = tuple(Entity(name.lower(), name, "ID", ("Timestamp",), "feed") for name in ("Accounts", "Contacts"))
