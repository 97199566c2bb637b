"""Fuzzing: whatever a socket or a browser sends, the answer is a clear refusal, never a crash.

Every Socket.IO command gets, in every key its handler reads, values a client can send but
should not: integers past 64 bits, NaN and infinity, NUL, lone surrogates (JSON may carry
\\ud800), right-to-left marks, emoji, 100 000 characters, digits int() refuses, nesting. First
as a sweep (each key in turn, the others sensible, so the checks behind the first are
reached), then at random with Hypothesis, from a participant and from the facilitator. Every
POST form gets the same treatment (fields missing, extra, repeated, huge), as a user who may
send it, and every page odd URL parts and query strings. The answer must be an ack
{ok: true, ...} or {ok: false, code, error} with a known code and words, or a page below 500
(4xx with a message); and a refused call must not have written anything. A value of another
JSON type than its key takes (an object, a list or a number where text belongs, an id that is
a bool, names that are objects) must be refused at the door as invalid input, in words.

On both databases (PostgreSQL refuses NUL in text where SQLite stores it, SQLite refuses
integers past 64 bits where PostgreSQL compares them), but the two sweeps on SQLite only. Each
test works on one world, so calls run back to back: about 40 s on SQLite, 20 s on PostgreSQL.
The Hypothesis examples are the same every run (derandomized); for a deeper search set
FUZZ_EXAMPLES (e.g. FUZZ_EXAMPLES=2000): that many random examples per test.
"""

import functools
import os
import types
import typing
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import UnicodeConverter
from wtforms import BooleanField, DateField, EmailField, IntegerField, TimeField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField

from brainstorm.accounts.forms import LoginForm, NewPasswordForm, ResetRequestForm
from brainstorm.breakouts import services as breakouts
from brainstorm.breakouts.models import BreakoutGroup, SplitRule
from brainstorm.events.forms import (
    DuplicateEventForm,
    EventForm,
    EventPageForm,
    RegistrationForm,
    SessionForm,
    TeamForm,
)
from brainstorm.extensions import db, socketio
from brainstorm.polls.forms import CopyPollForm, ImportForm, PollForm, QuestionForm
from brainstorm.polls.models import Poll
from brainstorm.reports.forms import ReportSettingsForm
from brainstorm.sessions.forms import JoinForm, ResetForm
from brainstorm.sessions.models import Idea, Phase
from brainstorm.workspace.models import Audience, Cluster
from tests.integration.world import (
    ANONYMOUS,
    FACILITATOR,
    PARTICIPANT,
    World,
    build_world,
    dump,
)

