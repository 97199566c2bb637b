"""Join codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L)."""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6


def generate_code() -> str:
    """A random join code (31^6 ≈ 887 million possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str:
    """What the person meant: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def is_valid_code(code: str) -> bool:
    """Whether a normalised code could have been generated."""
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
