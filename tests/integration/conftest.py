"""Every integration test runs twice: on SQLite (the default) and on PostgreSQL (scaled out)."""

import pytest

from brainstorm import create_app
from brainstorm.extensions import db

TEMPLATE = "brainstorm_schema"


@pytest.fixture(scope="session")
def postgres_schema(postgres):
    """A database holding the models' tables, copied for each test (faster than creating them)."""
    url = postgres.url(TEMPLATE)
    postgres.sql(f"CREATE DATABASE {TEMPLATE}")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return TEMPLATE


def _database(request, tmp_path, template: bool):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    postgres = request.getfixturevalue("postgres")
    url = postgres.create_database(request.getfixturevalue("postgres_schema") if template else None)
    yield url
    postgres.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh database of each kind with the tables; a PostgreSQL one is dropped afterwards."""
    yield from _database(request, tmp_path, template=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A fresh database of each kind without tables (for the migrations)."""
    yield from _database(request, tmp_path, template=False)
