"""Zoho CRM: the REST API v2-v8 records endpoints and Zoho Accounts' OAuth token endpoint (spec section 1)."""

from sandbox.systems.zohocrm.api import ZohoCRM

__all__ = ["ZohoCRM"]
