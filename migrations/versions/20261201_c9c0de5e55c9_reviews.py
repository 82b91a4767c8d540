"""reviews of voorzieningen (slot; filled by the Referrals work)

Revision ID: c9c0de5e55c9
Revises: b8c0de5e55b8
Create Date: 2026-12-01 18:30:00
"""
from typing import Sequence, Union

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401

revision: str = 'c9c0de5e55c9'
down_revision: Union[str, None] = 'b8c0de5e55b8'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
