"""The six systems by name, in the order of the flows' chain; light to import (the CLIs' --help reads it)."""

SYSTEMS = ("zohocrm", "poweroffice", "exact", "webcrm", "crmoffice", "customcrm")
