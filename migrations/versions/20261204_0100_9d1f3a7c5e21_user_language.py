"""user language

Revision ID: 9d1f3a7c5e21
Revises: 4b7e2c91d0a3
Create Date: 2026-12-04 01:00:00+00:00

The interface language a user chose with the switch in the header (empty: his browser decides).
"""

import sqlalchemy as sa
from alembic import op

revision = '9d1f3a7c5e21'
down_revision = '4b7e2c91d0a3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
