"""CRMOffice source: updatedAt cursor (updatedSince); no deleted feed, so periodic full scans."""

from ingest.entity import Entity, columns

ENTITIES = (
    Entity(
        "companies",
        "companies",
        "id",
        ("updatedAt",),
        "scan",
        columns=columns(
            text="id org_nr name email phone website"
            " post_address__street_address post_address__post_code post_address__postal_area post_address__country"
            " visit_address__street_address visit_address__post_code visit_address__postal_area"
            " visit_address__country",
            timestamp="created_at updated_at",
        ),
    ),
    Entity(
        "contacts",
        "contacts",
        "id",
        ("updatedAt",),
        "scan",
        columns=columns(
            text="id company__id company__name given_name family_name email direct_phone mobile_phone title",
            timestamp="created_at updated_at",
        ),
    ),
)
