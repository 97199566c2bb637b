"""The clustering workspace over real sockets: runs, corrections, re-runs, undo, votes, groups."""

from types import SimpleNamespace
from uuid import uuid4

import pytest
from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.realtime.models import SessionEvent
from brainstorm.sessions.models import Idea
from tests.helpers import received

THEMES = {
    "werkdruk": [
        "De werkdruk van schoolopleiders is te hoog",
        "Werkdruk bij werkplekbegeleiders neemt toe",
        "Hoe verlagen we de werkdruk van begeleiders op school",
        "Geen tijd voor begeleiding door hoge werkdruk",
        "Werkdruk van mentoren in het primair onderwijs",
        "Minder werkdruk voor opleiders in de school",
    ],
    "stage": [
        "Te weinig stageplekken voor studenten in het mbo",
        "Stageplekken verdelen over de scholen in de regio",
        "Stagevergoeding voor studenten op de pabo",
        "Hoe vinden studenten een goede stageplek",
        "Stageplaatsen in het vo zijn schaars",
        "Een stagebank voor alle studenten in de regio",
    ],
    "zij-instroom": [
        "Zij-instromers hebben een eigen begeleidingstraject nodig",
        "Financiering van zij-instroom trajecten",
        "Zij-instromers vallen snel uit zonder goede inductie",
        "Zij-instroom in het mbo vraagt maatwerk",
        "Bekostiging van zij-instromers loopt via de regeling",
        "Zij-instromers combineren werk en opleiding",
    ],
}
ALL = [text for texts in THEMES.values() for text in texts]


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


def submit(sock, text: str) -> dict:
    return command(sock, "submit_idea", text=text, client_id=str(uuid4()))


def last_update(sock) -> dict:
    updates = received(sock, "clusters_updated")
    assert updates, "no clusters_updated"
    return updates[-1]


def idea_id(text: str) -> int:
    return db.session.scalar(select(Idea.id).filter_by(text=text))


def cluster_of(update: dict, text: str) -> dict:
    wanted = idea_id(text)
    return next(c for c in update["clusters"] if wanted in c["idea_ids"])


@pytest.fixture
def room(make_user, make_session, join, facilitate):
    """A session with 18 ideas in three themes, a participant and the facilitator's console."""
    facilitator = make_user()
    bs = make_session(facilitator)
    participant = join(bs, "Deelnemer")
    console = facilitate(bs, facilitator)
    assert command(console, "update_settings", idea_limit=50, hide_votes=False)["ok"]
    assert command(console, "show_themes", shown=True)["ok"]  # the room follows every change
    for text in ALL:
        assert submit(participant, text)["ok"]
    participant.get_received()
    console.get_received()
    return SimpleNamespace(bs=bs, facilitator=facilitator, console=console, participant=participant)


def test_a_run_reaches_every_screen_with_themes_map_and_hints(room):
    facilitator, console, participant = room.facilitator, room.console, room.participant
    ack = command(console, "run_clustering", k=3)
    assert ack["ok"] and ack["k"] == 3
    update = last_update(participant)
    assert update["scope"] == "plenary" and update["change"]["action"] == "run"
    assert update["change"]["by"] == facilitator.display_name
    assert sorted(i for c in update["clusters"] for i in c["idea_ids"]) == sorted(
        idea_id(t) for t in ALL
    )
    assert len(update["coords"]) == len(ALL)
    for texts in THEMES.values():  # three clearly different themes come out as three clusters
        assert len({cluster_of(update, t)["id"] for t in texts}) == 1
    assert all(c["suggested_titles"] for c in update["clusters"])
    assert received(console, "clusters_updated")[-1]["can_undo"] is True
    event = db.session.scalars(select(SessionEvent).filter_by(name="clusters_updated")).first()
    assert event.actor == f"user:{facilitator.id}"  # the audit log says who


