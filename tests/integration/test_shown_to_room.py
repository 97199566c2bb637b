"""What the room is shown: clusters stay the facilitator's draft until "Toon aan de zaal", and
with blind voting the counts stay with the facilitators until "Uitslag tonen".

Each test checks what presenter and phones receive, not only what they draw.
"""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from brainstorm.extensions import db
from brainstorm.sessions.models import Idea
from tests.helpers import received
from tests.integration.test_workspace import ALL, command, submit

ROOM_EVENTS = ("clusters_updated", "clustering_started", "cluster_votes", "vote_totals")


@pytest.fixture
def hall(make_user, make_session, join, facilitate, present):
    """18 ideas in three themes from two phones, the console and the projector."""
    facilitator = make_user()
    bs = make_session(facilitator)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    console = facilitate(bs, facilitator)
    screen = present(bs, facilitator)
    command(console, "update_settings", idea_limit=50)
    for text in ALL:
        assert submit(alice, text)["ok"]
    for sock in (alice, bob, console, screen):
        sock.get_received()
    return SimpleNamespace(
        bs=bs, console=console, screen=screen, alice=alice, bob=bob, room=(alice, bob, screen)
    )


def _events(sock) -> list[str]:
    return [e["name"] for e in sock.get_received()]


def test_draft_clusters_reach_no_phone_and_no_projector_until_shown(hall, reconnect):
    console = hall.console
    assert command(console, "run_clustering", k=3)["ok"]
    first = received(console, "clusters_updated")[-1]["clusters"][0]
    command(console, "rename_cluster", cluster_id=first["id"], title="Werkdruk")
    for sock in hall.room:
        assert not set(_events(sock)) & set(ROOM_EVENTS)
    again = reconnect(hall.bob, f"/s/{hall.bs.join_code}", None)
    (snapshot,) = received(again, "session_snapshot")
    assert snapshot["clusters"] == [] and snapshot["settings"]["themes_shown"] is False
    refused = command(again, "vote_cluster", cluster_id=first["id"])
    assert refused["ok"] is False and "nog niet getoond" in refused["error"]

    assert command(console, "show_themes", shown=True)["ok"]
    for sock in (hall.alice, hall.screen):
        events = sock.get_received()
        names = [e["name"] for e in events]
        # The settings first (the page knows the themes are shown), then the clusters.
        assert names.index("settings_changed") < names.index("clusters_updated")
        update = [e["args"][0] for e in events if e["name"] == "clusters_updated"][-1]
        assert update["clusters"][0]["label"] == "Werkdruk"
        assert len(update["clusters"]) == 3

    command(console, "rename_cluster", cluster_id=first["id"], title="Werkdruk op school")
    assert received(hall.alice, "clusters_updated")[-1]["clusters"][0]["title"] == (
        "Werkdruk op school"
    )  # once shown, changes follow live

    assert command(console, "show_themes", shown=False)["ok"]
    (settings,) = received(hall.screen, "settings_changed")
    assert settings["settings"]["themes_shown"] is False
    command(console, "rename_cluster", cluster_id=first["id"], title="Nog een concept")
    assert "clusters_updated" not in _events(hall.alice)
    log = received(console, "clusters_updated")[-1]["change"]
    assert log["action"] == "rename"  # the console goes on working on its draft


def test_an_unnamed_cluster_reads_as_a_theme_not_a_list_of_words(hall):
    command(hall.console, "run_clustering", k=3)
    for cluster in received(hall.console, "clusters_updated")[-1]["clusters"]:
        assert cluster["title"] == ""
        assert cluster["label"] == cluster["suggested_title"] != ""
        assert "," not in cluster["label"]
        assert cluster["suggested_titles"][0] == cluster["label"]


