"""Exact Online: CRM accounts and contacts over its OData v2 REST API (spec section 3)."""

from sandbox.systems.exact.api import ExactOnline

__all__ = ["ExactOnline"]
