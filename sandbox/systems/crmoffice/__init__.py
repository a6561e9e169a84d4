"""CRMOffice (crmoffice.no): a Norwegian CRM whose API is mostly assumed; see README.md for each choice."""

from sandbox.systems.crmoffice.api import CRMOffice

__all__ = ["CRMOffice"]
