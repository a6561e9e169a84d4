"""The world with hard person noise (World(noise="hard")): deterministic, and each kind of noise is there."""

from __future__ import annotations

from itertools import pairwise

import pytest

from sandbox import noise
from sandbox.world import World

PLACES = ("zohocrm.Contacts", "customcrm.contacts", "exact.Contacts")


@pytest.fixture(scope="module")
def hard() -> World:
    return World(7, 2000, "hard")


def _views(world: World, place: str, n: int) -> list[object]:
    return [noise.person_as(world, place, i) for i in range(n)]


def _one_edit(a: str, b: str) -> bool:
    """One character deleted, substituted or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]]
        return len(differ) == 1 or (swapped and a[differ[1]] == b[differ[0]])
    long, short = (a, b) if len(a) > len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def test_hard_noise_is_deterministic_per_seed_and_differs_per_system_and_seed() -> None:
    a, b, other = World(11, 500, "hard"), World(11, 500, "hard"), World(12, 500, "hard")
    for place in PLACES:
        assert _views(a, place, 200) == _views(b, place, 200)
    assert _views(a, PLACES[0], 200) != _views(a, PLACES[1], 200)  # each system is told its own variant
    assert sum(x != y for x, y in zip(_views(a, PLACES[0], 200), _views(other, PLACES[0], 200), strict=True)) > 150


def test_a_plain_world_is_served_as_it_is() -> None:
    plain = World(7, 300)
    assert plain.noise == "plain"
    assert all(noise.person_as(plain, place, i) == plain.person(i) for place in PLACES for i in range(300))
    with pytest.raises(ValueError, match="noise 'loud'"):
        World(7, 300, "loud")


def test_names_carry_nicknames_and_typos(hard: World) -> None:
    nicknames = typos = 0
    for place in PLACES:
        for i in range(hard.persons):
            person, seen = hard.person(i), noise.person_as(hard, place, i)
            if seen.first_name in noise._NICKNAMES.get(person.first_name, ()):
                nicknames += 1
            elif _one_edit(person.first_name, seen.first_name) or _one_edit(person.last_name, seen.last_name):
                typos += 1
    views = len(PLACES) * hard.persons
    assert 0.005 < nicknames / views < 0.05
    assert 0.06 < typos / views < 0.14


def test_birth_dates_are_mistyped_or_missing(hard: World) -> None:
    one_digit = swapped = missing = 0
    for i in range(hard.persons):
        born, seen = hard.person(i).birth_date, noise.person_as(hard, "zohocrm.Contacts", i).birth_date
        if born is None:
            continue
        if seen is None:
            missing += 1
        elif seen != born and (seen.year, seen.month, seen.day) == (born.year, born.day, born.month):
            swapped += 1
        elif seen != born:
            assert sum(x != y for x, y in zip(seen.isoformat(), born.isoformat(), strict=True)) == 1
            one_digit += 1
    assert one_digit > 20 and swapped > 5 and missing > 100


def test_employees_give_a_private_email_or_a_work_address(hard: World) -> None:
    private = at_work = 0
    for i in range(hard.persons):
        person = hard.person(i)
        if person.employer is None or person.email is None:
            continue
        seen = noise.person_as(hard, "customcrm.contacts", i)
        private += seen.email == hard.private_email(person)
        employer = hard.company(person.employer)
        at_work += (
            (seen.street, seen.postcode)
            == (employer.street, employer.postcode)
            != (
                person.street,
                person.postcode,
            )
        )
    employees = sum(1 for i in range(hard.persons) if hard.person(i).employer is not None)
    assert 0.15 < private / employees < 0.35
    assert 0.2 < at_work / employees < 0.4


def test_hard_world_has_more_households(hard: World) -> None:
    """A household: same surname, address and mailbox, another first name; five times as many as plain."""

    def households(world: World) -> int:
        people = [world.person(i) for i in range(world.persons)]
        return sum(
            1
            for a, b in pairwise(people)
            if a.email is not None
            and a.email == b.email
            and (a.last_name, a.street) == (b.last_name, b.street)
            and a.first_name != b.first_name
        )

    plain = households(World(7, 2000))
    assert households(hard) > 3 * plain > 0
