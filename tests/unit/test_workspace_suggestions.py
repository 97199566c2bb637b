"""The title chips a facilitator is offered for an unnamed cluster read as themes."""

from brainstorm.workspace.models import Cluster
from brainstorm.workspace.services import suggested_titles


def test_question_words_and_fillers_among_the_terms_never_make_a_chip():
    # The engine's top terms as seen on the demo data: "hoeveel" and "straks" rank high there.
    cluster = Cluster(
        terms=["studenten", "hoeveel", "regio", "straks"], suggested_title="Studenten"
    )
    assert suggested_titles(cluster, "Hoeveel studenten krijgt elke regio?") == [
        "Studenten",
        "Studenten en regio",
        "Hoeveel studenten krijgt elke regio",  # a member's own words stay on offer
    ]


def test_a_cluster_whose_terms_are_all_filler_is_offered_its_phrase_and_its_central_idea():
    cluster = Cluster(terms=["hoeveel", "straks"], suggested_title="Werkdruk")
    assert suggested_titles(cluster, "Werkdruk in het po") == ["Werkdruk", "Werkdruk in het po"]
