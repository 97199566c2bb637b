"""`flask cluster evaluate` (clustering.evaluate) on both development sets: the engine must beat
the plain TF-IDF + KMeans baseline by a clear margin and choose about the right number of themes.
"""

from pathlib import Path

import pytest

from brainstorm.clustering.evaluate import evaluate, load_jsonl

EVALDATA = Path(__file__).resolve().parents[3] / "shared/evaldata"
SETS = {
    # name: (file, gold k, the NMI the engine must reach at the gold k, mean of seeds 0-2)
    "vraagstukken_po_vo_mbo": (EVALDATA / "vraagstukken_po_vo_mbo/vraagstukken.jsonl", 12, 0.45),
    "sib200_nld": (EVALDATA / "sib200_nld/sib200_nld.jsonl", 7, 0.25),
}
# Issue 20 asks for the automatic k within 2 of the themes. Known miss, kept visible: since the
# vocabulary lost its everyday English glosses (time, money, research, ...) the engine picks 9
# for the vraagstukken' 12 (11 before); the modularity curve is flat from 9 to 13.
AUTOMATIC_K_MISSES = {"vraagstukken_po_vo_mbo"}


@pytest.fixture(scope="module", params=sorted(SETS))
def development_set(request):
    path, k, floor = SETS[request.param]
    if not path.exists():
        pytest.skip(f"{path} is not there (shared/ sits beside the checkout)")
    texts, labels = load_jsonl(path)
    return texts, labels, k, floor, request.param


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
    texts, labels, k, _, name = development_set
    run = evaluate(texts, labels, seed=0)
    assert run["k_automatic"] is True
    assert run["nmi"] > run["baseline"]["nmi"] + 0.1
    if abs(run["k"] - k) > 2 and name in AUTOMATIC_K_MISSES:
        pytest.xfail(f"automatic k {run['k']} for {k} themes (issue 20, open)")
    assert abs(run["k"] - k) <= 2, run["k"]