DEEP = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def fuzz(examples: int):
    """Bounded and repeatable by default; FUZZ_EXAMPLES=n searches at random instead."""
    return settings(
        max_examples=DEEP or examples,
        derandomize=not DEEP,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- values -------------------------------------------------------------------------------

# python-engineio refuses integers of more than 100 characters before any handler runs.
BIG = 10**99 - 1
DEEP_NEST = functools.reduce(lambda inner, _: [inner], range(40), "diep")  # past the door's 32
NASTY = [
    2**63,  # one past the largest SQLite integer
    -(2**63) - 1,
    2**64,
    BIG,
    float("nan"),
    float("inf"),
    0.5,
    -1,
    None,
    True,
    "",
    "\x00",
    "Werkdruk\x00 in het po",
    "\ud800",
    "tekst met een halve \udfff",
    "\u202eRTL-override\u202c en \u200f",
    "\ufeff\u200b\u2060",
    "👩‍👩‍👧‍👦🇳🇱",
    "Z̤͔ͧ̑̓ä͖̭̈̇lgo",
    "x" * 100_000,
    "9" * 5_000,  # more digits than int() takes
    "²",  # isdigit(), but int() refuses it
    "--5",
    " 7 ",
    "١٢",  # Arabic-Indic digits: int() takes them
    "NaN",
    "group:999999",
    "group:x",
    "%s%(n)d{0}",
    [],
    {},
    [{}],
    {"a": [None, {"b": "\ud800"}]},
    12,  # a number where text belongs
    {"a": 1},
    [{"a": 1}],  # names as objects
    ["Groep A", {"a": 1}],
    DEEP_NEST,
]
# One of each kind, for the sweeps (Hypothesis draws from all of NASTY).
SWEEP = [
    2**63,
    BIG,
    float("nan"),
    0.5,
    None,
    True,
    "",
    "Werkdruk\x00 in het po",
    "tekst met een halve \udfff",
    "\u202eRTL\u200f 👩‍👩‍👧‍👦",
    "x" * 100_000,
    "9" * 5_000,
    "²",
    "--5",
    "group:x",
    {"a": [None, {"b": "\ud800"}]},
    12,
    [{"a": 1}],
    DEEP_NEST,
]


def _one_of_list(values: list) -> st.SearchStrategy:
    # By index: a strategy's repr holding a 100 000-character string makes Hypothesis warn.
    return st.sampled_from(range(len(values))).map(values.__getitem__)


nasty = _one_of_list(NASTY)
text = st.one_of(
    _one_of_list([v for v in NASTY if isinstance(v, str)]), st.text(st.characters(), max_size=30)
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-BIG, BIG), st.floats(), text, nasty)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=8,
)


def meaningful(world: World) -> dict[str, list]:
    """Values that pass the first checks of a command, per payload key, as the world is now."""
    bs = world.bs
    ideas = (
        list(
            db.session.scalars(
                select(Idea.id).filter_by(session_id=bs.id, withdrawn_at=None, merged_into_id=None)
            )
        )
        or world.idea_ids
    )
    clusters = list(db.session.scalars(select(Cluster.id).filter_by(session_id=bs.id)))
    clusters = clusters or world.cluster_ids
    groups = list(
        db.session.scalars(select(BreakoutGroup.id).filter_by(session_id=bs.id, active=True))
    )
    return {
        "idea_id": ideas,
        "keep_id": ideas,
        "merge_id": ideas[::-1],
        "cluster_id": clusters,
        "into_id": clusters[::-1],
        "cluster_ids": [clusters, clusters[::-1]],
        "group_id": [*groups, None],
        "participant_id": [world.participant_id, world.other_participant_id],
        "user_id": [world.facilitator_id, world.staff_id],
        "question_id": [world.live_question_id, world.question_id],
        "agenda_item_id": [item.id for item in bs.event.agenda],
        "phase": [p.value for p in Phase],
        "rule": [r.value for r in SplitRule],
        "action": ["start", "pause", "resume", "extend", "stop"],
        "direction": ["down", "up"],
        "state": ["open", "closed", "draft"],
        "scope": [*(f"group:{g}" for g in groups), "plenary"],
        "audiences": [[a.value for a in Audience]],
        "client_id": [str(uuid4())],
        "seconds": [60, 7200, -60],
        "count": [2, 3],
        "capacity": [5, 1],
        "names": [["Groep A", "Groep B"]],
        "value": [3, [0], "Een open antwoord"],
        "k": [2, "auto"],
        "idea_limit": [5],
        "vote_budget": [5],
        **{flag: [True, False] for flag in ("pinned", "locked", "hidden", "vote_stacking")},
        "premoderation": [True, False],
        **{
            name: ["Werkdruk van schoolopleiders", "Stage"]
            for name in ("text", "title", "summary", "question", "recommendation")
        },
    }


# --- Socket.IO ----------------------------------------------------------------------------

REFUSALS = {"invalid_input", "not_allowed", "not_found", "phase_closed", "limit_reached"}


def commands() -> list[str]:
    return sorted(set(socketio.server.handlers["/"]) - {"connect", "disconnect"})


def allowed(name: str, rule: str) -> bool:
    return rule in socketio.server.handlers["/"][name].allowed


