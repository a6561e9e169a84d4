"""Every system's entities, by system, in the order of connectors/systems.py: the raw tables ingest writes, as
ingest/<system>.py declares them. The push and undo read their API names, the seed check their columns."""

from __future__ import annotations

from ingest import crmoffice, customcrm, exact, poweroffice, webcrm, zohocrm
from ingest.entity import Entity

ENTITIES: dict[str, tuple[Entity, ...]] = {
    "zohocrm": zohocrm.ENTITIES,
    "poweroffice": poweroffice.ENTITIES,
    "exact": exact.ENTITIES,
    "webcrm": webcrm.ENTITIES,
    "crmoffice": crmoffice.ENTITIES,
    "customcrm": customcrm.ENTITIES,
}


def entities_of(system: str) -> tuple[Entity, ...]:
    return ENTITIES[system]
