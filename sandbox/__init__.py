"""Local emulators of the six CRM / accounting APIs the product syncs (see sandbox/README.md)."""
