"""the sociale kaart's full-text index on SQLite: one FTS5 table shared by every connection

Before, SQLite kept the FTS5 index in each connection's TEMP schema: every pooled connection of
every worker rebuilt it from all voorzieningen (seconds at 10^4, beyond gunicorn's timeout at
10^5). Now it lives in the main schema, built once by ``flask demo`` / ``flask search reindex`` and
kept current from stale rows by marketplace/voorzieningen/search.py. Like PostgreSQL's
voorziening_search it is an index, not domain data: it stays out of the SQLModel metadata
(tests/test_migrations.py leaves the voorziening_fts* tables out of its comparison).

Revision ID: d0c0de5e55d0
Revises: c9c0de5e55c9
Create Date: 2026-12-01 19:30:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = 'd0c0de5e55d0'
down_revision: Union[str, None] = 'c9c0de5e55c9'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS voorziening_fts "
               "USING fts5(document, tokenize='unicode61 remove_diacritics 2')")
    op.execute("CREATE TABLE IF NOT EXISTS voorziening_fts_state "
               "(voorziening_id INTEGER PRIMARY KEY, source_updated_at TEXT)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS voorziening_fts_state")
    op.execute("DROP TABLE IF EXISTS voorziening_fts")
