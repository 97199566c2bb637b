"""Who goes to which breakout group: the split rules, without the database."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from brainstorm.breakouts.models import SplitRule
from brainstorm.sessions.models import Sector

SECTOR_ORDER = (Sector.PO, Sector.VO, Sector.MBO, Sector.OTHER)


@dataclass(frozen=True)
class Slot:
    """A group as the rules see it."""

    id: int
    sector: str
    capacity: int | None
    members: int
    partnerships: frozenset[str] = field(default_factory=frozenset)


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


def partnership_key(partnership: str) -> str:
    """How partnerships are compared: "RATO  Utrecht" and "rato utrecht" are one."""
    return " ".join(partnership.split()).casefold()


def partnership_groups(partnerships: Iterable[str], count: int | None) -> list[list[str]]:
    """The partnerships (one per person, as typed) of each group to make.

    Every partnership stays whole; with `count` they are packed into that many groups, largest
    first into the emptiest, so sizes come out close. Without a count each partnership gets its
    own group. People without a partnership are left out: they fill the smallest groups later.
    Each group lists the partnerships as first typed, largest first.
    """
    spelled: dict[str, str] = {}
    sizes: Counter[str] = Counter()
    for partnership in partnerships:
        key = partnership_key(partnership)
        if key:
            spelled.setdefault(key, " ".join(partnership.split()))
            sizes[key] += 1
    ranked = sorted(sizes, key=lambda key: (-sizes[key], key))
    number = len(ranked) if count is None else min(count, len(ranked))
    groups: list[list[str]] = [[] for _ in range(number)]
    loads = [0] * number
    for key in ranked:
        emptiest = loads.index(min(loads))
        groups[emptiest].append(spelled[key])
        loads[emptiest] += sizes[key]
    return groups


def partnership_group(partnership: str, slots: Sequence[Slot]) -> int:
    """The group holding this partnership; someone without (or with a new) one: the smallest."""
    key = partnership_key(partnership)
    for slot in slots:
        if key and key in slot.partnerships:
            return slot.id
    return smallest(slots)


def smallest(slots: Sequence[Slot]) -> int:
    """The group with the fewest members (the first of equals)."""
    return min(slots, key=lambda slot: slot.members).id


@dataclass(frozen=True)
class Person:
    """Someone to place, as the rules see them."""

    id: int
    sector: str = ""
    partnership: str = ""


def place(rule: str, person: Person, slots: Sequence[Slot]) -> int | None:
    """The group for someone joining while the groups are apart (None: they choose)."""
    if not slots or rule == SplitRule.CHOICE:
        return None
    if rule == SplitRule.SECTOR:
        return sector_group(person.sector, slots)
    if rule == SplitRule.PARTNERSHIP:
        return partnership_group(person.partnership, slots)
    return smallest(slots)


def split(rule: str, people: Sequence[Person], slots: Sequence[Slot], seed: int) -> dict[int, int]:
    """Assign everyone present by the rule ({participant id: group id}); choice assigns nobody."""
    if rule == SplitRule.CHOICE:
        return {}
    if rule == SplitRule.SECTOR:
        return {person.id: sector_group(person.sector, slots) for person in people}
    if rule == SplitRule.PARTNERSHIP:
        owner = {key: slot.id for slot in slots for key in slot.partnerships}
        members = {slot.id: slot.members for slot in slots}
        known = [p for p in people if partnership_key(p.partnership) in owner]
        rest = [p for p in people if partnership_key(p.partnership) not in owner]
        random.Random(seed).shuffle(rest)
        plan: dict[int, int] = {}
        for person in [*known, *rest]:  # the rest top up the smallest groups
            group = owner.get(partnership_key(person.partnership))
            if group is None:
                group = min(members, key=members.__getitem__)
            plan[person.id] = group
            members[group] += 1
        return plan
    return balanced(sorted(p.id for p in people), [slot.id for slot in slots], seed)
