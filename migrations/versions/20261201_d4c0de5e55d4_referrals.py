"""referrals, consent, client records and the dashboard (owned by the referrals step)

Revision ID: d4c0de5e55d4
Revises: c3c0de5e55c3
Create Date: 2026-12-01 17:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'd4c0de5e55d4'
down_revision: Union[str, None] = 'c3c0de5e55c3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
