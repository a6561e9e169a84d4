"""What an entity of a system is: its raw table, its API name, how it is read and which columns it keeps.

ingest/<system>.py declare their entities with these; ingest/entities.py holds them by system. No dlt here: the
push, undo and the seed check read the declarations without loading the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DataType = Literal["text", "bigint", "double", "decimal", "bool", "date", "timestamp"]
DATA_TYPES: tuple[DataType, ...] = ("text", "bigint", "double", "decimal", "bool", "date", "timestamp")


def columns(**names: str) -> dict[str, DataType]:
    """Column hints by dlt data type, names as the warehouse spells them (snake_case, nested objects joined by __).

    columns(text="id name mail_address__city", timestamp="modified_time") -> {"id": "text", ...}
    """
    hints: dict[str, DataType] = {}
    for data_type, listed in names.items():
        if data_type not in DATA_TYPES:
            raise ValueError(f"unknown dlt data type {data_type!r}; one of {', '.join(DATA_TYPES)}")
        for name in listed.split():
            if name in hints:
                raise ValueError(f"column {name!r} is listed twice")
            hints[name] = data_type  # type: ignore[assignment]
    return hints


@dataclass(frozen=True)
class Entity:
    table: str  # warehouse table in raw_<system>, e.g. "accounts"
    path: str  # the API's name for it, e.g. "Accounts"
    primary_key: str  # the record's id field as the API names it
    # Field(s) holding the change time or row version. Several: the newest counts (PowerOffice keeps the
    # address's change time apart from the customer's). None: no cursor, every run reads everything.
    cursor: tuple[str, ...] | None
    # How deletions are learnt: the API's deleted-record feed, or ids missing from a complete scan.
    deletions: Literal["feed", "scan"]
    # The API cannot filter on the cursor for everything that changes: always read all, keep only changes.
    always_full: bool = False
    # Every column the warehouse keeps (and staging reads), with its dlt data type: created even when no record
    # has a value yet, and typed the same whatever the first values look like. Build with columns().
    columns: dict[str, DataType] = field(default_factory=dict, hash=False)
