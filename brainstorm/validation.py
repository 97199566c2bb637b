"""Checks every way in shares: the shape of socket payloads, and numbers in forms.

A socket command declares its payload as a `Payload` model beside its handler
(`@allow(..., payload=Model)`); the door validates it before the handler runs and turns the
first problem into one Dutch sentence that names the field in words. The models check the
shape (types, lengths, ranges, choices); the services keep the rules of the domain.
"""

import re
from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from wtforms.validators import StopValidation

from brainstorm.errors import InputError

INT_MAX = 2**63 - 1  # the largest integer SQLite stores; no id, count or time comes near it
# For texts whose limit is a setting (IDEA_MAX_LENGTH) or that the service shortens itself (group
# names): the door refuses only what no setting allows; the service words the real limit.
TEXT_WALL = 10_000


# --- forms --------------------------------------------------------------------------------


def not_huge(_form, field) -> None:
    """Before NumberRange, which crashes on a number of hundreds of digits (math.isnan)."""
    if field.data is not None and abs(field.data) > 10**9:
        raise StopValidation(_l("Dit getal is te groot."))


# --- socket payloads ----------------------------------------------------------------------


class Payload(BaseModel):
    """A socket command's payload, checked at the door."""

    # strict: a title is a str and an id an int (never a bool, a float or "12"): JSON has the
    # types, so a value of another type is a broken or hand-made client, never a person.
    # forbid: several commands give a missing key a meaning (no cluster_id: set the idea
    # aside; no group_id: every group), so a misspelt key must be refused, not dropped.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Nothing(Payload):
    """The payload of a command that needs nothing but who sends it."""


Id = Annotated[int, Field(ge=1, le=INT_MAX)]


def text_up_to(max_length: int) -> type[str]:
    """A str of at most max_length characters."""
    return Annotated[str, Field(max_length=max_length)]


def whole(low: int, high: int) -> type[int]:
    """An int from low to high."""
    return Annotated[int, Field(ge=low, le=high)]


def one_of(values: Iterable[str] | type[Enum]) -> type[str]:
    """One of a fixed set of strings (an Enum's values)."""
    return Literal[tuple(getattr(value, "value", value) for value in values)]


# The words for each payload key (and, under "key[]", for one item of a list), shared by every
# command that uses the key.
LABELS = {
    "idea_id": _l("het nummer van het vraagstuk"),
    "keep_id": _l("het nummer van het vraagstuk dat blijft"),
    "merge_id": _l("het nummer van het vraagstuk dat erin opgaat"),
    "cluster_id": _l("het nummer van het cluster"),
    "into_id": _l("het nummer van het cluster waarin het opgaat"),
    "cluster_ids": _l("de volgorde van de clusters"),
    "cluster_ids[]": _l("een clusternummer"),
    "group_id": _l("het nummer van de groep"),
    "participant_id": _l("het nummer van de deelnemer"),
    "user_id": _l("het nummer van de facilitator"),
    "question_id": _l("het nummer van de vraag"),
    "agenda_item_id": _l("het nummer van het programma-onderdeel"),
    "last_seq": _l("het laatste volgnummer dat je scherm kreeg"),
    "client_id": _l("de client_id"),
    "text": _l("de tekst"),
    "title": _l("de titel"),
    "summary": _l("de samenvatting"),
    "question": _l("de onderliggende vraag"),
    "recommendation": _l("de aanbeveling"),
    "audiences": _l("de lijst met doelgroepen"),
    "audiences[]": _l("een doelgroep"),
    "names": _l("de lijst met groepsnamen"),
    "names[]": _l("een groepsnaam"),
    "value": _l("het antwoord"),
    "value[]": _l("een keuze"),
    "phase": _l("de fase"),
    "rule": _l("de indeling"),
    "action": _l("de timeropdracht"),
    "direction": _l("de richting"),
    "state": _l("de stand van de vraag"),
    "scope": _l("het bord"),
    "seconds": _l("het aantal seconden"),
    "count": _l("het aantal groepen"),
    "capacity": _l("het maximum per groep"),
    "k": _l("het aantal clusters"),
    "idea_limit": _l("het maximum aantal vraagstukken per persoon"),
    "vote_budget": _l("het aantal stemmen per persoon"),
    "vote_stacking": _l("meer stemmen op één vraagstuk"),
    "premoderation": _l("vooraf modereren"),
    "hide_votes": _l("blind stemmen"),
    "shown": _l("tonen aan de zaal"),
    "pinned": _l("vastpinnen"),
    "locked": _l("vastzetten"),
    "hidden": _l("verbergen"),
}

# Errors that say "not this type" (in a union each member reports one).
_TYPE_ERRORS = frozenset(
    {"int_type", "string_type", "bool_type", "list_type", "literal_error", "none_required"}
)


def read_payload(model: type[Payload], data: dict) -> Payload:
    """The payload as the model declares it, or an InputError saying what is wrong in words."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError(_first_problem(error)) from None


def _first_problem(error: ValidationError) -> str:
    problems = error.errors(include_url=False)
    first = problems[0]
    key = str(first["loc"][0]) if first["loc"] else ""
    if first["type"] == "extra_forbidden":
        return _("Het bericht bevat een onbekend veld: %(name)s.", name=key)
    if len(first["loc"]) > 1 and isinstance(first["loc"][1], str):
        # A value that may take several shapes: what fits one shape but breaks its limit says
        # more than "none of the shapes".
        of_key = [p for p in problems if p["loc"][:1] == first["loc"][:1]]
        fitting = [p for p in of_key if p["type"] not in _TYPE_ERRORS]
        if not fitting:
            return _(
                "%(field)s heeft niet de goede vorm.", field=_label(key, item=False, lead=True)
            )
        first = fitting[0]
    item = any(isinstance(part, int) for part in first["loc"][1:])
    return _sentence(first["type"], key, item, first.get("ctx") or {})


def _label(key: str, *, item: bool, lead: bool) -> str:
    words = str(LABELS.get(f"{key}[]" if item else key) or LABELS.get(key) or key)
    return words[:1].upper() + words[1:] if lead else words


def _sentence(kind: str, key: str, item: bool, ctx: dict) -> str:
    """One sentence per kind of problem."""
    field = _label(key, item=item, lead=True)
    if kind == "missing":
        return _("%(field)s ontbreekt.", field=field)
    if kind == "string_type":
        return _("%(field)s moet tekst zijn.", field=field)
    if kind == "int_type":
        return _("%(field)s moet een geheel getal zijn.", field=field)
    if kind == "bool_type":
        return _("%(field)s moet aan of uit zijn.", field=field)
    if kind == "list_type":
        return _("%(field)s moet een lijst zijn.", field=field)
    if kind == "string_too_long":
        return _(
            "%(field)s is te lang: hoogstens %(max)d tekens.", field=field, max=ctx["max_length"]
        )
    if kind == "too_long":
        return _(
            "%(field)s is te lang: hoogstens %(max)d onderdelen.",
            field=field,
            max=ctx["max_length"],
        )
    if kind in ("too_short", "string_too_short"):
        return _("%(field)s mag niet leeg zijn.", field=field)
    if kind == "greater_than_equal":
        return _("%(field)s is te klein: minstens %(limit)d.", field=field, limit=ctx["ge"])
    if kind == "less_than_equal":
        return _("%(field)s is te groot: hoogstens %(limit)d.", field=field, limit=ctx["le"])
    if kind == "literal_error":
        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _(
            "Kies voor %(field)s uit: %(choices)s.",
            field=_label(key, item=item, lead=False),
            choices=choices,
        )
    return _("%(field)s klopt niet.", field=field)
