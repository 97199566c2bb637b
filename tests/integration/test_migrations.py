"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from brainstorm import create_app
from brainstorm.extensions import db


def _app(empty_database_url):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})


def test_upgrade_on_an_empty_database_matches_the_models(empty_database_url):
    with _app(empty_database_url).app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []


def test_downgrade_to_base_leaves_no_tables(empty_database_url):
    with _app(empty_database_url).app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
