"""Zoho CRM source: Modified_Time cursor (If-Modified-Since) and the deleted-records feed.

Columns are the fields the client asks for (connectors/zohocrm.py FIELDS); lookups arrive as {id, name}.
"""

from ingest.entity import Entity, columns

ENTITIES = (
    Entity(
        "accounts",
        "Accounts",
        "id",
        ("Modified_Time",),
        "feed",
        columns=columns(
            text="id account_name account_number phone fax website industry description"
            " billing_street billing_city billing_code billing_state billing_country"
            " shipping_street shipping_city shipping_code shipping_state shipping_country",
            timestamp="created_time modified_time",
        ),
    ),
    Entity(
        "contacts",
        "Contacts",
        "id",
        ("Modified_Time",),
        "feed",
        columns=columns(
            text="id account_name__id account_name__name first_name last_name email secondary_email"
            " phone mobile other_phone home_phone title"
            " mailing_street mailing_city mailing_zip mailing_state mailing_country"
            " other_street other_city other_zip other_state other_country",
            date="date_of_birth",
            timestamp="created_time modified_time",
        ),
    ),
    Entity(
        "deals",
        "Deals",
        "id",
        ("Modified_Time",),
        "feed",
        columns=columns(
            text="id account_name__id account_name__name contact_name__id contact_name__name deal_name stage pipeline",
            double="amount",
            bigint="probability",
            date="closing_date",
            timestamp="created_time modified_time",
        ),
    ),
)
