"""The split rules for breakout groups, without a database."""

from collections import Counter

from brainstorm.sessions.grouping import Slot, balanced, place, split


def slots(*members: int, sectors=("po", "vo", "mbo", "anders")) -> list[Slot]:
    return [Slot(i + 1, sectors[i % len(sectors)], None, n) for i, n in enumerate(members)]


def test_balanced_split_differs_by_at_most_one_and_is_repeatable():
    plan = balanced(range(23), [1, 2, 3], seed=7)
    sizes = Counter(plan.values())
    assert sorted(sizes.values()) == [7, 8, 8]
    assert plan == balanced(range(23), [1, 2, 3], seed=7)


def test_sector_rule_puts_unknown_sectors_with_anders():
    plan = split("sector", {1: "po", 2: "mbo", 3: "", 4: "hbo"}, slots(0, 0, 0, 0), seed=1)
    assert plan == {1: 1, 2: 3, 3: 4, 4: 4}


def test_late_joiners_go_to_the_smallest_group_or_their_sector_or_choose():
    assert place("random", "", slots(3, 1, 2)) == 2
    assert place("sector", "vo", slots(5, 9, 1, 0)) == 2
    assert place("choice", "po", slots(0, 0)) is None
    assert place("random", "", []) is None


def test_choice_rule_assigns_nobody():
    assert split("choice", {1: "po"}, slots(0, 0), seed=1) == {}
