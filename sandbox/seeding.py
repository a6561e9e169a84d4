"""Fill the sandbox from the generated world, and write the ground truth beside it (never served)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sandbox.world import World

if TYPE_CHECKING:
    from sandbox.app import Sandbox

GROUND_TRUTH = "ground_truth.csv"


def seed(
    sandbox: Sandbox, records: int, seed_value: int, systems: Iterable[str] | None = None, noise: str = "plain"
) -> dict[str, int]:
    """Replace every record with about `records` per entity per system (all systems, or those named), written
    with `noise` ("plain" or "hard": sandbox/world.py World); returns rows per system.entity."""
    chosen = set(systems) if systems is not None else set(sandbox.systems)
    unknown = chosen - set(sandbox.systems)
    if unknown:
        raise ValueError(f"unknown systems {sorted(unknown)}; known: {sorted(sandbox.systems)}")
    world = World(seed_value, records, noise)
    sandbox.reset()
    counts: dict[str, int] = {}
    path = sandbox.settings.data_dir / GROUND_TRUTH
    with path.open("w", newline="") as handle:
        truth = csv.writer(handle)
        truth.writerow(["kind", "key", "system", "entity", "id"])
        for name, system in sandbox.systems.items():
            if name not in chosen:
                continue
            for entity, rows in system.seed_rows(world).items():

                def loaded(rows=rows, name=name, entity=entity):  # type: ignore[no-untyped-def]
                    for row in rows:
                        if row.key is not None:
                            truth.writerow([row.kind, row.key, name, entity, row.id])
                        yield row.id, row.data, row.created_us, row.modified_us

                counts[f"{name}.{entity}"] = sandbox.store.bulk_load(name, entity, loaded())
            system.seeded(world)
    return counts
