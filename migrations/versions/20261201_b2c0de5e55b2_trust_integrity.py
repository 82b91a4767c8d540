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


ACTIVE_MATCH = "status IN ('suggested', 'proposed', 'accepted')"


def _where(clause: str) -> dict:
    return {"sqlite_where": sa.text(clause), "postgresql_where": sa.text(clause)}


def upgrade() -> None:
    # Rows that already break a rule (from the races this fixes) would stop the unique index:
    # the oldest live match per (request, offer) stays, later duplicates become 'declined';
    # of several accepted matches on one request the first stays accepted.
    op.execute("""
        UPDATE match SET status = 'declined'
        WHERE status IN ('suggested', 'proposed', 'accepted') AND offer_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM match AS older
                      WHERE older.request_id = match.request_id AND older.offer_id = match.offer_id
                        AND older.status IN ('suggested', 'proposed', 'accepted') AND older.id < match.id)
    """)
    op.execute("""
        UPDATE match SET status = 'declined'
        WHERE status = 'accepted'
          AND EXISTS (SELECT 1 FROM match AS older
                      WHERE older.request_id = match.request_id AND older.status = 'accepted'
                        AND older.id < match.id)
    """)
    # Equal waiting-list positions: move the later sign-up behind everyone else of that activity.
    op.execute("""
        UPDATE activity_signup SET position = position + 1000000 + id
        WHERE status = 'wachtlijst'
          AND EXISTS (SELECT 1 FROM activity_signup AS other
                      WHERE other.activity_id = activity_signup.activity_id AND other.status = 'wachtlijst'
                        AND other.position = activity_signup.position AND other.id < activity_signup.id)
    """)
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.create_index("uq_match_one_accepted", ["request_id"], unique=True,
                              **_where("status = 'accepted'"))
        batch_op.create_index("uq_match_one_active_per_offer", ["request_id", "offer_id"], unique=True,
                              **_where(ACTIVE_MATCH))
    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.create_index("uq_signup_waiting_position", ["activity_id", "position"], unique=True,
                              **_where("status = 'wachtlijst'"))


def downgrade() -> None:
    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.drop_index("uq_signup_waiting_position")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index("uq_match_one_active_per_offer")
        batch_op.drop_index("uq_match_one_accepted")
