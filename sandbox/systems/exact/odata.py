"""The part of OData v2 query syntax Exact Online's CRM endpoints need: $select, $filter, $top, $skiptoken.

$filter is a conjunction of comparisons (`Field op literal [and ...]`) with OData v2 literals: datetime'...',
guid'...', '...' (quotes doubled inside), integers (optionally with the Int64 suffix L), true/false.
Anything else is refused with a 400 naming what the sandbox does not support, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from sandbox.systems.exact.schema import GUID
from sandbox.timefmt import parse_iso

_CLAUSE = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*)\s+(eq|ne|gt|ge|lt|le)\s+"
    r"(datetime'[^']*'|guid'[^']*'|'(?:[^']|'')*'|-?\d+L?|true|false)\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"and\s+", re.IGNORECASE)
# Characters left readable in __next links, as Exact writes them ($skiptoken=guid'...').
_SAFE = "$',:()"
# Query options the sandbox understands; other $-options are refused rather than ignored.
OPTIONS = frozenset({"$select", "$filter", "$top", "$skiptoken", "$format"})


class ODataError(ValueError):
    """A query the API refuses with 400 and this message."""


@dataclass(frozen=True, slots=True)
class Clause:
    field: str
    op: str  # eq, ne, gt, ge, lt, le
    kind: str  # datetime, guid, string, int, bool
    value: Any  # microseconds for datetime, lower-case str for guid


def check_options(params: Mapping[str, str]) -> None:
    for name in params:
        if name.startswith("$") and name not in OPTIONS:
            supported = ", ".join(sorted(OPTIONS))
            raise ODataError(f"The query option {name} is not supported (supported: {supported})")
    if params.get("$format", "json").lower() != "json":
        raise ODataError("$format: only json is supported")


def parse_filter(text: str) -> list[Clause]:
    clauses: list[Clause] = []
    pos = 0
    while True:
        match = _CLAUSE.match(text, pos)
        if match is None:
            raise ODataError(
                f"$filter: cannot parse {text[pos:]!r}; supported are comparisons (eq, ne, gt, ge, lt, le) "
                "joined with 'and'"
            )
        kind, value = _literal(match[3])
        clauses.append(Clause(match[1], match[2].lower(), kind, value))
        pos = match.end()
        if pos == len(text):
            return clauses
        joined = _AND.match(text, pos)
        if joined is None:
            raise ODataError(f"$filter: expected 'and' at {text[pos:]!r} (or is not supported)")
        pos = joined.end()


def _literal(text: str) -> tuple[str, Any]:
    lower = text.lower()
    if lower.startswith("datetime'"):
        try:
            return "datetime", parse_iso(text[9:-1])
        except ValueError:
            raise ODataError(f"$filter: {text} is not a valid datetime literal") from None
    if lower.startswith("guid'"):
        value = text[5:-1]
        if not GUID.match(value):
            raise ODataError(f"$filter: {text} is not a valid guid literal")
        return "guid", value.lower()
    if text.startswith("'"):
        return "string", text[1:-1].replace("''", "'")
    if lower in ("true", "false"):
        return "bool", lower == "true"
    return "int", int(text.rstrip("Ll"))


def parse_select(text: str | None, fields: tuple[str, ...], model: str) -> tuple[str, ...] | None:
    """The selected fields in request order, or None when $select is absent."""
    if text is None:
        return None
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise ODataError("$select: name at least one property")
    for name in names:
        if name not in fields:
            raise ODataError(f"$select: property '{name}' does not exist on type '{model}'")
    return names


def parse_top(text: str | None, maximum: int) -> int | None:
    if text is None:
        return None
    try:
        top = int(text)
    except ValueError:
        raise ODataError(f"$top: {text!r} is not an integer") from None
    if not 1 <= top <= maximum:
        raise ODataError(f"$top: the value must be between 1 and {maximum} for this endpoint, got {top}")
    return top


def next_link(url: str, params: Mapping[str, str], skiptoken: str) -> str:
    """The absolute __next URL: the same query with the continuation token."""
    query = {k: v for k, v in params.items() if k != "$skiptoken"}
    query["$skiptoken"] = skiptoken
    return f"{url}?{urlencode(query, quote_via=quote, safe=_SAFE)}"
