"""Alembic environment of Jiedao (see core.migrate)."""
