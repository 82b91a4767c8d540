"""visibility: a safety level on help requests, and one supply version row that tells every worker its suggestions are stale

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
        "supply_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO supply_version (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("supply_version")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_constraint("ck_request_safety", type_="check")
        batch_op.drop_column("safety")
