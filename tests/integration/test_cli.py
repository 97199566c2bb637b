"""Commands an administrator runs: create-user asks for a password and stores it hashed."""

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


def test_seed_demo_fills_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "staat er al" in second.output
