"""user sessions and token expiry

Revision ID: 7e3f1c9a2b64
Revises: b7d2e4f6a813
Create Date: 2026-12-04 08:30:00+00:00

A record per login, which logout, a password change, deactivation and an admin's "log out
everywhere" delete; an optional last day for API tokens.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db

revision = '7e3f1c9a2b64'
down_revision = 'b7d2e4f6a813'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('client_address', sa.String(length=64), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash')),
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', assessment.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
