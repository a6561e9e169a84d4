"""PowerOffice Go source.

A customer's LastChangedDateTimeOffset does not move when only its address changes, so the API cannot be asked
for "customers changed since": every run reads all customers (20,000 per call) and keeps the rows whose customer
or address change time moved. PowerOffice has no deleted-record feed: absence from that full read is deletion.
"""

from ingest.resources import Entity

ENTITIES = (
    Entity(
        "customers",
        "Customers",
        "Id",
        ("LastChangedDateTimeOffset", "MailAddress.LastChangedDateTimeOffset"),
        "scan",
        always_full=True,
    ),
    Entity("departments", "Departments", "Id", ("LastChangedDateTimeOffset",), "scan"),
)
