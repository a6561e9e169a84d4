"""PowerOffice Go v2: the accounting system's customer ledger (companies and persons) and departments."""

from sandbox.systems.poweroffice.api import PowerOffice

__all__ = ["PowerOffice"]
