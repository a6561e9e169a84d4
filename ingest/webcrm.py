"""WebCRM source: <Entity>UpdatedAt cursor through the Query API; no deleted feed, so periodic full scans.

WebCRM sends unset text as "" and unset references as 0; the raw tables keep that, staging reads them as null.
"""

from ingest.entity import Entity, columns

ENTITIES = (
    Entity(
        "organisations",
        "Organisations",
        "OrganisationId",
        ("OrganisationUpdatedAt",),
        "scan",
        columns=columns(
            bigint="organisation_id",
            text="organisation_name organisation_vat_number organisation_vat_country organisation_telephone"
            " organisation_www organisation_domain organisation_company_description"
            " organisation_address organisation_post_code organisation_city organisation_state organisation_country"
            " organisation_country_data__code_iso organisation_country_data__name"
            " organisation_delivery_address organisation_delivery_post_code organisation_delivery_city"
            " organisation_delivery_state organisation_custom1 organisation_custom2 organisation_custom3",
            timestamp="organisation_created_at organisation_updated_at",
        ),
    ),
    Entity(
        "persons",
        "Persons",
        "PersonId",
        ("PersonUpdatedAt",),
        "scan",
        columns=columns(
            bigint="person_id person_organisation_id",
            text="person_first_name person_last_name person_name person_email person_email2"
            " person_direct_phone person_mobile_phone person_title person_status",
            date="person_birthday",
            timestamp="person_created_at person_updated_at",
        ),
    ),
    Entity(
        "products",
        "Products",
        "ProductId",
        ("ProductUpdatedAt",),
        "scan",
        columns=columns(
            bigint="product_id product_organisation_id product_person_id",
            text="product_name product_number product_description product_vat_code",
            double="product_price product_cost_price product_list_price product_discount product_quantity",
            bool="product_combined",
            timestamp="product_created_at product_updated_at",
        ),
    ),
)
