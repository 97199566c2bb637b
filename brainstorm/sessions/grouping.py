"""Who goes to which breakout group: the split rules, without the database."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from brainstorm.sessions.models import Sector, SplitRule

SECTOR_ORDER = (Sector.PO, Sector.VO, Sector.MBO, Sector.OTHER)


@dataclass(frozen=True)
class Slot:
    """A group as the rules see it."""

    id: int
    sector: str
    capacity: int | None
    members: int


def balanced(people: Sequence[int], groups: Sequence[int], seed: int) -> dict[int, int]:
    """Deal people at random over groups, so sizes differ by one at most."""
    order = list(people)
    random.Random(seed).shuffle(order)
    return {person: groups[index % len(groups)] for index, person in enumerate(order)}


def sector_group(sector: str, slots: Sequence[Slot]) -> int:
    """The group for someone of this sector; no or unknown sector goes to "anders"."""
    wanted = sector if sector in {s.value for s in SECTOR_ORDER} else Sector.OTHER.value
    for slot in slots:
        if slot.sector == wanted:
            return slot.id
    return smallest(slots)


def smallest(slots: Sequence[Slot]) -> int:
    """The group with the fewest members (the first of equals)."""
    return min(slots, key=lambda slot: slot.members).id


def place(rule: str, sector: str, slots: Sequence[Slot]) -> int | None:
    """The group for someone joining while the groups are apart (None: they choose)."""
    if not slots or rule == SplitRule.CHOICE:
        return None
    if rule == SplitRule.SECTOR:
        return sector_group(sector, slots)
    return smallest(slots)


def split(rule: str, people: Mapping[int, str], slots: Sequence[Slot], seed: int) -> dict[int, int]:
    """Assign everyone present ({participant id: sector}) by the rule; choice assigns nobody."""
    if rule == SplitRule.CHOICE:
        return {}
    if rule == SplitRule.SECTOR:
        return {person: sector_group(sector, slots) for person, sector in people.items()}
    return balanced(sorted(people), [slot.id for slot in slots], seed)
