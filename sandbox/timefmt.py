"""Rendering and parsing of the store's microsecond times in each API's own date formats."""

from __future__ import annotations

from datetime import UTC, datetime


def to_datetime(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def iso_us(us: int) -> str:
    """2024-01-15T15:26:49.123456+00:00 (PowerOffice, WebCRM, CRMOffice)."""
    return to_datetime(us).isoformat(timespec="microseconds")


def iso_z(us: int) -> str:
    """2024-01-15T15:26:49.123456Z (Custom CRM)."""
    return to_datetime(us).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_seconds(us: int) -> str:
    """2024-01-15T15:26:49+00:00 (Zoho: second resolution with offset)."""
    return to_datetime(us).isoformat(timespec="seconds")


def odata_date(us: int) -> str:
    """/Date(1700000000000)/ (Exact Online's OData v2 JSON dates, milliseconds)."""
    return f"/Date({us // 1000})/"


def parse_iso(text: str) -> int:
    """Any ISO-8601 date-time (offset or Z; naive means UTC) to microseconds. Raises ValueError."""
    value = text.strip().replace(" ", "T", 1) if "T" not in text else text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1_000_000)
