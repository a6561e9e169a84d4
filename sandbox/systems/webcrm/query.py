"""The subset of WebCRM's /Queries SQL the sandbox understands: the incremental reads connectors make.

    SELECT * FROM person [[AS] t]
      [WHERE <condition> [AND <condition> ...]]
      [ORDER BY [t.]PersonUpdatedAt|PersonId [ASC|DESC]] [;]

    <condition>: [t.]PersonUpdatedAt >|>=|<|<= '<iso>'  (at most one lower and one upper bound)
               | [t.]PersonId IN (<int>, ...)         (the push reads the records it updates by id)

Keywords are case-insensitive. Anything else is refused with a message naming the part that is not supported,
so a connector never silently gets a different result set than the real API would give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sandbox.systems.webcrm.schema import ENTITIES, Entity
from sandbox.timefmt import parse_iso

_TOKEN = re.compile(r"'(?:[^']|'')*'|>=|<=|<>|!=|[<>=(),;*]|[A-Za-z_][\w.]*|\d+(?![\w.])|\S+")
_TABLES = {e.table: e for e in ENTITIES.values()}
_KEYWORDS = {"WHERE", "ORDER", "AND", "OR", "BY", "GROUP", "LIMIT", "JOIN", "LEFT", "INNER", "UNION"}


class UnsupportedQuery(ValueError):
    """The script uses SQL outside the supported subset; the message says which part."""


@dataclass(frozen=True)
class ParsedQuery:
    entity: Entity
    modified_gt: int | None = None
    modified_ge: int | None = None
    modified_lt: int | None = None
    order: Literal["seq", "modified"] = "seq"
    descending: bool = False
    ids: tuple[str, ...] | None = None


class _Tokens:
    def __init__(self, script: str) -> None:
        self.items = _TOKEN.findall(script)
        self.at = 0

    def peek(self) -> str | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def next(self, what: str) -> str:
        token = self.peek()
        if token is None:
            raise UnsupportedQuery(f"the script ends where {what} was expected")
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        """Consume the keyword if it comes next."""
        token = self.peek()
        if token is not None and token.upper() == word:
            self.at += 1
            return True
        return False

    def expect(self, word: str) -> None:
        token = self.next(word)
        if token.upper() != word:
            raise UnsupportedQuery(f"expected {word} but found {token!r}")


def parse(script: str) -> ParsedQuery:
    tokens = _Tokens(script)
    tokens.expect("SELECT")
    columns = tokens.next("*")
    if columns != "*":
        raise UnsupportedQuery(f"unsupported column list starting {columns!r}: only SELECT * is supported")
    tokens.expect("FROM")
    table = tokens.next("a table name")
    entity = _TABLES.get(table.lower())
    if entity is None:
        raise UnsupportedQuery(f"unsupported table {table!r}: only {', '.join(sorted(_TABLES))} are supported")
    qualifiers = {entity.table, _alias(tokens)}
    bounds: dict[str, int] = {}
    ids: list[tuple[str, ...]] = []
    if tokens.keyword("WHERE"):
        _condition(tokens, entity, qualifiers, bounds, ids)
        while tokens.keyword("AND"):
            _condition(tokens, entity, qualifiers, bounds, ids)
    if len(ids) > 1:
        raise UnsupportedQuery(f"unsupported second IN condition on {entity.id_field}")
    # Without ORDER BY the order is the server's: update order when filtered on it (that reads the update-time
    # index instead of sorting every match), id order otherwise.
    order: Literal["seq", "modified"] = "modified" if bounds else "seq"
    descending = False
    if tokens.keyword("ORDER"):
        tokens.expect("BY")
        column = _column(tokens.next("an ORDER BY column"), qualifiers)
        if column.lower() == entity.updated_field.lower():
            order = "modified"
        elif column.lower() == entity.id_field.lower():
            order = "seq"
        else:
            raise UnsupportedQuery(
                f"unsupported ORDER BY column {column!r}: only {entity.updated_field} or {entity.id_field}"
            )
        if tokens.keyword("DESC"):
            descending = True
        else:
            tokens.keyword("ASC")
    tokens.keyword(";")
    rest = tokens.peek()
    if rest is not None:
        raise UnsupportedQuery(f"unsupported SQL from {rest!r} on: only WHERE on the update time or id, and ORDER BY")
    return ParsedQuery(
        entity,
        modified_gt=bounds.get(">"),
        modified_ge=bounds.get(">="),
        modified_lt=bounds.get("<"),
        order=order,
        descending=descending,
        ids=ids[0] if ids else None,
    )


def _alias(tokens: _Tokens) -> str:
    tokens.keyword("AS")
    token = tokens.peek()
    if token is None or token.upper() in _KEYWORDS or not re.fullmatch(r"[A-Za-z_]\w*", token):
        return ""
    tokens.at += 1
    return token.lower()


def _column(token: str, qualifiers: set[str]) -> str:
    qualifier, dot, name = token.rpartition(".")
    if dot and qualifier.lower() not in qualifiers:
        raise UnsupportedQuery(f"unknown table or alias {qualifier!r} in {token!r}")
    return name


def _condition(
    tokens: _Tokens, entity: Entity, qualifiers: set[str], bounds: dict[str, int], ids: list[tuple[str, ...]]
) -> None:
    column = _column(tokens.next("a condition"), qualifiers)
    if column.lower() == entity.id_field.lower():
        ids.append(_id_list(tokens, column))
        return
    if column.lower() != entity.updated_field.lower():
        raise UnsupportedQuery(
            f"unsupported condition on {column!r}: only {entity.updated_field} and {entity.id_field} can be filtered"
        )
    op = tokens.next("a comparison operator")
    if op not in (">", ">=", "<", "<="):
        raise UnsupportedQuery(f"unsupported operator {op!r}: only >, >=, < and <= on {entity.updated_field}")
    literal = tokens.next("a quoted date-time")
    if not (len(literal) >= 2 and literal[0] == literal[-1] == "'"):
        raise UnsupportedQuery(f"unsupported value {literal!r}: compare with a quoted ISO date-time")
    try:
        value = parse_iso(literal[1:-1])
    except ValueError:
        raise UnsupportedQuery(f"{literal} is not an ISO-8601 date-time") from None
    # <= t is < t + 1 µs: the store's times are whole microseconds.
    key, value = ("<", value + 1) if op == "<=" else (op, value)
    side = "upper" if key == "<" else "lower"
    if any(k in bounds for k in ((">", ">=") if side == "lower" else ("<",))):
        raise UnsupportedQuery(f"unsupported second {side} bound on {column}")
    bounds[key] = value


def _id_list(tokens: _Tokens, column: str) -> tuple[str, ...]:
    """The integers of `IN (1, 2, 3)`, as the store's ids."""
    tokens.expect("IN")
    tokens.expect("(")
    values: list[str] = []
    while True:
        token = tokens.next("an id")
        if not token.isdigit():
            raise UnsupportedQuery(f"unsupported value {token!r} in the IN list of {column}: only integer ids")
        values.append(str(int(token)))
        separator = tokens.next("',' or ')'")
        if separator == ")":
            return tuple(values)
        if separator != ",":
            raise UnsupportedQuery(f"expected ',' or ')' in the IN list of {column} but found {separator!r}")