def payload_keys(name: str) -> list[str]:
    """The keys of a command's declared payload, so a new command is fuzzed too."""
    return sorted(socketio.server.handlers["/"][name].payload.model_fields)


def counts() -> tuple:
    """How many rows each table has: one query, for checks after thousands of calls."""
    tables = db.metadata.sorted_tables
    return db.session.execute(
        select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    ).one()


def check_ack(name: str, payload: object, ack: object) -> None:
    """An ack: ok, or a refusal with a known code and a message."""
    where = f"{name}({payload!r:.200})"
    assert isinstance(ack, dict) and ack.get("ok") in (True, False), f"{where}: ack {ack!r}"
    if ack["ok"] is False:
        assert ack.get("code") in REFUSALS, f"{where}: {ack}"
        assert isinstance(ack.get("error"), str) and ack["error"].strip(), f"{where}: {ack}"


def send(sock, name: str, *args: object, whole: bool = False) -> dict:
    """Send one command; a refusal must leave the database as it was (every row when
    `whole`, else the number of rows in every table)."""
    fingerprint = dump if whole else counts
    before = fingerprint()
    ack = sock.emit(name, *args, callback=True)
    check_ack(name, args, ack)
    if ack["ok"] is False:
        assert fingerprint() == before, f"{name}{args!r:.200} was refused, but wrote something"
    assert sock.is_connected()
    return ack


@pytest.fixture
def world(app) -> World:
    return build_world(app)


def _apart(world: World) -> None:
    """Breakout groups by choice; the participant is in the first and hosts it."""
    first, _second = breakouts.split_into_groups(world.bs, world.facilitator, "choice", 2)
    breakouts.choose_group(world.bs, world.participant, first.id)
    breakouts.set_group_host(world.bs, world.facilitator, first.id, world.participant_id)


def _set_phase(world: World, phase: Phase) -> None:
    world.bs.phase = phase
    for group in db.session.scalars(select(BreakoutGroup)):
        group.phase = phase
    db.session.commit()


GROUP_KEYS = {"group_id", "participant_id", "user_id", "scope"}


# The sweeps (thousands of calls) run on SQLite only; what PostgreSQL adds (NUL) is refused
# whatever the field, which the random tests and the URLs check on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
@pytest.mark.parametrize("apart", [False, True], ids=["plenary", "groups"])
def test_every_payload_key_refuses_nasty_values(world, apart):
    """Each key of each command in turn gets each nasty value (bare and inside a list)."""
    if apart:
        _apart(world)
    sockets = {
        "participant": world.socket(PARTICIPANT),
        "facilitator_of_event": world.socket(FACILITATOR),
    }
    try:
        for name in commands():
            keys = payload_keys(name)
            if apart and not GROUP_KEYS & set(keys):
                continue  # the groups add nothing new for this command
            who = [rule for rule in ("participant", "facilitator_of_event") if allowed(name, rule)]
            for rule in who:
                phases = [Phase.INPUT, Phase.VOTING] if rule == "participant" else [Phase.INPUT]
                for phase in phases:
                    _set_phase(world, phase)
                    for key in keys or ["extra"]:
                        sensible = {k: v[0] for k, v in meaningful(world).items()}
                        values = list(SWEEP)
                        if isinstance(sensible.get(key), list):  # and inside the list
                            values += [[v] for v in SWEEP]
                        for value in values:
                            payload = {k: sensible.get(k) for k in keys} | {key: value}
                            send(sockets[rule], name, payload)
    finally:
        for sock in sockets.values():
            sock.disconnect()


def test_every_command_copes_with_no_payload_or_too_many(world):
    """No argument, None, two arguments, a bare string or list: a refusal or a harmless ok."""
    sockets = {"participant": world.socket(PARTICIPANT), "facilitator": world.socket(FACILITATOR)}
    try:
        for name in commands():
            for rule, sock in sockets.items():
                if not allowed(name, rule) and rule == "participant":
                    continue
                for args in ((), (None,), ({}, {"extra": 1}), ("tekst",), ([1, 2],), (BIG,)):
                    send(sock, name, *args)
    finally:
        for sock in sockets.values():
            sock.disconnect()


