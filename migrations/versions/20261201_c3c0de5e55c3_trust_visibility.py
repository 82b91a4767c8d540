"""visibility: safety level and contact-detail flags on posts (owned by the visibility step)

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
    pass


def downgrade() -> None:
    pass
