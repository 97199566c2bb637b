"""Countdowns across phase changes: a timer that ran out, or any timer in `closed`, goes."""

from brainstorm.sessions.models import Phase
from brainstorm.timeutil import utcnow


def outlived(clock, new_phase: Phase) -> bool:
    """Whether moving `clock` (a session or breakout group) to `new_phase` ends its countdown:
    time is up (running past its end, or paused at 0), or the session closes."""
    if clock.timer_ends_at is None and clock.timer_remaining is None:
        return False
    if new_phase == Phase.CLOSED:
        return True
    if clock.timer_ends_at is not None:
        return clock.timer_ends_at <= utcnow()
    return clock.timer_remaining <= 0


def clear(clock) -> None:
    """No countdown any more."""
    clock.timer_ends_at = clock.timer_remaining = None
