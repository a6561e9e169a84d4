"""Custom CRM source: UpdatedAt cursor (inclusive updated_since) and the deleted-record feed."""

from ingest.resources import Entity

ENTITIES = tuple(
    Entity(table, table, "Id", ("UpdatedAt",), "feed") for table in ("customers", "contacts", "orders", "products")
)
