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
from collections.abc import Callable
from pathlib import Path


class RefreshTokenFile:
    """The newest refresh token of one grant, in a private file beside dlt's pipeline state.

    The file also holds a fingerprint of the configured token, so that configuring a new grant (re-authorising)
    wins over the token rotated from the old one.
    """

    def __init__(self, path: Path, configured: str) -> None:
        self.path = path
        self.configured = configured
        self.grant = hashlib.sha256(configured.encode()).hexdigest()

    def rotate(self, refresh: Callable[[str], str | None]) -> None:
        """Call `refresh` with the newest token; keep the token it returns (None: the old one stays valid)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process refreshing waits here, then reads what it wrote
            rotated = refresh(self.current())
            if rotated:
                self.save(rotated)
        finally:
            os.close(lock)  # closing lets go of the lock

    def current(self) -> str:
        if self.path.exists():
            saved = json.loads(self.path.read_text())
            if saved.get("grant") == self.grant:
                return str(saved["refresh_token"])
        return self.configured

    def save(self, token: str) -> None:
        """Atomically and private: a crash mid-write must not lose the only valid token."""
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"grant": self.grant, "refresh_token": token}, handle)
        os.replace(tmp, self.path)
