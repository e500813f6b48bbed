"""round scope

Revision ID: 5a7b9c1d3e42
Revises: 2c6e8d4f1a90
Create Date: 2026-12-04 03:00:00+00:00

A round can be for a part of the tree only: the unit at its top (empty: every active unit).
"""

import sqlalchemy as sa
from alembic import op

revision = '5a7b9c1d3e42'
down_revision = '2c6e8d4f1a90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_rounds_scope_unit_id_units'), 'units', ['scope_unit_id'], ['id'], ondelete='RESTRICT'
        )


def downgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rounds_scope_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('scope_unit_id')
