"""indexes for the lists a city needs (issue 12)

The city's lists (requests, offers, the board, nearby requests, the sociale kaart's filters and
the moderation queue) filter, order, count and page in SQL; these indexes let both engines
answer them from an index instead of a scan (or, on SQLite, a temporary index per query).

Revision ID: e1c0de5e55e1
Revises: d0c0de5e55d0
Create Date: 2026-12-01 21:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'e1c0de5e55e1'
down_revision: Union[str, None] = 'd0c0de5e55d0'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (  # (name, table, columns)
    ("ix_request_category_category", "request_category", ["category_id", "request_id"]),
    ("ix_offer_category_category", "offer_category", ["category_id", "offer_id"]),
    ("ix_voorziening_category_category", "voorziening_category", ["category_id", "voorziening_id"]),
    ("ix_activity_category_category", "activity_category", ["category_id", "activity_id"]),
    ("ix_voorziening_location_location", "voorziening_location", ["location_id", "voorziening_id"]),
    ("ix_location_lat_lon", "location", ["lat", "lon"]),
    ("ix_voorziening_moderation", "voorziening", ["moderation", "created_at"]),
    ("ix_volunteer_offer_recent", "volunteer_offer", ["status", "moderation", "created_at"]),
    ("ix_volunteer_offer_public", "volunteer_offer", ["status", "moderation", "expires_at"]),
    ("ix_volunteer_offer_moderation", "volunteer_offer", ["moderation", "created_at"]),
    ("ix_help_request_recent", "help_request", ["status", "moderation", "created_at"]),
    ("ix_help_request_public", "help_request", ["status", "moderation", "safety", "expires_at"]),
    ("ix_help_request_buurt_status", "help_request", ["buurt_id", "status", "moderation"]),
    ("ix_help_request_lat_lon", "help_request", ["lat", "lon"]),
    ("ix_help_request_moderation", "help_request", ["moderation", "created_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, if_not_exists=True)
    op.create_index("ix_voorziening_name_lower", "voorziening", [sa.text("lower(name)"), "id"], if_not_exists=True)
    # SQLite plans with these indexes only once it knows the tables' sizes. Not on PostgreSQL: its
    # autovacuum analyzes, and a bare ANALYZE there covers every schema of the database and holds
    # their locks until the migration commits (it deadlocked a parallel test run's TRUNCATE).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE")


def downgrade() -> None:
    op.drop_index("ix_voorziening_name_lower", table_name="voorziening", if_exists=True)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
