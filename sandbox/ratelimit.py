"""Real sliding-window counters for the emulated APIs' documented rate limits.

A limit counts calls in a window (WebCRM's 250 per sliding minute, Exact's 60 per minute and 5,000 per day,
PowerOffice's 10 per second); when it is full the emulator answers with its API's own 429 signal.
`scale` multiplies every allowance so that tests can run the real mechanism at a faster pace; 0 turns limits off.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Window:
    name: str
    calls: int
    seconds: float
    _hits: deque[float] = field(default_factory=deque, repr=False)

    def _expire(self, now: float) -> None:
        while self._hits and self._hits[0] <= now - self.seconds:
            self._hits.popleft()

    def allowance(self, scale: float) -> int:
        return max(1, int(self.calls * scale))

    def remaining(self, now: float, scale: float) -> int:
        self._expire(now)
        return max(0, self.allowance(scale) - len(self._hits))

    def retry_after(self, now: float) -> float:
        """Seconds until the oldest call in the window leaves it."""
        return max(0.0, self._hits[0] + self.seconds - now) if self._hits else 0.0

    def reset_at(self, now: float) -> float:
        """Epoch seconds when the window has room again (used by Exact's X-RateLimit-*-Reset)."""
        return now + self.retry_after(now) if self._hits else now + self.seconds


@dataclass
class Verdict:
    allowed: bool
    window: Window | None = None  # the window that refused, if any
    retry_after: float = 0.0


class Limiter:
    """All windows of one system (one credential set in the sandbox)."""

    def __init__(self, windows: list[Window], scale: float = 1.0) -> None:
        self.windows = windows
        self.scale = scale

    @property
    def enabled(self) -> bool:
        return self.scale > 0 and bool(self.windows)

    def hit(self, now: float | None = None) -> Verdict:
        """Count one call, or refuse it (a refused call is not counted, as the real APIs do)."""
        if not self.enabled:
            return Verdict(True)
        now = time.time() if now is None else now
        for window in self.windows:
            if window.remaining(now, self.scale) == 0:
                return Verdict(False, window, window.retry_after(now))
        for window in self.windows:
            window._hits.append(now)
        return Verdict(True)

    def reset(self) -> None:
        for window in self.windows:
            window._hits.clear()
