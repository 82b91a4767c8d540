"""request_category.position: the order in which the resident chose the categories (issue 10)

The first category chosen is the main need: the request page and the lists show it first and the
matcher ranks it as the primary need. Until now the link table had no order, so pages fell back
to the categories' own sort order and the resident's choice was lost.

Existing rows get the order they were shown in until now (the category's sort order, then its
id), numbered from 0 per request, so nothing on a page moves.

Revision ID: a2c0de5e55a2
Revises: e1c0de5e55e1
Create Date: 2026-12-02 00:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'a2c0de5e55a2'
down_revision: Union[str, None] = 'e1c0de5e55e1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# A correlated count instead of ROW_NUMBER(): the same statement on both engines and on any SQLite.
NUMBER_EXISTING_ROWS = """
UPDATE request_category SET position = (
    SELECT COUNT(*)
    FROM request_category AS other
    JOIN category AS other_category ON other_category.id = other.category_id
    JOIN category AS own_category ON own_category.id = request_category.category_id
    WHERE other.request_id = request_category.request_id
      AND (other_category.sort_order < own_category.sort_order
           OR (other_category.sort_order = own_category.sort_order AND other_category.id < own_category.id)))
"""


def upgrade() -> None:
    with op.batch_alter_table("request_category") as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    op.execute(NUMBER_EXISTING_ROWS)


def downgrade() -> None:
    with op.batch_alter_table("request_category") as batch_op:
        batch_op.drop_column("position")
