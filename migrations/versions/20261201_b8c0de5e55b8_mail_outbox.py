"""mail outbox table (slot; filled by the Production work)

Revision ID: b8c0de5e55b8
Revises: a7c0de5e55a7
Create Date: 2026-12-01 18:30:00
"""
from typing import Sequence, Union

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401

revision: str = 'b8c0de5e55b8'
down_revision: Union[str, None] = 'a7c0de5e55a7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
