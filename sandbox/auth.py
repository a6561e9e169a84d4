"""Token issuing and checking shared by the six emulators' auth flows.

Access tokens live in memory (a restarted sandbox forgets them, as an expired token would be forgotten, and
clients must refresh). Rotating refresh tokens (Exact Online) are persisted in the data dir, because a client
holds the rotated one across runs.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from pathlib import Path

AUTH_DB = "auth.sqlite"


class Tokens:
    def __init__(self, data_dir: Path) -> None:
        self._access: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._db = sqlite3.connect(data_dir / AUTH_DB, isolation_level=None, check_same_thread=False)
        self._db.execute(
            "create table if not exists refresh_tokens (token text primary key, system text not null, "
            "used integer not null default 0)"
        )

    def issue(self, system: str, ttl_seconds: float, prefix: str = "") -> str:
        token = prefix + secrets.token_urlsafe(24)
        with self._lock:
            self._access[token] = (system, time.time() + ttl_seconds)
        return token

    def valid(self, system: str, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            entry = self._access.get(token)
        return entry is not None and entry[0] == system and entry[1] > time.time()

    def revoke_all(self, system: str) -> None:
        """Forget a system's access tokens (tests use it to force a refresh)."""
        with self._lock:
            for token in [t for t, (s, _) in self._access.items() if s == system]:
                del self._access[token]

    def new_refresh(self, system: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute("insert into refresh_tokens(token, system) values (?, ?)", (token, system))
        return token

    def use_refresh(self, system: str, token: str) -> bool:
        """Spend a rotating refresh token: true once, false for unknown or already used tokens."""
        with self._lock:
            cur = self._db.execute(
                "update refresh_tokens set used = 1 where token = ? and system = ? and used = 0",
                (token, system),
            )
            return cur.rowcount == 1

    def close(self) -> None:
        self._db.close()
