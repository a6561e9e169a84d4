"""Custom CRM source: UpdatedAt cursor (inclusive updated_since) and the deleted-record feed."""

from ingest.entity import Entity, columns

TIMES = "created_at updated_at"

ENTITIES = (
    Entity(
        "customers",
        "customers",
        "Id",
        ("UpdatedAt",),
        "feed",
        columns=columns(
            text="id org_number name email phone fax website description"
            " street_address1 street_address2 city zip_code country",
            timestamp=TIMES,
        ),
    ),
    Entity(
        "contacts",
        "contacts",
        "Id",
        ("UpdatedAt",),
        "feed",
        columns=columns(
            text="id customer_id first_name last_name email phone mobile title city zip_code country",
            timestamp=TIMES,
        ),
    ),
    Entity(
        "orders",
        "orders",
        "Id",
        ("UpdatedAt",),
        "feed",
        columns=columns(
            text="id customer_id contact_id title order_number currency status",
            double="amount",
            date="order_date",
            timestamp=TIMES,
        ),
    ),
    Entity(
        "products",
        "products",
        "Id",
        ("UpdatedAt",),
        "feed",
        columns=columns(text="id name sku description currency vat_code", double="price", timestamp=TIMES),
    ),
)
