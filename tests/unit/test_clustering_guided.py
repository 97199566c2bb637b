"""The engine around the facilitator's work: fixed groups stay whole and pull their kind."""

from brainstorm.clustering import cluster_guided
from brainstorm.clustering.features import build_features
from brainstorm.clustering.guided import _linked_embedding
from brainstorm.clustering.model import cluster_labelled

THEMES = {
    "werkdruk": [
        "De werkdruk van schoolopleiders is te hoog",
        "Werkdruk bij werkplekbegeleiders neemt toe",
        "Hoe verlagen we de werkdruk van begeleiders op school",
        "Geen tijd voor begeleiding door hoge werkdruk",
        "Werkdruk van mentoren in het primair onderwijs",
    ],
    "stage": [
        "Te weinig stageplekken voor studenten in het mbo",
        "Stageplekken verdelen over de scholen in de regio",
        "Stagevergoeding voor studenten op de pabo",
        "Hoe vinden studenten een goede stageplek",
        "Stageplaatsen in het vo zijn schaars",
    ],
    "zij-instroom": [
        "Zij-instromers hebben een eigen begeleidingstraject nodig",
        "Financiering van zij-instroom trajecten",
        "Zij-instromers vallen snel uit zonder goede inductie",
        "Zij-instroom in het mbo vraagt maatwerk",
        "Bekostiging van zij-instromers loopt via de regeling",
    ],
}
TEXTS = [text for texts in THEMES.values() for text in texts]
IDS = [f"i{n}" for n in range(len(TEXTS))]


def ids_of(theme: str) -> list[str]:
    return [IDS[TEXTS.index(text)] for text in THEMES[theme]]


def test_seeds_pull_their_kind_and_fixed_members_never_move():
    seeds = ids_of("stage")[:2]
    guided = cluster_guided(TEXTS, 3, ids=IDS, fixed={"hand": seeds})
    assert set(guided.joined) == set(ids_of("stage")[2:])
    assert set(guided.joined.values()) == {"hand"}
    assert not set(seeds) & set(guided.joined)  # fixed ids are never reassigned
    rest = [set(info.members) for info in guided.rest.clusters]
    assert sorted(rest, key=sorted) == sorted(
        [set(ids_of("werkdruk")), set(ids_of("zij-instroom"))], key=sorted
    )


def test_a_must_link_keeps_unlike_ideas_together_and_k_counts_it():
    # A merge of two unlike themes: they stay one group; k=3 leaves two themes for the rest.
    merged = ids_of("werkdruk") + ids_of("stage")[:1]
    guided = cluster_guided(TEXTS, 3, ids=IDS, fixed={"merged": merged})
    placed = set(guided.joined) | {i for info in guided.rest.clusters for i in info.members}
    assert not set(merged) & placed
    assert guided.rest.k <= 2
    assert guided.whole.k == 3  # the map and hints still come from every idea


def test_ideas_set_aside_are_in_no_group():
    aside = ids_of("zij-instroom")[:1]
    guided = cluster_guided(TEXTS, 3, ids=IDS, fixed={"hand": ids_of("stage")[:2]}, aside=aside)
    placed = set(guided.joined) | {i for info in guided.rest.clusters for i in info.members}
    assert aside[0] not in placed and aside[0] in guided.whole.coords


def test_nothing_fixed_is_a_plain_run():
    guided = cluster_guided(TEXTS, 3, ids=IDS, fixed={})
    assert guided.joined == {} and guided.rest.k == 3


def test_a_locked_cluster_still_receives_a_new_idea_that_belongs_there():
    locked = ids_of("werkdruk")[:4]
    guided = cluster_guided(TEXTS, 3, ids=IDS, fixed={"locked": locked})
    assert guided.joined.get(ids_of("werkdruk")[4]) == "locked"
    assert not set(ids_of("stage")) & set(guided.joined)  # unlike ideas are not pulled in


def test_a_must_link_draws_its_members_together_where_the_engine_clusters():
    features = build_features(TEXTS)
    a, b = TEXTS.index(THEMES["werkdruk"][0]), TEXTS.index(THEMES["stage"][0])
    free = _linked_embedding(features, [], 3)
    linked = _linked_embedding(features, [[a, b]], 3)
    assert linked[a] @ linked[b] > free[a] @ free[b] + 0.1


def test_the_rest_keeps_the_grouping_it_was_given():
    labels = [0] * 5 + [1] * 5 + [2] * 5
    rest = cluster_labelled(TEXTS, labels, ids=IDS, previous={"werk": ids_of("werkdruk")})
    assert sorted(sorted(info.members) for info in rest.clusters) == sorted(
        sorted(ids_of(theme)) for theme in THEMES
    )
    assert {info.key for info in rest.clusters} >= {"werk"}
    assert rest.k_scores is None and set(rest.coords) == set(IDS)
    assert all(info.terms for info in rest.clusters)


def test_a_theme_known_only_by_its_references_receives_its_kind():
    # A theme carried from an earlier session: no members here yet, only what it was about.
    earlier = ["Werkdruk", "Hoe houden begeleiders tijd over naast hun lesrooster?"]
    werkdruk = ids_of("werkdruk")
    guided = cluster_guided(
        TEXTS, 3, ids=IDS, fixed={"carried": []}, references={"carried": earlier}
    )
    assert {i for i, key in guided.joined.items() if key == "carried"} == set(werkdruk)
    placed = set(guided.joined) | {i for info in guided.rest.clusters for i in info.members}
    assert placed == set(IDS)  # the references are in no result: only the ideas are placed
    assert set(guided.whole.coords) == set(IDS)


def test_references_beyond_the_graph_sample_are_in_none_of_its_groups(monkeypatch):
    monkeypatch.setattr("brainstorm.clustering.guided.GRAPH_SAMPLE", 5)
    guided = cluster_guided(
        TEXTS, 3, ids=IDS, fixed={"hand": ids_of("stage")[:2]}, references={"hand": ["Stage"]}
    )
    placed = set(guided.joined) | {i for info in guided.rest.clusters for i in info.members}
    assert placed == set(IDS) - set(ids_of("stage")[:2])
