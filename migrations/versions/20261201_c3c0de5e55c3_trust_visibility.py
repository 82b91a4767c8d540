"""visibility: a safety level on help requests, and a log of changed listings that every worker applies to its suggestion index

Revision ID: c3c0de5e55c3
Revises: b2c0de5e55b2
Create Date: 2026-12-01 16:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'c3c0de5e55c3'
down_revision: Union[str, None] = 'b2c0de5e55b2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety", sqlmodel.sql.sqltypes.AutoString(length=16),
                                      server_default="none", nullable=False))
        batch_op.create_check_constraint("ck_request_safety", "safety IN ('none', 'possible', 'danger')")
    op.create_table(
        "supply_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("supply_change")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_constraint("ck_request_safety", type_="check")
        batch_op.drop_column("safety")
