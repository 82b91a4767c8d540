"""statuses in one language (slot; filled by the House work)

Revision ID: a7c0de5e55a7
Revises: f6c0de5e55f6
Create Date: 2026-12-01 18:30:00
"""
from typing import Sequence, Union

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401

revision: str = 'a7c0de5e55a7'
down_revision: Union[str, None] = 'f6c0de5e55f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