class Sensible(int):
    """Drawn in place of a sensible value: the n-th of its key, looked up when sent. What
    exists changes as the world does; what Hypothesis draws must not depend on it."""


@functools.cache
def payloads(name: str) -> st.SearchStrategy:
    value = st.one_of(st.integers(0, 5).map(Sensible), nasty, json_values)
    shaped = st.tuples(
        st.fixed_dictionaries({}, optional=dict.fromkeys(payload_keys(name), value)),
        st.dictionaries(text, json_values, max_size=2),  # extra keys
    ).map(lambda parts: {**parts[1], **parts[0]})
    return st.one_of(shaped, shaped, shaped, json_values)


def resolve(world: World, payload: object) -> object:
    """The payload with each Sensible replaced by a value that makes sense now."""
    if not isinstance(payload, dict):
        return payload
    known = meaningful(world)

    def pick(key: str, n: object) -> object:
        if type(n) is not Sensible:
            return n
        values = known.get(key) or [None]
        return values[n % len(values)]

    return {key: pick(key, value) for key, value in payload.items()}


@pytest.mark.parametrize("apart", [False, True], ids=["plenary", "groups"])
def test_participant_commands_at_random(world, apart):
    if apart:
        _apart(world)
    sock = world.socket(PARTICIPANT)
    names = [name for name in commands() if allowed(name, "participant")]

    @fuzz(examples=40)
    @given(data=st.data(), phase=st.sampled_from([Phase.INPUT, Phase.VOTING, Phase.REVIEW]))
    def run(data, phase):
        _set_phase(world, phase)
        name = data.draw(st.sampled_from(names), label="command")
        payload = resolve(world, data.draw(payloads(name), label="payload"))
        send(sock, name, payload, whole=True)

    try:
        run()
    finally:
        sock.disconnect()


def test_facilitator_commands_at_random(world):
    sock = world.socket(FACILITATOR)
    names = [name for name in commands() if allowed(name, "facilitator_of_event")]

    @fuzz(examples=120)
    @given(data=st.data())
    def run(data):
        name = data.draw(st.sampled_from(names), label="command")
        payload = resolve(world, data.draw(payloads(name), label="payload"))
        send(sock, name, payload, whole=True)

    try:
        run()
    finally:
        sock.disconnect()


# --- wrong types --------------------------------------------------------------------------


def key_type(name: str, key: str) -> type | None:
    """The one JSON type a payload key takes (None where it takes several, as an answer)."""
    kinds: set[type] = set()

    def walk(hint: object) -> None:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            walk(typing.get_args(hint)[0])
        elif origin in (typing.Union, types.UnionType):
            for member in typing.get_args(hint):
                walk(member)
        elif origin is typing.Literal:
            kinds.add(str)
        elif hint is not type(None):
            kinds.add(origin or hint)

    walk(socketio.server.handlers["/"][name].payload.model_fields[key].annotation)
    return kinds.pop() if len(kinds) == 1 else None


# Besides its type and null, a key may take these too ("auto": the engine chooses k).
ALSO_TAKEN = {"k": ("auto", "")}


def is_wrong(kind: type, key: str, value: object) -> bool:
    """Whether a value is of another JSON type than the key takes (a bool is no int)."""
    if value is None or (isinstance(value, str) and value in ALSO_TAKEN.get(key, ())):
        return False
    return type(value) is not kind if kind in (int, bool) else not isinstance(value, kind)


WRONG = [{"a": 1}, [{"a": 1}], ["tekst"], [1], "tekst", "12", 12, 1.5, True, DEEP_NEST]


