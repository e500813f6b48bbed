"""audit append only

Revision ID: 7c3e9a1f4b26
Revises: 7e3f1c9a2b64
Create Date: 2026-12-04 09:00:00.000000+00:00

The audit trail cannot be rewritten: a trigger on ``audit_events`` refuses every UPDATE and DELETE
(PostgreSQL also TRUNCATE), whoever sends it. Events get the client's address. The foreign key to
``users`` becomes RESTRICT: with SET NULL, deleting an account would update its events, which the
trigger refuses anyway; accounts are deactivated instead.

On SQLite a later batch migration that recreates ``audit_events`` drops these triggers with the
old table: such a migration must create them again (``create_triggers``).
"""

import sqlalchemy as sa
from alembic import op

revision = '7c3e9a1f4b26'
down_revision = '7e3f1c9a2b64'
branch_labels = None
depends_on = None

MESSAGE = "audit_events is append-only: events cannot be changed or deleted"

POSTGRESQL_UP = [
    f"""
    CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_refuse_change()",
]
SQLITE_UP = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} (UPDATE refused)'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} (DELETE refused)'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
    "DROP TRIGGER IF EXISTS audit_events_no_update",
]


def create_triggers() -> None:
    for statement in POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def drop_triggers() -> None:
    for statement in POSTGRESQL_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_address', sa.String(length=45), nullable=True))
        batch_op.drop_constraint('fk_audit_events_actor_id_users', type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_audit_events_actor_id_users'), 'users', ['actor_id'], ['id'], ondelete='RESTRICT'
        )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_audit_events_actor_id_users', type_='foreignkey')
        batch_op.create_foreign_key(
            batch_op.f('fk_audit_events_actor_id_users'), 'users', ['actor_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.drop_column('client_address')
