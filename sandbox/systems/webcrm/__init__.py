"""WebCRM emulator (placeholder until its module lands)."""

from typing import ClassVar

from sandbox.system import System


class WebCRM(System):
    name = "webcrm"
    title = "WebCRM"
    credentials: ClassVar[dict[str, str]] = {}

    def routes(self):  # type: ignore[no-untyped-def]
        return []

    def rate_windows(self):  # type: ignore[no-untyped-def]
        return []

    def seed_rows(self, world):  # type: ignore[no-untyped-def]
        return {}


__all__ = ["WebCRM"]
