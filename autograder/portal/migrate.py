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

VERSION_TABLE = "portal_alembic_version"
SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine) -> None:
    """Apply every revision the database has not had yet."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
