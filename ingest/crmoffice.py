"""CRMOffice source: updatedAt cursor (updatedSince); no deleted feed, so periodic full scans."""

from ingest.resources import Entity

ENTITIES = tuple(Entity(path, path, "id", ("updatedAt",), "scan") for path in ("companies", "contacts"))
