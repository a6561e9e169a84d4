"""Where a Zoho list call reads, and the opaque page tokens that carry it from one page to the next.

A page token encodes a keyset (the sort columns of the row next to the page), not an offset, so a walk over a
table of any size costs one index seek per page and sees every record once even while records are written.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

from sandbox.store import Record

PAGE_WINDOW = 2000  # records reachable with page/per_page
TOKEN_WALK_LIMIT = 100_000  # records reachable with consecutive page tokens
PAGE_TOKEN_TTL = 86_400
SORTS: dict[str, Literal["seq", "created", "modified"]] = {
    "id": "seq",  # ids grow with the store's row sequence, so seq order is id order
    "Created_Time": "created",
    "Modified_Time": "modified",
}
_SORT_CODES = {"id": "i", "Created_Time": "c", "Modified_Time": "m"}
_MODULE_CODES = {"A": "Accounts", "C": "Contacts", "D": "Deals"}


@dataclass(frozen=True)
class Walk:
    """A list call's sort, If-Modified-Since filter and position; page tokens encode it."""

    module: str
    sort_by: str
    descending: bool
    since: int | None
    after: tuple[int, ...] | None  # keyset of the row before the page (after it when backward); None: offset
    offset: int  # records of the walk before the page
    backward: bool = False
    expiry: int = 0  # epoch seconds after which the token is refused

    @property
    def order(self) -> Literal["seq", "created", "modified"]:
        return SORTS[self.sort_by]

    def key(self, record: Record) -> tuple[int, ...]:
        """The record's keyset in this walk's order."""
        if self.order == "seq":
            return (record.seq,)
        if self.order == "created":
            return (record.created_us, record.seq)
        return (record.modified_us, record.seq)

    def token(self) -> str:
        # Short codes keep the token within the 96 characters the real API allows for page_token.
        parts = (
            self.module[0],
            _SORT_CODES[self.sort_by],
            "d" if self.descending else "a",
            "" if self.since is None else str(self.since),
            "-".join(map(str, self.after or ())),
            str(self.offset),
            "b" if self.backward else "f",
            str(self.expiry),
        )
        return base64.urlsafe_b64encode(".".join(parts).encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> Walk:
        """The walk a token encodes; ValueError for anything this server did not issue."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(token) from exc
        module, sort, order, since, after, offset, direction, expiry = raw.split(".")
        sorts = {code: name for name, code in _SORT_CODES.items()}
        if module not in _MODULE_CODES or sort not in sorts or order not in ("a", "d") or direction not in ("b", "f"):
            raise ValueError(token)
        keyset = tuple(_int64(v) for v in after.split("-"))
        if len(keyset) != (1 if sorts[sort] == "id" else 2):
            raise ValueError(token)
        return cls(
            module=_MODULE_CODES[module],
            sort_by=sorts[sort],
            descending=order == "d",
            since=_int64(since) if since else None,
            after=keyset,
            offset=int(offset),
            backward=direction == "b",
            expiry=int(expiry),
        )


def _int64(text: str) -> int:
    """A token's number; SQLite integers are 64-bit, so a forged larger one must not reach a query."""
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError(text)
    return value
