"""The Alembic revisions build exactly the schema ``tables.py`` describes, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from autograder.portal.migrate import VERSION_TABLE
from autograder.portal.tables import create_engine, metadata


def test_the_migrated_schema_matches_the_tables(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        differences = [
            d
            for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and not d[1].name.startswith("portal_"))
        ]
    assert differences == []


def test_migrating_twice_changes_nothing_and_keeps_the_rows(database_url):
    from autograder.portal.tables import users

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            users.insert().values(login="a", name="", role="student", course="c", password_hash="x")
        )
    again = create_engine(database_url)
    with again.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == 1
        version = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
    assert version == "r0001"


def test_tables_made_before_migrations_are_adopted_not_made_again(database_url):
    from autograder.portal.tables import users

    engine = sa.create_engine(database_url)
    metadata.create_all(engine)  # as the first portal versions did
    with engine.begin() as conn:
        conn.execute(
            users.insert().values(login="a", name="", role="student", course="c", password_hash="x")
        )
    engine.dispose()
    migrated = create_engine(database_url)
    with migrated.connect() as conn:
        assert conn.execute(sa.select(users.c.login)).scalars().all() == ["a"]
