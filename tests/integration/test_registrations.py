"""Registration rules: deadline (also around a DST change), places, waiting list, cancelling."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from brainstorm.events import registrations as reg
from brainstorm.events.models import ExtraQuestion, Registration
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.timeutil import local_to_utc, local_today

# Deadlines and the event's start decide whether registering is open.
pytestmark = pytest.mark.time_sensitive


@pytest.fixture
def event(make_user):
    day = local_today() + timedelta(days=30)
    event = create_event(make_user(), "Brainstormsessie RATO", day, time(9), time(11))
    event.published = True
    db.session.commit()
    return event


def person(n: int, **extra) -> reg.RegistrationData:
    return reg.RegistrationData(
        name=f"Persoon {n}", email=f"persoon{n}@school.nl", sector="vo", consent=True, **extra
    )


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_places_then_a_waiting_list_that_moves_up_in_order(event):
    event.capacity = 2
    db.session.commit()
    first, second = reg.register(event, person(1)), reg.register(event, person(2))
    third, fourth = reg.register(event, person(3)), reg.register(event, person(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        "registered",
        "registered",
        "waiting",
        "waiting",
    ]
    assert reg.cancel(second) is third and third.status == "registered"
    assert reg.cancel(fourth) is None  # a waiting person leaving frees no place
    assert reg.cancel(first) is None and reg.places_taken(event) == 1
    counts = reg.counts(event)
    assert counts["registered"] == 1 and counts["waiting"] == 0


def test_a_duplicate_email_is_refused_but_a_cancelled_one_may_come_back(event):
    first = reg.register(event, person(1))
    with pytest.raises(reg.InputError, match="al aangemeld"):
        reg.register(
            event, reg.RegistrationData(name="X", email="PERSOON1@school.nl", consent=True)
        )
    reg.cancel(first)
    again = reg.register(event, person(1, organisation="Hogeschool"))
    assert again.id == first.id and again.status == "registered" and stored() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (reg.RegistrationData(name="A", email="geen-adres", consent=True), "email"),
        (reg.RegistrationData(name="", email="a@b.nl", consent=True), "name"),
        (reg.RegistrationData(name="A", email="a@b.nl", consent=False), "consent"),
        (reg.RegistrationData(name="A", email="a@b.nl", consent=True, sector="hbo"), "sector"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(event, data, field):
    with pytest.raises(reg.RegistrationInvalid) as caught:
        reg.register(event, data)
    assert field in caught.value.errors and stored() == 0


def test_required_extra_questions_and_choices(event):
    question = ExtraQuestion(event=event, label="Dieetwensen?", required=True)
    choice = ExtraQuestion(event=event, label="Workshop", options=["A", "B"], position=1)
    db.session.add_all([question, choice])
    db.session.commit()
    with pytest.raises(reg.RegistrationInvalid) as caught:
        reg.register(event, person(1, answers={choice.id: "C"}))
    assert set(caught.value.errors) == {f"q{question.id}", f"q{choice.id}"}
    ok = reg.register(event, person(1, answers={question.id: "geen", choice.id: "B"}))
    assert ok.answers == {str(question.id): "geen", str(choice.id): "B"}


def test_the_deadline_is_amsterdam_time_across_the_dst_change(event):
    # Clocks go back on 25 October 2026 at 03:00; the deadline is that day 12:00 wall-clock,
    # which is 11:00 UTC (winter time), not 10:00 UTC (summer time).
    event.registration_deadline = local_to_utc(date(2026, 10, 25), time(12))
    db.session.commit()
    assert event.registration_deadline.replace(tzinfo=None) == datetime(2026, 10, 25, 11, 0)
    just_before = datetime(2026, 10, 25, 10, 59, 59, tzinfo=event.registration_deadline.tzinfo)
    assert reg.register(event, person(1), now=just_before).status == "registered"
    with pytest.raises(reg.PhaseClosed, match="25-10-2026 12:00"):
        reg.register(event, person(2), now=just_before + timedelta(seconds=1))
    assert stored() == 1


def test_without_a_deadline_registration_closes_when_the_event_starts(event):
    assert reg.registration_open(event, event.starts_at - timedelta(seconds=1))
    assert not reg.registration_open(event, event.starts_at)


def test_filters_and_exports(event):
    reg.register(event, person(1, partnership="RATO Utrecht"))
    reg.register(
        event, reg.RegistrationData(name="Bea", email="bea@mbo.nl", sector="mbo", consent=True)
    )
    assert [r.name for r in reg.registrants(event, sector="mbo")] == ["Bea"]
    assert [r.name for r in reg.registrants(event, partnership="rato utrecht")] == ["Persoon 1"]
    assert [r.name for r in reg.registrants(event, search="MBO.NL")] == ["Bea"]
    assert reg.counts(event)["sector"] == {"vo": 1, "mbo": 1}
    assert any(row[:2] == ["Bea", "bea@mbo.nl"] for row in reg.export_rows(event))


def test_the_report_counts_registrants_per_sector_and_partnership_without_names(event):
    from brainstorm.reports.services import build_report
    from brainstorm.sessions import services as sessions

    reg.register(event, person(1, partnership="RATO Utrecht"))
    reg.register(event, person(2, partnership="RATO Utrecht"))
    report = build_report(sessions.create_session(event, "Sessie"))
    assert report.registered_by_sector == {"vo": 2}
    assert report.registered_by_partnership == {"RATO Utrecht": 2}
    assert "Persoon 1" not in repr(report)


def test_the_people_who_named_no_partnership_come_last_however_many_they_are(event):
    reg.register(event, person(1, partnership="RATO Utrecht"))
    reg.register(event, person(2))
    reg.register(event, person(3))

    partnerships = reg.counts(event)["partnership"]

    assert list(partnerships.items()) == [("RATO Utrecht", 1), ("onbekend", 2)]
