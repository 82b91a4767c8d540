"""integrity under concurrency: unique rules for matches and sign-ups (owned by the input/concurrency step)

Revision ID: b2c0de5e55b2
Revises: a1c0de5e55a1
Create Date: 2026-12-01 16:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes

revision: str = 'b2c0de5e55b2'
down_revision: Union[str, None] = 'a1c0de5e55a1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
