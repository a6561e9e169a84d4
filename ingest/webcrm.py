"""WebCRM source: <Entity>UpdatedAt cursor through the Query API; no deleted feed, so periodic full scans."""

from ingest.resources import Entity

ENTITIES = tuple(
    Entity(path.lower(), path, f"{prefix}Id", (f"{prefix}UpdatedAt",), "scan")
    for path, prefix in (("Organisations", "Organisation"), ("Persons", "Person"), ("Products", "Product"))
)
