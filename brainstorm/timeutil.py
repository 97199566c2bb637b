"""Time: stored in UTC, shown and scheduled in Europe/Amsterdam."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in Amsterdam (at 23:30 UTC that is already tomorrow)."""
    return to_local(utcnow()).date()


def local_to_utc(day: date, wall_clock: time) -> datetime:
    """An Amsterdam wall-clock time on a day, as UTC (DST handled by zoneinfo)."""
    return datetime.combine(day, wall_clock, tzinfo=AMSTERDAM).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """A stored UTC moment as Amsterdam local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always hands back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)
