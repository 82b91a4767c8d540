"""reviews of voorzieningen, and attendance of activity sign-ups (issue 11)

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
    op.create_table(
        "voorziening_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voorziening_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("verdict IN ('helped', 'partly', 'not_helped')", name="ck_review_verdict"),
        sa.CheckConstraint("moderation IN ('pending', 'approved', 'hidden')", name="ck_review_moderation"),
        sa.ForeignKeyConstraint(["voorziening_id"], ["voorziening.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("voorziening_id", "author_id", name="uq_review_voorziening_author"),
    )
    op.create_index("ix_voorziening_review_voorziening_id", "voorziening_review", ["voorziening_id"])
    op.create_index("ix_voorziening_review_author_id", "voorziening_review", ["author_id"])
    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attended", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.drop_column("attended")
    op.drop_index("ix_voorziening_review_author_id", table_name="voorziening_review")
    op.drop_index("ix_voorziening_review_voorziening_id", table_name="voorziening_review")
    op.drop_table("voorziening_review")
