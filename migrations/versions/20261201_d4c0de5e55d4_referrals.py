"""referrals, consent, client records and the dashboard (owned by the referrals step)

The referral tables of the first migration were never used (no code wrote them); they are
replaced here by the shapes the referral route needs: a pseudonymous client record, a
referral with its response clock and client link, consent per receiving organisation kept
apart from the legal basis, and one event row per status change.

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

String = sqlmodel.sql.sqltypes.AutoString
UTC = sqlmodel.sql.sqltypes.UTCDateTime

STATUSES = ("verwezen", "aangemeld", "wachtlijst", "gestart", "afgerond", "niet_gestart", "ingetrokken")
REASONS = ("niet_bereikt", "geen_plek", "past_niet", "geen_interesse", "elders_verwezen", "anders")
ACTORS = ("professional", "organisatie", "client", "systeem")
AGE_BANDS = ("0-17", "18-26", "27-45", "46-65", "66-79", "80+")
CONTACT = ("telefoon", "mail", "via_wijkcoach", "niet_benaderen")
LEGAL_BASES = ("wmo_2015", "jeugdwet", "participatiewet", "overeenkomst")
METHODS = ("mondeling", "schriftelijk")
CLIENT_REPORTS = ("geweest", "niet_gelukt")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _null_or_in(column, values):
    return f"{column} IS NULL OR {_in(column, values)}"


def _drop_old_tables() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_referral_id')
    op.drop_table('consent')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_voorziening_id')
        batch_op.drop_index('ix_referral_professional_id')
        batch_op.drop_index('ix_referral_client_id')
    op.drop_table('referral')
    with op.batch_alter_table('referral_client', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_client_professional_id')
    op.drop_table('referral_client')


def upgrade() -> None:
    _drop_old_tables()
    op.create_table(
        'referral_client',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('professional_id', sa.Integer(), nullable=False),
        sa.Column('alias', String(length=40), nullable=False),
        sa.Column('buurt_id', sa.Integer(), nullable=True),
        sa.Column('age_band', String(length=8), nullable=True),
        sa.Column('languages', String(length=64), nullable=False),
        sa.Column('life_domains', String(length=300), nullable=False),
        sa.Column('contact_preference', String(length=16), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.CheckConstraint(_null_or_in('age_band', AGE_BANDS), name='ck_referral_client_age_band'),
        sa.CheckConstraint(_in('contact_preference', CONTACT), name='ck_referral_client_contact'),
        sa.ForeignKeyConstraint(['buurt_id'], ['area.id'], ),
        sa.ForeignKeyConstraint(['professional_id'], ['user_account.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('referral_client', schema=None) as batch_op:
        batch_op.create_index('ix_referral_client_professional_id', ['professional_id'], unique=False)

    op.create_table(
        'referral',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', String(length=16), nullable=False),
        sa.Column('professional_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('voorziening_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('tier', String(length=8), nullable=False),
        sa.Column('warm_handover', sa.Boolean(), nullable=False),
        sa.Column('legal_basis', String(length=24), nullable=False),
        sa.Column('status', String(length=16), nullable=False),
        sa.Column('reason', String(length=24), nullable=True),
        sa.Column('reason_by', String(length=16), nullable=True),
        sa.Column('feedback', String(length=300), nullable=True),
        sa.Column('client_token', String(length=64), nullable=False),
        sa.Column('client_report', String(length=16), nullable=True),
        sa.Column('client_reported_at', UTC(), nullable=True),
        sa.Column('responded_at', UTC(), nullable=True),
        sa.Column('reminder_sent_at', UTC(), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('updated_at', UTC(), nullable=False),
        sa.CheckConstraint(_in('status', STATUSES), name='ck_referral_status'),
        sa.CheckConstraint(_null_or_in('reason', REASONS), name='ck_referral_reason'),
        sa.CheckConstraint(_null_or_in('reason_by', ACTORS), name='ck_referral_reason_by'),
        sa.CheckConstraint(_in('legal_basis', LEGAL_BASES), name='ck_referral_legal_basis'),
        sa.CheckConstraint(_null_or_in('client_report', CLIENT_REPORTS), name='ck_referral_client_report'),
        sa.ForeignKeyConstraint(['client_id'], ['referral_client.id'], ),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
        sa.ForeignKeyConstraint(['professional_id'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['voorziening_id'], ['voorziening.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('client_token'),
        sa.UniqueConstraint('reference'),
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_client_id', ['client_id'], unique=False)
        batch_op.create_index('ix_referral_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_referral_organisation_id', ['organisation_id'], unique=False)
        batch_op.create_index('ix_referral_professional_id', ['professional_id'], unique=False)
        batch_op.create_index('ix_referral_voorziening_id', ['voorziening_id'], unique=False)

    op.create_table(
        'consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('shared_fields', String(length=300), nullable=False),
        sa.Column('purpose', String(length=300), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('text_version', String(length=16), nullable=False),
        sa.Column('method', String(length=16), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('given_at', UTC(), nullable=False),
        sa.Column('withdrawn_at', UTC(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(_in('method', METHODS), name='ck_consent_method'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_referral_id', ['referral_id'], unique=False)

    op.create_table(
        'referral_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_kind', String(length=16), nullable=False),
        sa.Column('from_status', String(length=16), nullable=True),
        sa.Column('to_status', String(length=16), nullable=False),
        sa.Column('reason', String(length=24), nullable=True),
        sa.Column('note', String(length=300), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.CheckConstraint(_in('actor_kind', ACTORS), name='ck_referral_event_actor'),
        sa.CheckConstraint(_null_or_in('reason', REASONS), name='ck_referral_event_reason'),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.create_index('ix_referral_event_referral_id', ['referral_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_event_referral_id')
    op.drop_table('referral_event')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_referral_id')
    op.drop_table('consent')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        for name in ('ix_referral_voorziening_id', 'ix_referral_professional_id', 'ix_referral_organisation_id',
                     'ix_referral_created_at', 'ix_referral_client_id'):
            batch_op.drop_index(name)
    op.drop_table('referral')
    with op.batch_alter_table('referral_client', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_client_professional_id')
    op.drop_table('referral_client')

    # The unused tables of the first migration, as they were.
    op.create_table('referral_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', String(length=40), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('buurt_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['buurt_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['professional_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral_client', schema=None) as batch_op:
        batch_op.create_index('ix_referral_client_professional_id', ['professional_id'], unique=False)
    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('professional_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('voorziening_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('warm_handover', sa.Boolean(), nullable=False),
    sa.Column('status', String(length=16), nullable=False),
    sa.Column('not_started_reason', String(length=300), nullable=True),
    sa.Column('created_at', UTC(), nullable=False),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.CheckConstraint("status IN ('verwezen', 'aangemeld', 'gestart', 'afgerond', 'niet_gestart')",
                       name='ck_referral_status'),
    sa.ForeignKeyConstraint(['client_id'], ['referral_client.id'], ),
    sa.ForeignKeyConstraint(['professional_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['voorziening_id'], ['voorziening.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_client_id', ['client_id'], unique=False)
        batch_op.create_index('ix_referral_professional_id', ['professional_id'], unique=False)
        batch_op.create_index('ix_referral_voorziening_id', ['voorziening_id'], unique=False)
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('shared_fields', String(length=300), nullable=False),
    sa.Column('shared_with_organisation_id', sa.Integer(), nullable=False),
    sa.Column('given_at', UTC(), nullable=False),
    sa.Column('expires_at', UTC(), nullable=True),
    sa.Column('revoked_at', UTC(), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_with_organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_referral_id', ['referral_id'], unique=False)
