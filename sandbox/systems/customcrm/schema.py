"""Custom CRM entities and field rules: the project's own contract (spec section 6b)."""

from __future__ import annotations

from sandbox.fields import Field

# path segment -> (id prefix, fields)
ENTITIES: dict[str, tuple[str, dict[str, Field]]] = {
    "customers": (
        "cus_",
        {
            "Name": Field(max_len=200, required=True),
            "Email": Field("email", max_len=254),
            "Phone": Field("phone", max_len=50),
            "Fax": Field("phone", max_len=50),
            "Website": Field("url", max_len=255),
            "Description": Field(max_len=2000),
            "StreetAddress1": Field(max_len=255),
            "StreetAddress2": Field(max_len=255),
            "City": Field(max_len=100),
            "ZipCode": Field(max_len=20),
            "Country": Field("country"),
            "OrgNumber": Field(max_len=50),
        },
    ),
    "contacts": (
        "con_",
        {
            "FirstName": Field(max_len=100),
            "LastName": Field(max_len=100, required=True),
            "Email": Field("email", max_len=254),
            "Phone": Field("phone", max_len=50),
            "Mobile": Field("phone", max_len=50),
            "Title": Field(max_len=100),
            "CustomerId": Field(),
            "City": Field(max_len=100),
            "ZipCode": Field(max_len=20),
            "Country": Field("country"),
        },
    ),
    "orders": (
        "ord_",
        {
            "Title": Field(max_len=255, required=True),
            "OrderNumber": Field(max_len=50),
            "CustomerId": Field(),
            "ContactId": Field(),
            "Amount": Field("decimal"),
            "Currency": Field("currency"),
            "Status": Field("choice", choices=("open", "won", "lost")),
            "OrderDate": Field("date"),
        },
    ),
    "products": (
        "prd_",
        {
            "Name": Field(max_len=255, required=True),
            "Sku": Field(max_len=64),
            "Description": Field(max_len=2000),
            "Price": Field("decimal"),
            "Currency": Field("currency"),
            "VatCode": Field(max_len=10),
        },
    ),
}

# Foreign keys checked on write: field -> entity it points to.
REFERENCES: dict[str, dict[str, str]] = {
    "contacts": {"CustomerId": "customers"},
    "orders": {"CustomerId": "customers", "ContactId": "contacts"},
}

# Fields unique per entity (case-insensitive), checked on write.
UNIQUE: dict[str, tuple[str, ...]] = {"products": ("Sku",)}

SERVER_FIELDS = ("Id", "CreatedAt", "UpdatedAt")
