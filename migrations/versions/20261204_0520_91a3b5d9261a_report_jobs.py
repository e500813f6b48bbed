"""report jobs

Revision ID: 91a3b5d9261a
Revises: 5a7b9c1d3e42
Create Date: 2026-12-04 05:20:16.209423+00:00

Report jobs and their items (one unit report each, the PDF kept in the database). On PostgreSQL
also the four tables of the job queue (Huey's PostgresHuey, table prefix ``queue``), written out
as Huey 3.5 makes them: the application's database user needs no right to create tables at run
time. They belong to Huey, not to the models (``migrations/env.py`` leaves them out of the
comparison). SQLite keeps its queue in a file of its own, beside the database.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db

revision = '91a3b5d9261a'
down_revision = '5a7b9c1d3e42'
branch_labels = None
depends_on = None

QUEUE_TABLES = [
    "create table if not exists queue_kv (queue text not null, key text not null, "
    "value bytea not null, primary key(queue, key))",
    "create table if not exists queue_schedule (id bigserial primary key, queue text not null, "
    "data bytea not null, timestamp double precision not null)",
    "create index if not exists queue_schedule_queue_timestamp on queue_schedule (queue, timestamp)",
    "create table if not exists queue_task (id bigserial primary key, queue text not null, "
    "data bytea not null, priority double precision not null default 0.0)",
    "create index if not exists queue_task_queue_priority_id on queue_task (queue, priority desc, id)",
    "create table if not exists queue_counter (queue text not null, key text not null, "
    "value bigint not null default 0, primary key(queue, key))",
]


def upgrade() -> None:
    op.create_table('report_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('scope_unit_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', assessment.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', assessment.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_report_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_report_jobs_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['units.id'], name=op.f('fk_report_jobs_scope_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_jobs'))
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_jobs_round_id'), ['round_id'], unique=False)

    op.create_table('report_job_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=40), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'running', 'done', 'failed', name='report_item_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', assessment.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', assessment.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_report_job_items_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['report_jobs.id'], name=op.f('fk_report_job_items_job_id_report_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_job_items')),
    sa.UniqueConstraint('job_id', 'assessment_id', name=op.f('uq_report_job_items_job_id_assessment_id'))
    )
    with op.batch_alter_table('report_job_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_job_items_job_id'), ['job_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for statement in QUEUE_TABLES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("queue_kv", "queue_schedule", "queue_task", "queue_counter"):
            op.execute(f"drop table if exists {table}")
    with op.batch_alter_table('report_job_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_job_items_job_id'))

    op.drop_table('report_job_items')
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_jobs_round_id'))

    op.drop_table('report_jobs')
