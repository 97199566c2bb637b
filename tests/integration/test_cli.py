"""Commands an administrator runs: create-user asks for a password and stores it hashed."""

import json
from pathlib import Path

import pytest

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import Role


def test_create_user_asks_for_password_and_stores_it_hashed(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Anna@Example.org", "--role", "facilitator"],
        input="geheim-en-lang-genoeg\ngeheim-en-lang-genoeg\n",
    )
    assert result.exit_code == 0, result.output
    user = accounts.find_user("anna@example.org")
    assert user is not None and user.role == Role.FACILITATOR
    assert "geheim-en-lang-genoeg" not in user.password_hash
    assert accounts.authenticate("anna@example.org", "geheim-en-lang-genoeg") == user


def test_create_user_refuses_a_duplicate_in_dutch(app, make_user):
    user = make_user()
    result = app.test_cli_runner().invoke(
        args=["create-user", user.email], input="nog-een-wachtwoord\nnog-een-wachtwoord\n"
    )
    assert result.exit_code != 0
    assert f"Er is al een account voor {user.email}" in result.output


@pytest.mark.time_sensitive
def test_seed_demo_fills_once_and_keeps_the_login_in_the_instance_folder(app, tmp_path):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "staat er al" in second.output
    saved = tmp_path / "instance" / "demo-login.txt"
    assert saved.read_text().strip() in second.output  # the test's folder, not the checkout's


SIB200 = Path(__file__).resolve().parents[3] / "shared/evaldata/sib200_nld/sib200_nld.jsonl"


def _evaluate(app, *options: str) -> dict:
    result = app.test_cli_runner().invoke(args=["cluster", "evaluate", str(SIB200), *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cluster_evaluate_beats_the_baseline_clearly_on_the_development_set(app):
    runs = [_evaluate(app, "--k", "7", "--seed", str(seed)) for seed in (0, 1, 2)]
    for run in runs:
        assert run["n"] == 1004 and run["k"] == 7 and run["gold_labels"] == 7
        assert set(run) >= {"nmi", "ari", "v_measure", "seconds", "baseline"}
        assert set(run["baseline"]) == {"nmi", "ari", "v_measure"}
    ours = sum(run["nmi"] for run in runs) / len(runs)
    baseline = sum(run["baseline"]["nmi"] for run in runs) / len(runs)
    assert ours >= 2 * baseline and ours - baseline >= 0.1, (ours, baseline)


def test_cluster_evaluate_chooses_k_itself_without_k(app):
    run = _evaluate(app)
    assert run["k_automatic"] is True and 2 <= run["k"] <= 20
    assert run["nmi"] > run["baseline"]["nmi"]


def test_cluster_evaluate_says_which_line_is_broken(app, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "Werkdruk", "label": "a"}\nniet json\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cluster", "evaluate", str(broken)])
    assert result.exit_code != 0 and "line 2" in result.output
