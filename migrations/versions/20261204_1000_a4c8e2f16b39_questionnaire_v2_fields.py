"""questionnaire format version 2: why, source, respondent, profiles and evidence per question,
a glossary and unit profiles per questionnaire, a profile per unit

Revision ID: a4c8e2f16b39
Revises: e7c3a1f05b62
Create Date: 2026-12-04 10:00:00+00:00

Every new column is nullable: a version 1 questionnaire has none of them, and a unit without a
profile is asked every question.
"""

import sqlalchemy as sa
from alembic import op

revision = 'a4c8e2f16b39'
down_revision = 'e7c3a1f05b62'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('profiles', sa.JSON(), nullable=True))
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('why_nl', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('why_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('source_theme_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('source_nl', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('source_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('respondent', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('profiles', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=True))
    op.add_column('units', sa.Column('profile', sa.String(length=40), nullable=True))


def downgrade() -> None:
    # Not in batch mode: on SQLite a batch rebuilds the table and loses the triggers that guard
    # unit codes (ascii_codes); SQLite 3.35+ drops a column in place.
    op.drop_column('units', 'profile')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        for column in (
            'evidence', 'profiles', 'respondent', 'source_en', 'source_nl', 'source_theme_key', 'why_en',
            'why_nl',
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('profiles')
        batch_op.drop_column('terms')
