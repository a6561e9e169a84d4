"""PowerOffice Go source.

A customer's LastChangedDateTimeOffset does not move when only its address changes, so the API cannot be asked
for "customers changed since": every run reads all customers (20,000 per call) and keeps the rows whose customer
or address change time moved. PowerOffice has no deleted-record feed: absence from that full read is deletion.
"""

from ingest.entity import Entity, columns

ENTITIES = (
    Entity(
        "customers",
        "Customers",
        "Id",
        ("LastChangedDateTimeOffset", "MailAddress.LastChangedDateTimeOffset"),
        "scan",
        always_full=True,
        columns=columns(
            bigint="id number external_number department_id mail_address__id",
            text="organization_number national_id_number external_import_reference department_code"
            " name legal_name first_name last_name email_address invoice_email_address invoice_email_address_cc"
            " phone_number website_url currency_code"
            " mail_address__address_line1 mail_address__address_line2 mail_address__city mail_address__zip_code"
            " mail_address__country_code mail_address__external_code",
            bool="is_person is_archived is_active",
            date="date_of_birth",
            timestamp="customer_created_date_time_offset contact_created_date_time_offset"
            " last_changed_date_time_offset mail_address__last_changed_date_time_offset",
        ),
    ),
    Entity(
        "departments",
        "Departments",
        "Id",
        ("LastChangedDateTimeOffset",),
        "scan",
        columns=columns(
            bigint="id manager_employee_id",
            text="code name",
            bool="is_active",
            timestamp="created_date_time_offset last_changed_date_time_offset",
        ),
    ),
)
