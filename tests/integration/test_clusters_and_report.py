"""From ideas to ordered, titled clusters on every screen, and into the DOCX report."""

import io
from uuid import uuid4

import docx

from brainstorm.accounts.models import Role
from tests.helpers import received

MONEY = [
    "Wie betaalt de werkplekbegeleider als de subsidie stopt?",
    "Bekostiging van de begeleiding moet structureel worden, niet per subsidieronde.",
    "Hoeveel geld krijgt het partnerschap straks uit de RAP-regeling?",
    "De financiering van schoolopleiders is onzeker na 2027.",
]
ZIJ = [
    "Zij-instromers haken af omdat werk en studie niet te combineren zijn.",
    "Hoe selecteren we zij-instromers die echt geschikt zijn voor de klas?",
    "Begeleiding van zij-instromers verschilt enorm per school.",
    "Zij-instroom in het mbo vraagt een eigen traject.",
]


def submit_all(sock, texts):
    for text in texts:
        assert sock.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)[
            "ok"
        ]


def test_facilitator_clusters_titles_orders_and_staff_downloads_docx(
    make_user, make_session, join, facilitate, login
):
    facilitator, staff = make_user(), make_user(Role.STAFF)
    bs = make_session(facilitator, staff=[staff])
    alice = join(bs)
    console = facilitate(bs, facilitator)
    submit_all(alice, MONEY + ZIJ)
    console.emit("show_themes", {"shown": True}, callback=True)
    alice.get_received()

    ack = console.emit("run_clustering", {"k": 2}, callback=True)
    assert ack["ok"] and ack["k"] == 2
    (update,) = received(alice, "clusters_updated")
    clusters = update["clusters"]
    assert len(clusters) == 2 and all(c["terms"] for c in clusters)

    first, second = clusters
    assert console.emit(
        "rename_cluster", {"cluster_id": first["id"], "title": "Geld"}, callback=True
    )["ok"]
    assert console.emit(
        "rename_cluster", {"cluster_id": second["id"], "title": "Zij-instroom"}, callback=True
    )["ok"]
    assert console.emit(
        "move_cluster", {"cluster_id": second["id"], "direction": "up"}, callback=True
    )["ok"]
    latest = received(alice, "clusters_updated")[-1]["clusters"]
    assert [c["label"] for c in latest] == ["Zij-instroom", "Geld"]

    response = login(staff).get(f"/sessions/{bs.id}/report.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["1. Zij-instroom", "2. Geld"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert all(text in body for text in MONEY + ZIJ)


def test_rerun_keeps_titles_of_clusters_that_keep_their_members(
    make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice = join(bs)
    console = facilitate(bs, facilitator)
    submit_all(alice, MONEY + ZIJ)
    console.emit("run_clustering", {"k": 2}, callback=True)
    clusters = received(console, "clusters_updated")[-1]["clusters"]
    zij = next(c for c in clusters if any("instro" in t for t in c["terms"]))
    console.emit(
        "rename_cluster", {"cluster_id": zij["id"], "title": "Zij-instroom"}, callback=True
    )

    submit_all(alice, ["Zij-instromers hebben meer begeleiding nodig in het eerste jaar."])
    console.emit("run_clustering", {"k": 2}, callback=True)
    after = received(console, "clusters_updated")[-1]["clusters"]
    titled = [c for c in after if c["title"] == "Zij-instroom"]
    assert len(titled) == 1 and titled[0]["id"] == zij["id"]
    assert set(zij["idea_ids"]) < set(titled[0]["idea_ids"])  # kept its members, gained the new one


def test_clustering_refuses_bad_input_in_words(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    too_few = console.emit("run_clustering", {}, callback=True)
    assert too_few["ok"] is False and "minstens 2" in too_few["error"]
    submit_all(join(bs), MONEY)
    for k in (1, 99, "veel", True):
        ack = console.emit("run_clustering", {"k": k}, callback=True)
        assert ack["ok"] is False and ack["error"], k
    missing = console.emit("rename_cluster", {"cluster_id": 12345, "title": "x"}, callback=True)
    assert missing["code"] == "not_found"


def test_report_is_for_the_event_team_only(app, make_user, make_session, login):
    bs = make_session()
    outsider_staff = make_user(Role.STAFF)
    assert login(outsider_staff).get(f"/sessions/{bs.id}/report.docx").status_code == 403
    anonymous = app.test_client().get(f"/sessions/{bs.id}/report.docx")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_first_two_unrelated_ideas_can_be_clustered(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    submit_all(join(bs), ["Inductie van startende leraren", "Subsidie stopt volgend jaar"])
    ack = facilitate(bs, facilitator).emit("run_clustering", {}, callback=True)
    assert ack["ok"] is True and ack["k"] >= 1
