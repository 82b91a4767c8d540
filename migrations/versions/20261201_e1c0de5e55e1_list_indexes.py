"""indexes for the lists a city needs (slot: filled by the production work)

Revision ID: e1c0de5e55e1
Revises: d0c0de5e55d0
Create Date: 2026-12-01 21:10:00
"""
from typing import Sequence, Union

revision: str = 'e1c0de5e55e1'
down_revision: Union[str, None] = 'd0c0de5e55d0'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
