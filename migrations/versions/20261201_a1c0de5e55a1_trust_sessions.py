"""sessions and accounts: server-side session version (owned by the auth-hardening step)

Revision ID: a1c0de5e55a1
Revises: 7c1d2e3f4a5b
Create Date: 2026-12-01 16:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'a1c0de5e55a1'
down_revision: Union[str, None] = '7c1d2e3f4a5b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Existing rows start at 1; a cookie from before this change ("id" without ":version") no
    # longer loads a user, so everyone logs in once more.
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("session_version")
