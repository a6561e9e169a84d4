"""Why a sync needs another round: a record the plan holds until the next round's matching decides it (a twin down
the chain, an earlier flow's create of a twin) or a create that did not land needs one, also through a parent that
waits for it; a record waiting for a review decision, for a parent its API refused or for a parent that is not linked
does not (the next round would hold it back the same)."""

from __future__ import annotations

import pytest

from sync.rounds import waiting_reason

CHAIN = "chain: exact accounts 9ce0 shares its name; matched next round"
EARLIER = "flow 1 creates customcrm customers first; matched next round"


@pytest.mark.parametrize(
    ("error", "words", "next_round"),
    [
        (CHAIN, "may already be in its target (decided by the next round's matching)", True),
        (EARLIER, "wait for an earlier flow's create of a twin", True),
        (
            f"waits for create:5:155: waiting: waits for create:4:248: waiting: {EARLIER}",
            "wait for an earlier flow's create of a twin (through a parent)",
            True,
        ),
        ("review: customcrm contacts con_1", "wait for a review decision", False),
        (
            "waits for create:2:7: waiting: review: customcrm contacts con_1",
            "wait for a review decision (through a parent)",
            False,
        ),
        (
            "waits for create:13:create:1:9: rejected: Name is required",
            "wait for a parent the API refused (through a parent)",
            False,
        ),
        ("CustomerId 17 is not linked in flow 9 yet", "wait for a parent that is not linked", False),
        (
            "waits for create:1:4: customcrm push stopped: ConnectError",
            "wait for a create that did not land (through a parent)",
            True,
        ),
    ],
)
def test_a_waiting_record_needs_another_round_only_where_the_next_round_decides_it(
    error: str, words: str, next_round: bool
) -> None:
    assert waiting_reason(error) == (words, next_round)