def test_blind_voting_keeps_counts_from_the_room_until_the_result(hall, join):
    console, alice, bob, screen = hall.console, hall.alice, hall.bob, hall.screen
    command(console, "run_clustering", k=3)
    command(console, "show_themes", shown=True)
    clusters = received(console, "clusters_updated")[-1]["clusters"]
    ideas = [i for c in clusters for i in c["idea_ids"]]
    command(console, "set_phase", phase="voting")
    for sock in (alice, bob, screen, console):
        sock.get_received()

    mine = command(alice, "vote", idea_id=ideas[0])
    assert mine["ok"] and mine["votes"] == {str(ideas[0]): 1}  # my own dots I always see
    command(bob, "vote", idea_id=ideas[0])
    theme = command(bob, "vote_cluster", cluster_id=clusters[1]["id"])
    assert theme["ok"] and theme["votes"] is None
    for sock in (alice, bob, screen):
        names = _events(sock)
        assert "votes_changed" not in names and "cluster_votes" not in names
    counts = {e["idea_id"]: e["votes"] for e in received(console, "votes_changed")}
    assert counts == {ideas[0]: 2}
    late = join(hall.bs, "Laat")
    (snapshot,) = received(late, "session_snapshot")
    assert {i["votes"] for i in snapshot["ideas"]} == {None}
    assert {c["votes"] for c in snapshot["clusters"]} == {None}

    assert command(console, "show_results", shown=True)["ok"]
    for sock in (alice, screen):
        events = sock.get_received()
        names = [e["name"] for e in events]
        assert names.index("settings_changed") < names.index("vote_totals")
        totals = next(e["args"][0] for e in events if e["name"] == "vote_totals")
        assert totals["ideas"] == {str(ideas[0]): 2}
        assert totals["clusters"] == {str(clusters[1]["id"]): 1}
    command(alice, "vote", idea_id=ideas[1])
    (change,) = received(bob, "votes_changed")  # after the result, counts follow live
    assert (change["idea_id"], change["votes"]) == (ideas[1], 1)

    # Another round of voting starts blind again.
    alice.get_received()
    command(console, "set_phase", phase="review")
    command(console, "set_phase", phase="voting")
    settings = received(screen, "settings_changed")[-1]["settings"]
    assert settings["results_shown"] is False
    command(bob, "vote", idea_id=ideas[1])
    assert "votes_changed" not in _events(alice)


def test_turning_blind_voting_off_mid_vote_hands_the_room_the_counts(hall):
    console = hall.console
    command(console, "set_phase", phase="voting")
    assert command(hall.alice, "vote", idea_id=_first_idea(hall))["ok"]
    hall.bob.get_received()
    command(console, "update_settings", hide_votes=False)
    (totals,) = received(hall.bob, "vote_totals")
    assert totals["ideas"] == {str(_first_idea(hall)): 1}
    command(hall.alice, "vote", idea_id=_first_idea(hall) + 1)
    assert [e["votes"] for e in received(hall.screen, "votes_changed")][-1] == 1


def _first_idea(hall) -> int:
    return db.session.scalar(select(Idea.id).filter_by(session_id=hall.bs.id).order_by(Idea.id))


def test_results_page_shows_the_ranking_once_the_result_is_shown(hall):
    console, alice = hall.console, hall.alice
    command(console, "run_clustering", k=3)
    command(console, "show_themes", shown=True)
    command(console, "set_phase", phase="voting")
    first = _first_idea(hall)
    command(alice, "vote", idea_id=first)
    command(hall.bob, "vote", idea_id=first)
    page = alice.http.get(f"/s/{hall.bs.join_code}/results").get_data(as_text=True)
    assert "Uitslag van de stemming" not in page and "2 stemmen" not in page
    assert "zodra de facilitator de uitslag laat zien" in page
    assert "Thema" in page

    command(console, "show_results", shown=True)
    page = alice.http.get(f"/s/{hall.bs.join_code}/results").get_data(as_text=True)
    assert "Uitslag van de stemming" in page
    ranking = page.split("Vraagstukken met de meeste stemmen", 1)[1]
    assert ALL[0] in ranking and "2 stemmen" in ranking
