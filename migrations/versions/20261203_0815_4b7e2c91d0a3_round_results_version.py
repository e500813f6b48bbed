"""round results version

Revision ID: 4b7e2c91d0a3
Revises: 805363c968c3
Create Date: 2026-12-03 08:15:00+00:00

Every service that changes an input of a round's figures raises ``rounds.results_version`` in
the same transaction; the read side's caches (on every app server) are keyed on it.
"""

import sqlalchemy as sa
from alembic import op

revision = '4b7e2c91d0a3'
down_revision = '805363c968c3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOT NULL on a table with rows: add with a server default (fills existing rows), then drop it.
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('results_version', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('results_version')