def test_hand_moves_locks_and_titles_survive_a_re_run(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    update = last_update(participant)
    stage = cluster_of(update, THEMES["stage"][0])
    werkdruk = cluster_of(update, THEMES["werkdruk"][0])
    zij = cluster_of(update, THEMES["zij-instroom"][0])
    moved, aside = THEMES["zij-instroom"][1], THEMES["zij-instroom"][2]

    assert command(console, "move_idea", idea_id=idea_id(moved), cluster_id=stage["id"])["ok"]
    assert command(console, "move_idea", idea_id=idea_id(aside), cluster_id=None)["ok"]
    assert command(console, "rename_cluster", cluster_id=werkdruk["id"], title="Werkdruk")["ok"]
    assert command(console, "rename_cluster", cluster_id=zij["id"], title="Zij-instroom")["ok"]
    assert command(console, "lock_cluster", cluster_id=stage["id"], locked=True)["ok"]
    update = last_update(participant)
    assert idea_id(moved) in cluster_of(update, moved)["manual_idea_ids"]
    assert update["unassigned"] == [idea_id(aside)]

    assert command(console, "run_clustering", k=3)["ok"]
    again = last_update(participant)
    by_id = {c["id"]: c for c in again["clusters"]}
    assert by_id[stage["id"]]["locked"] and sorted(by_id[stage["id"]]["idea_ids"]) == sorted(
        [*stage["idea_ids"], idea_id(moved)]
    )
    assert by_id[werkdruk["id"]]["title"] == "Werkdruk"  # identity kept where members stay
    assert by_id[zij["id"]]["title"] == "Zij-instroom"
    assert again["unassigned"] == [idea_id(aside)]
    assert not any(idea_id(aside) in c["idea_ids"] for c in again["clusters"])


def test_a_re_run_with_few_free_ideas_slots_them_in_again(room):
    """Ideas a run placed stay free for the next one; with fewer than four of them free
    they are slotted in, not inserted a second time (found by tests/integration/test_fuzzing)."""
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    update = last_update(participant)
    for theme in ("werkdruk", "stage"):
        cluster = cluster_of(update, THEMES[theme][0])
        assert command(console, "lock_cluster", cluster_id=cluster["id"], locked=True)["ok"]
    zij = THEMES["zij-instroom"]
    home = cluster_of(update, zij[0])["id"]
    for text in zij[:3]:  # placed by hand; the other three stay free
        assert command(console, "move_idea", idea_id=idea_id(text), cluster_id=home)["ok"]
    assert command(console, "run_clustering", k=3)["ok"]
    again = last_update(participant)
    assert sorted(cluster_of(again, zij[0])["idea_ids"]) == sorted(map(idea_id, zij))


def test_merge_split_create_reorder_delete_and_undo(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    first, second, third = last_update(participant)["clusters"]

    assert command(console, "merge_clusters", cluster_id=first["id"], into_id=second["id"])["ok"]
    merged = last_update(participant)
    assert [c["id"] for c in merged["clusters"]] == [second["id"], third["id"]]
    assert len(merged["clusters"][0]["idea_ids"]) == len(first["idea_ids"]) + len(
        second["idea_ids"]
    )
    assert command(console, "undo_workspace")["undone"] == "merge"
    restored = last_update(participant)
    assert [c["id"] for c in restored["clusters"]] == [first["id"], second["id"], third["id"]]
    assert restored["change"]["action"] == "undo"

    split = command(console, "split_cluster", cluster_id=third["id"], k=2)
    assert split["ok"] and split["cluster_ids"][0] == third["id"] and len(split["cluster_ids"]) == 2
    after_split = [c["id"] for c in last_update(participant)["clusters"]]
    assert after_split == [first["id"], second["id"], *split["cluster_ids"]]

    created = command(console, "create_cluster", title="Financiering")
    assert created["ok"]
    order = [created["id"], *reversed(after_split)]
    assert command(console, "reorder_clusters", cluster_ids=order)["ok"]
    assert [c["id"] for c in last_update(participant)["clusters"]] == order
    assert command(console, "move_cluster", cluster_id=created["id"], direction="down")["ok"]
    assert [c["id"] for c in last_update(participant)["clusters"]][:2] == order[1::-1]
    assert command(console, "delete_cluster", cluster_id=created["id"])["ok"]
    assert created["id"] not in [c["id"] for c in last_update(participant)["clusters"]]

    bad = command(console, "reorder_clusters", cluster_ids=after_split[:2])
    assert bad["code"] == "invalid_input" and "volgorde" in bad["error"]
    assert command(console, "create_cluster", title="  ")["code"] == "invalid_input"
    assert (
        command(console, "merge_clusters", cluster_id=first["id"], into_id=first["id"])["code"]
        == "invalid_input"
    )


def test_deepening_feeds_the_report_and_refuses_bad_input(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    target = last_update(participant)["clusters"][0]
    ok = command(
        console,
        "update_deepening",
        cluster_id=target["id"],
        summary="Samenvatting",
        question="Wie betaalt de begeleiding?",
        recommendation="Structurele bekostiging",
        audiences=["sectorraden", "ocw"],
    )
    assert ok["ok"]
    saved = last_update(participant)["clusters"][0]
    assert saved["question"] == "Wie betaalt de begeleiding?"
    assert saved["audiences"] == ["ocw", "sectorraden"]  # in the report's order
    wrong = command(console, "update_deepening", cluster_id=target["id"], audiences=["pers"])
    assert wrong["code"] == "invalid_input"
    huge = command(console, "update_deepening", cluster_id=target["id"], summary="x" * 5000)
    assert huge["code"] == "invalid_input"
    assert command(console, "update_deepening", cluster_id=999999)["code"] == "not_found"
    assert last_update(console)["clusters"][0]["summary"] == "Samenvatting"  # nothing half-written


def test_a_new_idea_is_slotted_into_the_nearest_cluster_live(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    stage = cluster_of(last_update(participant), THEMES["stage"][0])
    text = "Meer stageplekken voor studenten in de regio"
    assert submit(participant, text)["ok"]
    update = last_update(participant)
    assert update["change"]["action"] == "assign_new"
    home = cluster_of(update, text)
    assert home["id"] == stage["id"] and idea_id(text) in home["new_idea_ids"]
    assert cluster_of(last_update(console), text)["id"] == stage["id"]  # both screens
    command(console, "run_clustering", k=3)
    assert not any(c["new_idea_ids"] for c in last_update(participant)["clusters"])


def test_a_locked_cluster_still_receives_a_new_idea_that_belongs_there(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    stage = cluster_of(last_update(participant), THEMES["stage"][0])
    assert command(console, "lock_cluster", cluster_id=stage["id"], locked=True)["ok"]
    text = "Meer stageplekken voor studenten in de regio"
    assert submit(participant, text)["ok"]
    home = cluster_of(last_update(participant), text)
    assert home["id"] == stage["id"] and home["locked"]
    assert idea_id(text) in home["new_idea_ids"]  # marked "nieuw": the facilitator may move it


def test_a_merge_stays_together_and_the_number_of_themes_holds_on_a_re_run(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering")  # automatic k
    first = last_update(participant)["clusters"]
    update = last_update(console)
    werkdruk = cluster_of(update, THEMES["werkdruk"][0])
    stage = cluster_of(update, THEMES["stage"][0])
    assert werkdruk["id"] != stage["id"]
    command(console, "merge_clusters", cluster_id=stage["id"], into_id=werkdruk["id"])
    merged = set(cluster_of(last_update(participant), THEMES["werkdruk"][0])["idea_ids"])

    command(console, "run_clustering")  # automatic again: the merge is where it starts
    again = last_update(participant)
    home = cluster_of(again, THEMES["werkdruk"][0])
    assert merged <= set(home["idea_ids"])  # a must-link: what was merged stays together
    assert len(again["clusters"]) <= len(first)  # not more themes than before the merge

    command(console, "split_cluster", cluster_id=home["id"], k=2)
    command(console, "run_clustering", k=3)  # split: free again, the themes part once more
    final = last_update(participant)
    assert (
        cluster_of(final, THEMES["werkdruk"][0])["id"]
        != cluster_of(final, THEMES["stage"][0])["id"]
    )


def test_ideas_placed_by_hand_pull_similar_ones_on_a_re_run(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=2)  # too few: two themes share a cluster
    created = command(console, "create_cluster", title="Stageplekken")
    assert created["ok"]
    own = created["id"]
    for text in THEMES["stage"][:2]:
        assert command(console, "move_idea", idea_id=idea_id(text), cluster_id=own)["ok"]
    command(console, "run_clustering", k=3)
    home = {c["id"]: c for c in last_update(participant)["clusters"]}[own]
    stage = {idea_id(text) for text in THEMES["stage"]}
    assert home["title"] == "Stageplekken"
    assert len(stage & set(home["idea_ids"])) >= 5, home["idea_ids"]  # seeds pulled the rest


def test_hidden_input_keeps_new_ideas_out_of_the_clusters_until_revealed(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    command(console, "set_phase", phase="hidden_input")
    participant.get_received()
    text = "Werkdruk van begeleiders op kleine scholen"
    submit(participant, text)
    assert received(participant, "clusters_updated") == []
    command(console, "set_phase", phase="review")
    assert idea_id(text) in cluster_of(last_update(participant), text)["idea_ids"]


def test_participants_vote_on_clusters_within_their_budget(room, join):
    bs, console, participant = room.bs, room.console, room.participant
    command(console, "run_clustering", k=3)
    first, second, _third = last_update(participant)["clusters"]
    closed = command(participant, "vote_cluster", cluster_id=first["id"])
    assert closed["code"] == "phase_closed"
    command(console, "update_settings", vote_budget=2)
    command(console, "set_phase", phase="voting")
    ack = command(participant, "vote_cluster", cluster_id=first["id"])
    assert ack == {"ok": True, "votes": 1, "votes_left": 1}
    assert command(participant, "vote_cluster", cluster_id=first["id"])["code"] == "limit_reached"
    assert command(participant, "vote_cluster", cluster_id=second["id"])["votes_left"] == 0
    other = join(bs, "Ander")
    other.get_received()
    assert command(other, "vote_cluster", cluster_id=second["id"])["votes"] == 2
    assert [e["votes"] for e in received(participant, "cluster_votes")][-1] == 2
    assert command(participant, "unvote_cluster", cluster_id=second["id"])["votes_left"] == 1

    command(console, "order_clusters_by_votes")
    assert [c["id"] for c in last_update(participant)["clusters"]][:2] == [
        first["id"],
        second["id"],
    ]
    assert last_update(other)["clusters"][0]["votes"] == 1


def test_participants_may_send_no_workspace_command(room):
    console, participant = room.console, room.participant
    command(console, "run_clustering", k=3)
    cluster_id = last_update(participant)["clusters"][0]["id"]
    payloads = {
        "run_clustering": {},
        "move_idea": {"idea_id": idea_id(ALL[0]), "cluster_id": None},
        "rename_cluster": {"cluster_id": cluster_id, "title": "x"},
        "merge_clusters": {"cluster_id": cluster_id, "into_id": cluster_id},
        "split_cluster": {"cluster_id": cluster_id},
        "create_cluster": {"title": "x"},
        "lock_cluster": {"cluster_id": cluster_id, "locked": True},
        "reorder_clusters": {"cluster_ids": [cluster_id]},
        "move_cluster": {"cluster_id": cluster_id, "direction": "up"},
        "delete_cluster": {"cluster_id": cluster_id},
        "update_deepening": {"cluster_id": cluster_id, "summary": "x"},
        "order_clusters_by_votes": {},
        "undo_workspace": {},
    }
    for name, payload in payloads.items():
        ack = command(participant, name, **payload)
        assert ack["ok"] is False and ack["code"] == "not_allowed", name
    assert received(participant, "clusters_updated") == []


def test_groups_cluster_apart_and_come_back_as_one_plenary_set(
    make_user, make_session, join, facilitate, reconnect
):
    facilitator = make_user()
    bs = make_session(facilitator)
    north, south = join(bs, "Noord"), join(bs, "Zuid")
    console = facilitate(bs, facilitator)
    command(console, "update_settings", idea_limit=50)
    command(console, "show_themes", shown=True)
    console.get_received()
    a, b = command(console, "split_groups", rule="choice", count=2, names=["A", "B"])["groups"]
    command(north, "choose_group", group_id=a)
    command(south, "choose_group", group_id=b)
    north = reconnect(north, f"/s/{bs.join_code}", None)
    south = reconnect(south, f"/s/{bs.join_code}", None)
    for text in THEMES["werkdruk"] + THEMES["stage"]:
        submit(north, text)
    for text in THEMES["werkdruk"][:3] + THEMES["zij-instroom"]:
        submit(south, f"{text} (zuid)")
    north.get_received()
    south.get_received()

    assert command(console, "run_clustering", k=2)["ok"]  # every group on its own
    mine = last_update(north)
    assert mine["scope"] == f"group:{a}"
    assert all(u["scope"] == f"group:{b}" for u in received(south, "clusters_updated"))
    scopes = {u["scope"] for u in received(console, "clusters_updated")}
    assert scopes == {f"group:{a}", f"group:{b}"}

    command(console, "return_to_plenary")
    plenary = last_update(north)
    assert plenary["scope"] == "plenary" and plenary["change"]["action"] == "return"
    assert len(plenary["clusters"]) == 4
    assert {c["origin"]["name"] for c in plenary["clusters"]} == {"A", "B"}
    werkdruk_a = cluster_of(plenary, THEMES["werkdruk"][0])
    werkdruk_b = cluster_of(plenary, f"{THEMES['werkdruk'][0]} (zuid)")
    suggested = {tuple(sorted(pair[:2])) for pair in plenary["merge_suggestions"]}
    assert tuple(sorted([werkdruk_a["id"], werkdruk_b["id"]])) in suggested
    ack = command(console, "merge_clusters", cluster_id=werkdruk_b["id"], into_id=werkdruk_a["id"])
    assert ack["ok"] and len(last_update(north)["clusters"]) == 3


def test_a_snapshot_carries_the_workspace(room, reconnect, facilitate):
    bs, console, participant = room.bs, room.console, room.participant
    command(console, "run_clustering", k=3)
    command(
        console, "rename_cluster", cluster_id=last_update(console)["clusters"][0]["id"], title="T"
    )
    fresh = reconnect(participant, f"/s/{bs.join_code}", None)
    (snapshot,) = received(fresh, "session_snapshot")
    assert len(snapshot["clusters"]) == 3 and snapshot["clusters"][0]["title"] == "T"
    assert len(snapshot["workspace"]["scopes"]["plenary"]["coords"]) == len(ALL)
    assert "log" not in snapshot["workspace"]  # the change log is for facilitators
    assert snapshot["me"]["cluster_votes_left"] == bs.vote_budget
    (console_snapshot,) = received(facilitate(bs, room.facilitator), "session_snapshot")
    log = console_snapshot["workspace"]["log"]
    assert [change["action"] for change in log] == ["rename", "run", "show"]  # newest first
    assert log[0]["by"] == room.facilitator.display_name and log[0]["text"].endswith("→ T")
    assert console_snapshot["workspace"]["can_undo"] is True


def test_the_report_holds_the_deepening_for_its_audience(room, login, make_user):
    from brainstorm.accounts import services as accounts
    from brainstorm.accounts.models import TeamRole
    from brainstorm.polls import services as polls

    console, participant, bs = room.console, room.participant, room.bs
    command(console, "run_clustering", k=3)
    first, second, third = last_update(participant)["clusters"]
    command(console, "rename_cluster", cluster_id=first["id"], title="Voor OCW")
    command(
        console,
        "update_deepening",
        cluster_id=first["id"],
        recommendation="Structureel geld voor begeleiding",
        audiences=["ocw"],
    )
    command(console, "rename_cluster", cluster_id=second["id"], title="Voor de sectorraden")
    command(console, "update_deepening", cluster_id=second["id"], audiences=["sectorraden"])
    command(console, "rename_cluster", cluster_id=third["id"], title="Voor iedereen")
    poll = polls.create_poll(bs.event, room.facilitator, "Peiling vooraf")
    question = polls.add_question(
        poll, room.facilitator, polls.QuestionData(type="scale", text="Hoe urgent?")
    )
    polls.submit_response(poll, "visitor:1", {question.id: 4})
    staff = make_user()
    accounts.add_to_team(bs.event_id, staff, TeamRole.STAFF)
    db.session.commit()

    page = login(staff).get(f"/sessions/{bs.id}/report?audience=ocw").get_data(as_text=True)
    themes = page.split('class="report-themes"')[1].split('class="report-appendix"')[0]
    assert "Voor OCW" in themes and "Structureel geld voor begeleiding" in themes
    assert "Voor iedereen" in themes and "Voor de sectorraden" not in themes
    assert "Hoe urgent?" in page and "gemiddelde: 4" in page
    everything = login(staff).get(f"/sessions/{bs.id}/report").get_data(as_text=True)
    assert "Voor de sectorraden" in everything
