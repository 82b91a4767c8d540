"""operations: job locks and what production needs (owned by the production step)

Revision ID: e5c0de5e55e5
Revises: d4c0de5e55d4
Create Date: 2026-12-01 17:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'e5c0de5e55e5'
down_revision: Union[str, None] = 'd4c0de5e55d4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # One row per background job that runs now (marketplace/jobs.py): the SQLite lease. On
    # PostgreSQL an advisory lock decides who runs; the row only says where it runs.
    op.create_table(
        "job_lock",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("acquired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("job_lock")
