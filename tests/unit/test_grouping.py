"""The split rules for breakout groups, without a database."""

from collections import Counter

from brainstorm.breakouts.grouping import (
    Person,
    Slot,
    balanced,
    partnership_groups,
    place,
    split,
)


def slots(*members: int, sectors=("po", "vo", "mbo", "anders")) -> list[Slot]:
    return [Slot(i + 1, sectors[i % len(sectors)], None, n) for i, n in enumerate(members)]


def test_balanced_split_differs_by_at_most_one_and_is_repeatable():
    plan = balanced(range(23), [1, 2, 3], seed=7)
    sizes = Counter(plan.values())
    assert sorted(sizes.values()) == [7, 8, 8]
    assert plan == balanced(range(23), [1, 2, 3], seed=7)


def test_sector_rule_puts_unknown_sectors_with_anders():
    people = [Person(1, "po"), Person(2, "mbo"), Person(3, ""), Person(4, "hbo")]
    plan = split("sector", people, slots(0, 0, 0, 0), seed=1)
    assert plan == {1: 1, 2: 3, 3: 4, 4: 4}


def test_late_joiners_go_to_the_smallest_group_or_their_sector_or_choose():
    assert place("random", Person(1), slots(3, 1, 2)) == 2
    assert place("sector", Person(1, "vo"), slots(5, 9, 1, 0)) == 2
    assert place("choice", Person(1, "po"), slots(0, 0)) is None
    assert place("random", Person(1), []) is None


def test_choice_rule_assigns_nobody():
    assert split("choice", [Person(1, "po")], slots(0, 0), seed=1) == {}


def test_partnerships_stay_whole_and_are_packed_largest_first():
    typed = ["Utrecht"] * 5 + ["rato  utrecht"] + ["Noord"] * 3 + ["Oost"] * 2 + ["Zuid"] * 2
    # One group each, largest first; equal sizes in alphabetical order.
    assert partnership_groups(typed, None) == [
        ["Utrecht"],
        ["Noord"],
        ["Oost"],
        ["Zuid"],
        ["rato utrecht"],
    ]
    # Spacing and case do not split a partnership; its first spelling names it. Sizes: 5 + 2
    # (Utrecht, rato utrecht) against 3 + 2 + 2 (Noord, Oost, Zuid).
    assert partnership_groups([*typed, "RATO Utrecht"], 2) == [
        ["Utrecht", "rato utrecht"],
        ["Noord", "Oost", "Zuid"],
    ]
    assert partnership_groups(["Noord", "", "  "], 5) == [["Noord"]]


def test_partnership_rule_keeps_people_together_and_fills_up_with_the_unknown():
    groups = [
        Slot(1, "", None, 0, frozenset({"noord"})),
        Slot(2, "", None, 0, frozenset({"zuid", "oost"})),
    ]
    people = [
        Person(1, partnership="Noord"),
        Person(2, partnership="noord"),
        Person(3, partnership="Noord"),
        Person(4, partnership="Zuid"),
        Person(5, partnership="Oost"),
        Person(6),
        Person(7, partnership="West"),  # not in any group: counts as unknown
    ]
    plan = split("partnership", people, groups, seed=3)
    assert [plan[n] for n in (1, 2, 3, 4, 5)] == [1, 1, 1, 2, 2]
    assert Counter(plan.values()) == {1: 4, 2: 3}  # 3 + 1 unknown, 2 + 1 unknown
    assert place("partnership", Person(8, partnership=" OOST "), groups) == 2
    assert place("partnership", Person(9), groups) == 1  # the smallest
