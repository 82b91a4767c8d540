"""supply_change(kind, id): the newest change of one kind of listing in one index lookup (issue 12)

The sociale kaart caches its answers (which ids, how many) under the newest entry of the
supply_change log for voorzieningen, their locations and organisations, and the search index
looks for stale rows only when that entry changed. Offers and activities change far more often
than voorzieningen; with this index a new offer neither empties the kaart's cache nor makes
every connection re-check the search index. ``max(id) WHERE kind = ...`` reads one index entry
on both engines.

Revision ID: a3c0de5e55a3
Revises: a2c0de5e55a2
Create Date: 2026-12-02 04:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'a3c0de5e55a3'
down_revision: Union[str, None] = 'a2c0de5e55a2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    existing = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("supply_change")}
    if "ix_supply_change_kind_id" not in existing:
        op.create_index("ix_supply_change_kind_id", "supply_change", ["kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_supply_change_kind_id", table_name="supply_change")
