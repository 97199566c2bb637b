"""flask commands: create-user, seed-demo, cluster evaluate."""

import json
import secrets
import uuid
from datetime import time, timedelta
from pathlib import Path

import click
from flask import Flask, current_app

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import Role
from brainstorm.errors import DomainError
from brainstorm.events.services import create_event, set_questions
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.timeutil import local_today

DEMO_EMAIL = "demo@example.org"


def register_cli(app: Flask) -> None:
    """Attach the project's commands to the app."""
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(cluster_group)
    app.cli.add_command(send_invitations)
    app.cli.add_command(purge_personal_data)


@click.command("send-invitations")
def send_invitations() -> None:
    """For cron: invitations (and reminders) that are due, then everything waiting in the
    outbox; nobody gets the same mail twice."""
    from brainstorm.events import mails

    counts = mails.send_invitations()
    click.echo(
        f"Uitnodigingen: {counts['invited']}, herinneringen: {counts['reminded']}, "
        f"verstuurd: {counts['sent']}, mislukt: {counts['failed']}"
    )


@click.command("purge-personal-data")
def purge_personal_data() -> None:
    """Remove registrants' personal data of events that ended PURGE_DAYS ago (idempotent)."""
    from brainstorm.privacy.services import purge_personal_data as purge

    click.echo(f"Aanmeldingen geanonimiseerd: {purge()}")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.FACILITATOR.value)
@click.option("--name", default="", help="Naam zoals anderen die zien.")
@click.password_option(help="Wordt gevraagd als je het weglaat.")
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Make an account (the password is asked for and stored hashed)."""
    try:
        user = accounts.create_user(email, password, Role(role), name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Account gemaakt: {user.email} ({user.role})")


def _demo_password_file() -> Path:
    return Path(current_app.instance_path) / "demo-login.txt"


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill a realistic demo once: event, session, facilitator and 60 vraagstukken."""
    from brainstorm.demo_data import DEMO_EVENT, DEMO_IDEAS, DEMO_SESSION_TITLE

    if accounts.find_user(DEMO_EMAIL):
        saved = _demo_password_file()
        click.echo("De demo staat er al.")
        if saved.exists():
            click.echo(saved.read_text().strip())
        return
    password = secrets.token_urlsafe(9)
    user = accounts.create_user(DEMO_EMAIL, password, Role.FACILITATOR, "Demo Facilitator")
    hhmm = time.fromisoformat
    day = local_today() + timedelta(days=21)  # always ahead, so the agenda shows it
    event = create_event(
        user,
        DEMO_EVENT["title"],
        day,
        hhmm(DEMO_EVENT["start"]),
        hhmm(DEMO_EVENT["end"]),
        location=DEMO_EVENT["location"],
        description=DEMO_EVENT["description"],
        agenda=[(hhmm(s), hhmm(e), t) for s, e, t in DEMO_EVENT["agenda"]],
    )
    event.published, event.capacity = True, 300
    event.audience = "Programmaleiders van partnerschappen po, vo en mbo"
    event.sectors, event.costs = ["po", "vo", "mbo"], "Gratis"
    event.organisers = "Platform Samen Opleiden & Professionaliseren"
    set_questions(event, user, "* Aan welke deelsessie doe je mee? | Regio Noord; Regio Zuid")
    bs = sessions.create_session(event, DEMO_SESSION_TITLE)
    _demo_polls(event, bs, user)
    # About 25 people of the three sectors and a few partnerships, some sending several
    # vraagstukken, as in a real room (the outcome page filters and counts by them).
    partnerships = ("RATO Utrecht", "Opleiden in de Regio Noord", "Samen Opleiden Zuid")
    people = [
        sessions.join_session(bs, "", ("po", "vo", "mbo")[n % 3], partnerships[n % 4 % 3])
        for n in range(25)
    ]
    for index, text in enumerate(DEMO_IDEAS):
        board.submit_idea(bs, people[index % len(people)], text, str(uuid.uuid4()))
    login = f"Demo-login: {DEMO_EMAIL} / {password}   (sessiecode {bs.join_code})"
    _demo_password_file().parent.mkdir(parents=True, exist_ok=True)
    _demo_password_file().write_text(login + "\n")
    click.echo(f"Demo gevuld: {event.title}, {len(DEMO_IDEAS)} vraagstukken.")
    click.echo(login)


def _demo_polls(event, bs, user) -> None:
    """A pre-session poll with some answers, and a live poll ready to open in the session."""
    from brainstorm.polls import services as polls

    ask = polls.QuestionData
    before = polls.create_poll(event, user, "Peiling vooraf: RATO's en samen opleiden")
    sector = polls.add_question(
        before,
        user,
        ask(type="single", text="Uit welke sector kom je?", options=["po", "vo", "mbo"]),
    )
    known = polls.add_question(
        before,
        user,
        ask(
            type="scale",
            text="Hoe goed ben je op de hoogte van de RATO-plannen?",
            label_low="helemaal niet",
            label_high="heel goed",
        ),
    )
    open_question = polls.add_question(
        before, user, ask(type="open", text="Welk vraagstuk wil je in de brainstorm bespreken?")
    )
    answers = [
        "Wie betaalt de schoolopleider als de subsidie stopt?",
        "Hoe voorkomen we dubbele overlegtafels naast de RATO?",
        "Hoe borgen we de kwaliteit van de begeleiding van zij-instromers?",
    ]
    for n in range(24):
        polls.submit_response(
            before,
            f"visitor:demo-{n}",
            {sector.id: n % 3, known.id: 1 + n * 7 % 5, open_question.id: answers[n % 3]},
        )
    live = polls.create_poll(event, user, "Live in de sessie", "live", session=bs)
    polls.add_question(
        live,
        user,
        ask(
            type="multiple",
            text="Welke thema's spelen in jouw regio?",
            options=["Werkdruk begeleiders", "Bekostiging", "Zij-instroom", "Regionale afspraken"],
            max_choices=2,
        ),
    )
    polls.add_question(live, user, ask(type="words", text="Samen opleiden in één woord?"))


@click.group("cluster")
def cluster_group() -> None:
    """Clustering tools."""


@cluster_group.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--k", type=click.IntRange(min=1), help="Aantal clusters (standaard: automatisch).")
@click.option("--seed", type=int, default=0, show_default=True)
def cluster_evaluate(path: str, k: int | None, seed: int) -> None:
    """Print NMI, ARI and V-measure against gold labels, beside a plain TF-IDF baseline."""
    from brainstorm.clustering.evaluate import evaluate, load_jsonl

    try:
        texts, labels = load_jsonl(path)
        result = evaluate(texts, labels, k=k, seed=seed)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(result, ensure_ascii=False))
