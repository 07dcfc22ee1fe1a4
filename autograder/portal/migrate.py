"""Brings a database's portal tables to the current schema with Alembic, at every start.

The revisions live in ``migrations/versions/``; their version is kept in a table of its
own (``portal_alembic_version``), so the gradebook can have migrations of its own beside.
A new revision is added whenever ``tables.py`` changes; a test checks the two agree.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext

VERSION_TABLE = "portal_alembic_version"
FIRST_REVISION = "r0001"
SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    """Apply every revision the database has not had yet.

    A database whose portal tables were made before migrations existed (no version
    recorded) is taken as being at the first revision, whose tables it has.
    """
    with engine.begin() as connection:
        config = alembic_config(connection)
        tables = set(sa.inspect(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        if "portal_users" in tables and context.get_current_revision() is None:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")
