"""Unit tests for join codes: what a participant types to get into a session."""

import pytest

from brainstorm.sessions.codes import ALPHABET, generate_code, is_valid_code, normalise_code

LOOK_ALIKES = set("0O1IL")


def test_alphabet_has_no_look_alikes() -> None:
    assert not set(ALPHABET) & LOOK_ALIKES
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_generated_codes_are_six_unambiguous_characters() -> None:
    codes = [generate_code() for _ in range(1000)]

    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(ALPHABET), code
        assert not set(code) & LOOK_ALIKES, code
        assert is_valid_code(code)
        assert normalise_code(code) == code
    # Random, not a counter or a constant: codes differ and the whole alphabet is used
    # (a character missing from 6000 fair draws has probability ~1e-84).
    assert len(set(codes)) > 990
    assert set("".join(codes)) == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["ab34cd", "AB34CD", "ab3-4cd", "AB-34-CD", " ab 34 cd ", "ab\t34\ncd", "Ab3 - 4cD"],
)
def test_normalise_accepts_case_spaces_and_dashes(typed: str) -> None:
    assert normalise_code(typed) == "AB34CD"
    assert is_valid_code(normalise_code(typed))


def test_normalise_handles_nothing_typed() -> None:
    assert normalise_code("") == ""
    assert normalise_code(None) == ""
    assert not is_valid_code(normalise_code("  -  "))


@pytest.mark.parametrize(
    "code",
    [
        "",
        "AB34C",  # too short
        "AB34CDE",  # too long
        "AB34C0",  # zero
        "AB34CO",  # letter O
        "AB34C1",  # one
        "AB34CI",  # letter I
        "AB34CL",  # letter L
        "ab34cd",  # not normalised
        "AB 4CD",
        "AB-4CD",
        "AB34C?",
        "ΑB34CD",  # Greek capital alpha
    ],
)
def test_is_valid_rejects_codes_that_cannot_have_been_generated(code: str) -> None:
    assert not is_valid_code(code)
