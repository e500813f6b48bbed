"""invitations

Revision ID: 2c6e8d4f1a90
Revises: 9d1f3a7c5e21
Create Date: 2026-12-04 02:00:00+00:00

One-time links with which a user sets his own password (a new account, or a reset by an admin).
"""

import sqlalchemy as sa
from alembic import op

import assessment.db

revision = '2c6e8d4f1a90'
down_revision = '9d1f3a7c5e21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', assessment.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash')),
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
    op.drop_table('invitations')
