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
    pass


def downgrade() -> None:
    pass
