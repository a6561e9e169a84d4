"""Changing records in tests the way the push does: through the system's writer (its client beside it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connectors.config import client_for
from reverse_etl.writers import Writer, writer_for


@contextmanager
def writer(system: str) -> Iterator[Writer]:
    """The system's writer over a client configured from the environment; `.client` reads."""
    with client_for(system) as client:
        yield writer_for(system, client)
