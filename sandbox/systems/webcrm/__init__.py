"""WebCRM (api.webcrm.com): Organisations, Persons and Products behind an application-token login."""

from sandbox.systems.webcrm.api import WebCRM

__all__ = ["WebCRM"]
