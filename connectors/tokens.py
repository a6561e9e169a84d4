"""Where a rotating refresh token lives between uses (Exact's are single-use: each refresh returns the next one).

Every client of the system, in every process (ingest, push, a second sync), must refresh with the newest token, so
the token is read from its file at the moment of the refresh, under an exclusive file lock, and the rotated one is
written back before the lock is let go. A client that kept the token it was made with would refresh with one that a
later client had already spent, and lose the grant.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class RefreshTokenFile:
    """The newest refresh token of one grant, and the access token it last gave, in a private file beside dlt's
    pipeline state.

    The access token is kept so that a new process (every ingest, push and sync starts one) uses it while it lives
    instead of refreshing: every refresh spends the only valid refresh token, and a process killed between Exact's
    rotation and the write of its answer loses the grant, so the fewer refreshes the better (Exact also caps token
    calls a day). The file also holds a fingerprint of the configured token, so that configuring a new grant
    (re-authorising) wins over the tokens rotated from the old one.
    """

    def __init__(self, path: Path, configured: str) -> None:
        self.path = path
        self.configured = configured
        self.grant = hashlib.sha256(configured.encode()).hexdigest()

    def access(self, refresh: Callable[[str], Grant], refused: str | None = None) -> str:
        """An access token: the kept one while it lives for another minute and is not `refused` (the one an API
        call was just refused with), else one `refresh` gets with the newest refresh token (both are kept)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process refreshing waits here, then reads what it wrote
            saved = self._saved()
            kept = saved.get("access_token")
            if kept and kept != refused and float(saved.get("expires_at", 0)) > time.time() + ACCESS_MARGIN_SECONDS:
                return str(kept)
            current = str(saved.get("refresh_token") or self.configured)
            grant = refresh(current)
            self._save(grant.refresh_token or current, grant.access_token, time.time() + grant.expires_in)
            return grant.access_token
        finally:
            os.close(lock)  # closing lets go of the lock

    def _saved(self) -> dict[str, object]:
        if self.path.exists():
            saved = json.loads(self.path.read_text())
            if saved.get("grant") == self.grant:
                return dict(saved)
        return {}

    def _save(self, refresh_token: str, access_token: str, expires_at: float) -> None:
        """Atomically and private: a crash mid-write must not lose the only valid token."""
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(
                {
                    "grant": self.grant,
                    "refresh_token": refresh_token,
                    "access_token": access_token,
                    "expires_at": expires_at,
                },
                handle,
            )
        os.replace(tmp, self.path)


@dataclass(frozen=True)
class Grant:
    """What a token call answered."""

    access_token: str
    refresh_token: str | None  # None: the refresh token used stays valid
    expires_in: float  # seconds


# A kept access token is used only while it lives this much longer: a call must not start on one about to expire.
ACCESS_MARGIN_SECONDS = 60.0