def typed_keys() -> list[tuple[str, str, type]]:
    """Every (command, key, type) where the key takes one JSON type."""
    return [
        (name, key, kind)
        for name in commands()
        for key in payload_keys(name)
        if (kind := key_type(name, key)) is not None
    ]


def sender(name: str) -> str:
    return PARTICIPANT if allowed(name, "participant") else FACILITATOR


def refused_at_the_door(sock, name: str, payload: dict, *, whole: bool = False) -> None:
    ack = send(sock, name, payload, whole=whole)
    assert ack["ok"] is False and ack["code"] == "invalid_input", f"{name}({payload!r:.200}): {ack}"


@SQLITE_ONLY
def test_every_key_refuses_values_of_another_type(world):
    """Each key that takes one type gets each value of another type, the others sensible."""
    sockets = {actor: world.socket(actor) for actor in (PARTICIPANT, FACILITATOR)}
    try:
        for name, key, kind in typed_keys():
            sensible = {k: v[0] for k, v in meaningful(world).items()}
            for value in (v for v in WRONG if is_wrong(kind, key, v)):
                payload = {k: sensible.get(k) for k in payload_keys(name)} | {key: value}
                refused_at_the_door(sockets[sender(name)], name, payload)
    finally:
        for sock in sockets.values():
            sock.disconnect()


def test_values_of_another_type_at_random(world):
    sockets = {actor: world.socket(actor) for actor in (PARTICIPANT, FACILITATOR)}
    keys = typed_keys()

    @fuzz(examples=80)
    @given(data=st.data())
    def run(data):
        name, key, kind = data.draw(st.sampled_from(keys), label="key")
        wrong = json_values.filter(lambda value: is_wrong(kind, key, value))
        value = data.draw(wrong, label="value")
        others = st.fixed_dictionaries(
            {}, optional=dict.fromkeys(payload_keys(name), st.integers(0, 5).map(Sensible))
        )
        payload = resolve(world, data.draw(others, label="others")) | {key: value}
        refused_at_the_door(sockets[sender(name)], name, payload, whole=True)

    try:
        run()
    finally:
        for sock in sockets.values():
            sock.disconnect()


# --- forms --------------------------------------------------------------------------------

# Every POST endpoint: who sends it (one who may; see ROUTES in test_authorization_matrix.py)
# and the fields it reads (form classes and names).
FORMS: dict[str, tuple[str, list]] = {
    "accounts.login": (ANONYMOUS, [LoginForm]),
    "accounts.forgot_password": (ANONYMOUS, [ResetRequestForm]),
    "accounts.reset_password": (ANONYMOUS, [NewPasswordForm]),
    "accounts.logout": (FACILITATOR, []),
    "accounts.set_language": (ANONYMOUS, ["next"]),
    "sessions.join": (ANONYMOUS, [JoinForm]),
    "sessions.reset": (FACILITATOR, [ResetForm]),
    "sessions.close": (FACILITATOR, []),
    "sessions.archive": (FACILITATOR, []),
    "sessions.duplicate": (FACILITATOR, []),
    "sessions.import_archive": (FACILITATOR, ["archive"]),
    "events.create": (FACILITATOR, [EventForm]),
    "events.edit": (FACILITATOR, [EventPageForm]),
    "events.page": (ANONYMOUS, [RegistrationForm, "questions"]),  # q<id> per extra question
    "events.cancel_registration": (ANONYMOUS, ["forget"]),
    "events.duplicate": (FACILITATOR, [DuplicateEventForm]),
    "events.send_invitations": (FACILITATOR, []),
    "events.forget_personal_data": (FACILITATOR, ["confirm"]),
    "events.attendance": (FACILITATOR, ["attended"]),
    "events.create_session": (FACILITATOR, [SessionForm]),
    "events.team": (FACILITATOR, [TeamForm]),
    "events.remove_member": (FACILITATOR, []),
    "polls.index": (FACILITATOR, [PollForm]),
    "polls.copy": (FACILITATOR, [CopyPollForm]),
    "polls.edit": (FACILITATOR, [QuestionForm]),
    "polls.settings": (FACILITATOR, [PollForm]),
    "polls.edit_question": (FACILITATOR, [QuestionForm]),
    "polls.question_action": (FACILITATOR, []),
    "polls.import_answers": (FACILITATOR, [ImportForm]),
    "polls.answer": (ANONYMOUS, ["answers"]),  # q<id> and q<id>_<i> per question
    "reports.settings": (FACILITATOR, [ReportSettingsForm, "polls"]),
    "outcomes.publish": (FACILITATOR, ["visibility", "action"]),
    "outcomes.send_feedback": (FACILITATOR, ["report"]),
    "outcomes.carry_forward": (FACILITATOR, ["source"]),
    "outcomes.synthesis_action": (
        FACILITATOR,
        ["action", "themes", "theme", "cluster", "title"],
    ),
}
# Run last, so they do not close or empty the world the others work on.
CLOSING = ("accounts.logout", "events.forget_personal_data", "sessions.reset", "sessions.archive")

