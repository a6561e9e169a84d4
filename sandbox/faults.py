"""Fault injection settings and counters, one set per emulated system.

Rates are shares of data calls (token endpoints are exempt: a lost token rotation would break a client for
reasons no retry can fix, which is not what the reliability tests are about). The draws come from a seeded
random generator so a failing test can be replayed.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["429", "5xx", "timeout", "lost"]
RATE_FIELDS = ("rate_429", "rate_5xx", "rate_timeout", "rate_lost")


@dataclass
class Faults:
    latency_ms: float = 0.0
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_timeout: float = 0.0
    rate_lost: float = 0.0
    # How long a "timeout" holds the connection before answering 504; clients should give up sooner.
    timeout_seconds: float = 30.0
    seed: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def update(self, values: dict[str, Any]) -> None:
        """Apply a partial update; raises ValueError naming the bad setting."""
        current = self.settings()
        merged = {**current, **values}
        for name, value in values.items():
            if name not in current:
                raise ValueError(f"unknown fault setting {name!r}")
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"fault setting {name!r} must be a number >= 0, got {value!r}")
            if name in RATE_FIELDS and value > 1:
                raise ValueError(f"fault setting {name!r} is a share between 0 and 1, got {value!r}")
        if sum(merged[name] for name in RATE_FIELDS) > 1:
            raise ValueError("the fault rates add up to more than 1")
        for name, value in merged.items():
            setattr(self, name, value)
        self._rng.seed(self.seed)

    def settings(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}

    def draw(self) -> FaultKind | None:
        r = self._rng.random()
        for kind, rate in (
            ("429", self.rate_429),
            ("5xx", self.rate_5xx),
            ("timeout", self.rate_timeout),
            ("lost", self.rate_lost),
        ):
            if r < rate:
                return kind  # type: ignore[return-value]
            r -= rate
        return None


@dataclass
class Counters:
    """What a system was asked and what it answered abnormally; read by tests through /_sandbox/stats."""

    requests: int = 0
    writes: int = 0  # POST, PUT, PATCH and DELETE calls among the requests (a converged sync sends none)
    injected: dict[str, int] = field(default_factory=lambda: {"429": 0, "5xx": 0, "timeout": 0, "lost": 0})
    throttled: int = 0
    unauthorized: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
