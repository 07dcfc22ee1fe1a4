"""Alembic migrations of the portal's tables (see ``autograder/portal/migrate.py``)."""
