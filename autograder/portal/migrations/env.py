"""Alembic's entry point: run the revisions on the connection ``migrate.upgrade`` passes."""

from __future__ import annotations

from alembic import context

from autograder.portal.migrate import VERSION_TABLE
from autograder.portal.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
