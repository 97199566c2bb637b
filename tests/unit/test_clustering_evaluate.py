"""`flask cluster evaluate` (clustering.evaluate) on both development sets: the engine must beat
the plain TF-IDF + KMeans baseline by a clear margin and choose about the right number of themes.
"""

from pathlib import Path

import pytest

from brainstorm.clustering.evaluate import evaluate, load_jsonl
from brainstorm.demo_data import DEMO_IDEA_THEMES, DEMO_IDEAS

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
SETS = {
    # name: (file, gold k, the NMI the engine must reach at the gold k, mean of seeds 0-2,
    #        how far the automatic k may be from the gold k)
    "vraagstukken_po_vo_mbo": (
        EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl",
        12,
        0.45,
        # Issue 20's margin. It chooses 10: 9 while the candidates were cuts of one Ward tree
        # rather than refined in the first k eigenvectors (tests/benchmarks/clustering_k.py).
        2,
    ),
    "sib200_nld": (EVALDATA / "sib200_nld/sib200_nld.jsonl", 7, 0.25, 2),
}


@pytest.fixture(scope="module", params=sorted(SETS))
def development_set(request):
    path, k, floor, k_distance = SETS[request.param]
    if not path.exists():  # a missing set must fail the suite, never pass it silently
        pytest.fail(f"{path} is not there: ../shared must sit beside the checkout")
    texts, labels = load_jsonl(path)
    return texts, labels, k, floor, k_distance


def test_evaluate_beats_the_baseline_clearly_at_the_gold_k(development_set):
    texts, labels, k, floor, _ = development_set
    runs = [evaluate(texts, labels, k=k, seed=seed) for seed in (0, 1, 2)]
    for run in runs:
        assert run["k"] == k and run["gold_labels"] == k and not run["k_automatic"]
    ours = sum(run["nmi"] for run in runs) / len(runs)
    baseline = sum(run["baseline"]["nmi"] for run in runs) / len(runs)
    assert ours >= floor, (ours, baseline)
    assert ours >= 2 * baseline and ours - baseline >= 0.15, (ours, baseline)


def test_evaluate_chooses_about_the_number_of_themes_itself(development_set):
    texts, labels, k, _, k_distance = development_set
    run = evaluate(texts, labels, seed=0)
    assert run["k_automatic"] is True
    assert run["nmi"] > run["baseline"]["nmi"] + 0.1
    assert abs(run["k"] - k) <= k_distance, run["k"]


def test_the_demo_sessions_ideas_get_about_their_number_of_themes():
    # The demo's 60 ideas in 5 themes (4 and "overig", which has no theme of its own to
    # find): the small-session case the background IDF is there for. It chooses 4.
    themes = len(set(DEMO_IDEA_THEMES))
    run = evaluate(list(DEMO_IDEAS), list(DEMO_IDEA_THEMES), seed=0)
    assert themes == 5
    assert abs(run["k"] - themes) <= 2, run["k"]
