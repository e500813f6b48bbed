"""exchange packages

Revision ID: e7c3a1f05b62
Revises: 7c3e9a1f4b26
Create Date: 2026-12-04 09:00:00+00:00

What exchange packages need: the YAML text of a questionnaire version (filled in for the rows
loaded earlier only where it is known: the versions shipped in ``questionnaires/`` with the same
content hash), the e-mail address of whoever gave an answer without an account here, and the
public keys of trusted installations.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db
from assessment.questionnaires.fileformat import QUESTIONNAIRES, QuestionnaireFileError, parse_questionnaire

revision = 'e7c3a1f05b62'
down_revision = '7c3e9a1f4b26'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_yaml', sa.Text(), nullable=True))
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_by_email', sa.String(length=254), nullable=True))
    op.create_table('trusted_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('public_key', sa.String(length=100), nullable=False),
    sa.Column('added_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_trusted_keys_added_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_keys')),
    sa.UniqueConstraint('name', name=op.f('uq_trusted_keys_name')),
    sa.UniqueConstraint('public_key', name=op.f('uq_trusted_keys_public_key'))
    )
    _fill_known_sources()


def _fill_known_sources() -> None:
    """The text of a version loaded before it was kept is known only when it is a shipped file
    with the same key, version and content hash; the others stay empty (export says so)."""
    questionnaires = sa.table(
        'questionnaires',
        sa.column('key', sa.String),
        sa.column('version', sa.Integer),
        sa.column('content_hash', sa.String),
        sa.column('source_yaml', sa.Text),
    )
    for path in sorted(QUESTIONNAIRES.glob('*.yaml')):
        try:
            spec = parse_questionnaire(path.read_bytes(), source=str(path))
        except QuestionnaireFileError:
            continue
        op.execute(
            questionnaires.update()
            .where(
                questionnaires.c.key == spec.key,
                questionnaires.c.version == spec.version,
                questionnaires.c.content_hash == spec.content_hash,
                questionnaires.c.source_yaml.is_(None),
            )
            .values(source_yaml=spec.source)
        )


def downgrade() -> None:
    op.drop_table('trusted_keys')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('updated_by_email')
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.drop_column('source_yaml')
