"""accounts: an e-mail address is confirmed before the first login (no account enumeration)

Existing accounts count as confirmed.

Revision ID: f6c0de5e55f6
Revises: e5c0de5e55e5
Create Date: 2026-12-01 17:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401

revision: str = 'f6c0de5e55f6'
down_revision: Union[str, None] = 'e5c0de5e55e5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed")
