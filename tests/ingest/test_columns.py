"""The column declarations of the entity lists: one typed list per entity, spelt as the warehouse spells it."""

from __future__ import annotations

import pytest
from dlt.common.normalizers.naming.snake_case import NamingConvention

from connectors.config import SYSTEMS
from ingest.entities import entities_of
from ingest.entity import columns

NAMING = NamingConvention()


def test_columns_reads_names_by_type() -> None:
    assert columns(text="id name", timestamp="modified_at") == {
        "id": "text",
        "name": "text",
        "modified_at": "timestamp",
    }


def test_columns_refuses_unknown_types_and_repeated_names() -> None:
    with pytest.raises(ValueError, match="unknown dlt data type 'string'"):
        columns(string="id")
    with pytest.raises(ValueError, match="'id' is listed twice"):
        columns(text="id", bigint="id")


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_entity_declares_its_key_and_cursor_in_warehouse_spelling(system: str) -> None:
    for entity in entities_of(system):
        assert entity.columns, (system, entity.table)
        assert all(NAMING.normalize_path(name) == name for name in entity.columns), (system, entity.table)
        assert NAMING.normalize_identifier(entity.primary_key) in entity.columns
        for cursor in entity.cursor or ():
            assert NAMING.normalize_path(cursor.replace(".", "__")) in entity.columns, (system, cursor)
