"""statuses in one language: sign-ups, support requests and referrals get English values

Dutch words stay where people read them (labels through the translations); the stored values
are English like every other status. Each table: drop its CHECK constraint (and the waiting-list
index, whose WHERE names a value), rename the values, create them again with the new values.
referral_event's from_status / to_status (no CHECK) are renamed with the referral's values.

The three tables nothing used (the first referral tables) were already replaced and are used by
the referrals step (d4c0de5e55d4): nothing to drop here.

Revision ID: a7c0de5e55a7
Revises: f6c0de5e55f6
Create Date: 2026-12-01 18:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa  # noqa: F401
import sqlmodel.sql.sqltypes  # noqa: F401

revision: str = 'a7c0de5e55a7'
down_revision: Union[str, None] = 'f6c0de5e55f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Dutch value -> English value, per table (the order is the tuple's order in models.py).
SIGNUP = {"aangemeld": "signed_up", "wachtlijst": "waiting_list", "afgemeld": "signed_off"}
SUPPORT = {"open": "open", "in_behandeling": "in_progress", "afgerond": "done"}
REFERRAL = {"verwezen": "referred", "aangemeld": "signed_up", "wachtlijst": "waiting_list", "gestart": "started",
            "afgerond": "completed", "niet_gestart": "not_started", "ingetrokken": "withdrawn"}

TABLES = (  # table, CHECK name, mapping
    ("activity_signup", "ck_signup_status", SIGNUP),
    ("support_request", "ck_support_status", SUPPORT),
    ("referral", "ck_referral_status", REFERRAL),
)
WAITING_INDEX = "uq_signup_waiting_position"


def _in(values) -> str:
    return f"status IN ({', '.join(repr(v) for v in values)})"


def _where(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def _rename(table: str, columns: tuple[str, ...], mapping: dict[str, str]) -> None:
    for column in columns:
        whens = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in mapping.items() if old != new)
        if whens:
            op.execute(f"UPDATE {table} SET {column} = CASE {column} {whens} ELSE {column} END "
                       f"WHERE {column} IN ({', '.join(repr(v) for v in mapping)})")


def _migrate(forward: bool) -> None:
    def new_values(mapping):
        return list(mapping.values()) if forward else list(mapping)

    def direction(mapping):
        return mapping if forward else {new: old for old, new in mapping.items()}

    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.drop_index(WAITING_INDEX)
    for table, check, _mapping in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(check, type_="check")
    for table, _check, mapping in TABLES:
        _rename(table, ("status",), direction(mapping))
    _rename("referral_event", ("from_status", "to_status"), direction(REFERRAL))
    for table, check, mapping in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(check, _in(new_values(mapping)))
    waiting = "waiting_list" if forward else "wachtlijst"
    with op.batch_alter_table("activity_signup", schema=None) as batch_op:
        batch_op.create_index(WAITING_INDEX, ["activity_id", "position"], unique=True,
                              **_where(f"status = '{waiting}'"))


def upgrade() -> None:
    _migrate(forward=True)


def downgrade() -> None:
    _migrate(forward=False)
