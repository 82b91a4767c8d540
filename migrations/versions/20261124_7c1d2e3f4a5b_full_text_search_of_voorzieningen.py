"""full-text search of voorzieningen (PostgreSQL index table; SQLite builds FTS5 in TEMP)

On PostgreSQL: table voorziening_search holds a folded text document per voorziening
(maintained by marketplace/voorzieningen/search.py), a generated tsvector with the 'dutch' config and a
GIN index. It stays out of the SQLModel metadata: it is an index, not domain data.

On SQLite nothing is created here: marketplace/voorzieningen/search.py keeps an FTS5 table in
each connection's TEMP schema, rebuilt from stale rows. A table in the main schema would be
reported by the autogenerate comparison in tests/test_migrations.py.

Revision ID: 7c1d2e3f4a5b
Revises: 5f6acb0a4e2a
Create Date: 2026-11-24 10:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = '7c1d2e3f4a5b'
down_revision: Union[str, None] = '5f6acb0a4e2a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE TABLE voorziening_search (
            voorziening_id integer PRIMARY KEY REFERENCES voorziening (id) ON DELETE CASCADE,
            document text NOT NULL,
            source_updated_at timestamptz,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('dutch', document)) STORED
        )""")
    op.execute("CREATE INDEX ix_voorziening_search_tsv ON voorziening_search USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS voorziening_search")
