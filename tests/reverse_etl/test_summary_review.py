"""The sync summary counts the records that wait for a review decision (a probable match in link_review)."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.rounds import SyncReport
from sync.summary import sync_summary


def test_the_summary_counts_records_waiting_for_review() -> None:
    report = SyncReport(started_at=datetime.now(UTC), stopped="nothing left to send", waiting_for_review=2)
    lines = [part for part in sync_summary(report) if isinstance(part, str)]
    assert any(line.startswith("[cyan]2 records wait for a review decision") for line in lines), lines


def test_no_review_line_when_nothing_waits() -> None:
    report = SyncReport(started_at=datetime.now(UTC), stopped="nothing left to send")
    assert not [p for p in sync_summary(report) if isinstance(p, str) and "review decision" in p]
