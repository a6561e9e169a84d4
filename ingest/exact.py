"""Exact Online source: the sync API's Timestamp row version as cursor, and sync/Deleted for deletions.

Columns are the client's $select (connectors/exact.py SELECT). Created, Modified and BirthDate stay as Exact sends
them (`/Date(ms)/`); staging turns them into times.
"""

from ingest.entity import Entity, columns

ENTITIES = (
    Entity(
        "accounts",
        "Accounts",
        "ID",
        ("Timestamp",),
        "feed",
        columns=columns(
            text="id code main_contact vat_number chamber_of_commerce name email phone website"
            " address_line1 address_line2 address_line3 postcode city state country country_name status"
            " created modified",
            bigint="division timestamp",
            bool="is_supplier blocked",
        ),
    ),
    Entity(
        "contacts",
        "Contacts",
        "ID",
        ("Timestamp",),
        "feed",
        columns=columns(
            text="id account account_name first_name middle_name last_name full_name email business_email"
            " phone business_phone mobile business_mobile city postcode country job_title_description"
            " birth_date created modified",
            bigint="division timestamp",
            bool="is_main_contact",
        ),
    ),
)