FORM_NASTY = [
    "\x00",
    "Werkdruk\x00",
    "x" * 100_000,
    "9" * 400,  # past what a float holds
    "9" * 5_000,  # past what int() takes
    "²",
    "--5",
    "-1",
    "2027-02-30",
    "0001-01-01",
    "25:61",
    "//evil.example/x",
    "\u202egnirts\u200f 👩‍👩‍👧‍👦",
]
form_text = st.one_of(
    st.sampled_from(FORM_NASTY),
    # What a browser can send: any text but lone surrogates (UTF-8 cannot carry them).
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
form_values = st.one_of(form_text, st.lists(form_text, min_size=2, max_size=3))


def _sensible(field: UnboundField) -> str:
    """A value the field takes, from its type."""
    kind = field.field_class
    if issubclass(kind, DateField):
        return "2027-01-15"
    if issubclass(kind, TimeField):
        return "16:00"
    if issubclass(kind, IntegerField):
        return "5"
    if issubclass(kind, BooleanField):
        return "y"
    if issubclass(kind, EmailField):
        return "collega@example.org"
    if issubclass(kind, SelectFieldBase):
        choices = field.kwargs.get("choices") or []
        return str(choices[0].value) if choices else "1"
    return "Werkdruk in het po"


def form_fields(world: World, endpoint: str) -> dict[str, str]:
    """The endpoint's fields, each with a sensible value."""
    fields: dict[str, str] = {}
    for part in FORMS[endpoint][1]:
        if part == "answers":
            for question in db.session.get(Poll, world.poll_id).questions:
                fields[f"q{question.id}"] = "1"
                fields.update({f"q{question.id}_{i}": str(i + 1) for i in range(3)})
        elif part == "questions":
            fields |= {
                f"q{q.id}": q.options[0] if q.options else "Ja" for q in world.bs.event.questions
            }
        elif isinstance(part, str):
            fields[part] = "1"
        else:  # a form class: its fields, inherited ones too
            for base in reversed(part.__mro__):
                for name, field in vars(base).items():
                    if isinstance(field, UnboundField):
                        fields[name] = _sensible(field)
    return fields


def test_every_post_endpoint_is_fuzzed(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    missing = sorted(posts - set(FORMS))
    assert not missing, (
        f"add these POST endpoints to FORMS (who sends them, which fields): {missing}"
    )
    assert sorted(set(FORMS) - posts) == []


def _route_values(world: World, endpoint: str) -> dict[str, object]:
    """Real values for every URL part of an endpoint."""
    return world.url_values(endpoint) | {"action": "up", "fmt": "csv"}


def _url(world: World, endpoint: str) -> str:
    rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
    values = _route_values(world, endpoint)
    return rule.build({name: values[name] for name in rule.arguments})[1]


class Browsers:
    """The world's browsers, each logged in (or not) again before every request."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cookie = world.app.config["SESSION_COOKIE_NAME"]
        self.saved = {
            actor: c.value if (c := client.get_cookie(self.cookie)) else None
            for actor, client in world.clients.items()
        }

    def post(self, endpoint: str, body: MultiDict, *, whole: bool = False):
        """POST as the endpoint's user; a 4xx must leave the database as it was (every row
        when `whole`, else the number of rows in every table)."""
        fingerprint = dump if whole else counts
        actor = FORMS[endpoint][0]
        client = self.world.clients[actor]
        if self.saved[actor]:
            client.set_cookie(self.cookie, self.saved[actor])
        else:
            client.delete_cookie(self.cookie)
        before = fingerprint()
        response = client.post(_url(self.world, endpoint), data=body)
        status = response.status_code
        assert status in (200, 302, 303, 400, 404, 413, 422), f"{endpoint} {body}: {status}"
        if status >= 400:
            assert fingerprint() == before, f"{endpoint} answered {status}, but wrote something"
            assert "<h1" in response.get_data(as_text=True), f"{endpoint}: {status} without words"
        return response


def _ordered() -> list[str]:
    return sorted(FORMS, key=lambda endpoint: (endpoint in CLOSING, endpoint))


@SQLITE_ONLY
def test_every_form_field_refuses_nasty_values(world):
    """Each field of each form in turn gets each nasty value, the others sensible."""
    browsers = Browsers(world)
    for endpoint in _ordered():
        fields = form_fields(world, endpoint)
        for name in [*fields, "onbekend_veld"]:
            for value in FORM_NASTY:
                browsers.post(endpoint, MultiDict({**fields, name: value}))
        browsers.post(endpoint, MultiDict())  # every field missing


def test_forms_at_random(world):
    browsers = Browsers(world)
    endpoints = [e for e in _ordered() if e not in CLOSING]
    fields_of = {endpoint: form_fields(world, endpoint) for endpoint in endpoints}

    @fuzz(examples=120)
    @given(data=st.data())
    def run(data):
        endpoint = data.draw(st.sampled_from(endpoints), label="endpoint")
        fields = fields_of[endpoint]
        form = data.draw(
            st.fixed_dictionaries(
                {}, optional={name: st.just(v) | form_values for name, v in fields.items()}
            ),
            label="fields",
        )
        extra = data.draw(st.dictionaries(form_text, form_values, max_size=2), label="extra")
        body = MultiDict()
        for name, value in {**extra, **form}.items():
            body.setlist(name, value if isinstance(value, list) else [value])
        browsers.post(endpoint, body, whole=True)

    run()


# --- URLs ---------------------------------------------------------------------------------

QUERY_ARGS = ("next", "sector", "wanneer", "status", "partnership", "search", "aanmelding")
ODD = ("%00", "a%00b", "x" * 5_000, "%ED%A0%80", "%C0%AF", "..%2F..%2Fetc%2Fpasswd")


def test_odd_urls_and_query_strings_are_refused_cleanly(world):
    """Every page (GET) with NUL, huge or broken UTF-8 in each text part of its URL and in
    every query argument the app reads, as the facilitator: a page or a 4xx, never a crash."""
    facilitator = world.clients[FACILITATOR]
    for rule in world.app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        values = _route_values(world, rule.endpoint)
        real = {name: values[name] for name in rule.arguments}
        for odd in ODD:
            urls = [rule.build(real)[1] + "?" + "&".join(f"{q}={odd}" for q in QUERY_ARGS)]
            urls[0] += f"&audience={odd}"
            for name, converter in rule._converters.items():
                if type(converter) is UnicodeConverter:  # <code>, <token>, <slug>, <fmt>
                    urls.append(rule.build({**real, name: "ODD"})[1].replace("ODD", odd))
            for url in urls:
                response = facilitator.get(url)
                assert response.status_code < 500, f"{url[:200]}: {response.status_code}"
