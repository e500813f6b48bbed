"""ascii codes

Revision ID: b7d2e4f6a813
Revises: 91a3b5d9261a
Create Date: 2026-12-04 09:00:00.000000+00:00

Unit and round codes hold only ``A–Z 0–9 - _`` (``assessment/codes.py``): they go into addresses
and download file names. Existing codes with lower-case ASCII letters are written in capitals (the
app already took unit codes in capitals; round codes now too). Any other code, or two codes that
would become the same, stops the upgrade with a message that names them: change those by hand
first. Then a check constraint keeps it so, on SQLite and PostgreSQL alike.
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7d2e4f6a813'
down_revision = '91a3b5d9261a'
branch_labels = None
depends_on = None

ALLOWED = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


def _check(column="code"):
    # The rule of assessment/codes.py: stripping every allowed character leaves nothing.
    return f"{column} <> '' AND trim({column}, '{ALLOWED}') = ''"

TABLES = {"units": "eenheden", "rounds": "meetrondes"}


def _ascii_upper(code: str) -> str:
    return "".join(ch.upper() if ch.isascii() else ch for ch in code.strip())


def _valid(code: str) -> bool:
    return 1 <= len(code) <= 40 and all(ch in ALLOWED for ch in code)


def _add_rule(connection, table):
    if connection.dialect.name == "sqlite":
        # SQLite adds a check constraint only by copying the table, which the foreign keys that
        # point at units and rounds forbid inside a transaction: two triggers do the same.
        for event in ("INSERT", "UPDATE OF code"):
            name = f"{table}_code_ascii_{event.split()[0].lower()}"
            connection.execute(
                sa.text(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    f"WHEN NOT ({_check('NEW.code')}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_{table}_code_ascii'); END"
                )
            )
    else:
        op.create_check_constraint(op.f(f"ck_{table}_code_ascii"), table, _check())


def _drop_rule(connection, table):
    if connection.dialect.name == "sqlite":
        for event in ("insert", "update"):
            connection.execute(sa.text(f"DROP TRIGGER {table}_code_ascii_{event}"))
    else:
        op.drop_constraint(op.f(f"ck_{table}_code_ascii"), table, type_="check")


def upgrade():
    connection = op.get_bind()
    problems = []
    renames: dict[str, list[tuple[int, str]]] = {}
    for table, label in TABLES.items():
        rows = connection.execute(sa.text(f"SELECT id, code FROM {table}")).all()  # noqa: S608 (fixed names)
        new_codes = {row.id: _ascii_upper(row.code) for row in rows}
        bad = sorted(repr(row.code) for row in rows if not _valid(new_codes[row.id]))
        if bad:
            problems.append(f"{label} met tekens buiten A–Z, 0–9, - en _: {', '.join(bad)}")
        seen: dict[str, str] = {}
        for row in rows:
            other = seen.setdefault(new_codes[row.id], row.code)
            if other != row.code:
                problems.append(f"{label} {other!r} en {row.code!r} worden in hoofdletters dezelfde code")
        renames[table] = [(row.id, new_codes[row.id]) for row in rows if new_codes[row.id] != row.code]
    if problems:
        raise RuntimeError(
            "Migratie gestopt, er is niets gewijzigd. Pas deze codes eerst aan: " + "; ".join(problems)
        )
    for table, changes in renames.items():
        for id_, code in changes:
            connection.execute(
                sa.text(f"UPDATE {table} SET code = :code WHERE id = :id"),  # noqa: S608 (fixed names)
                {"code": code, "id": id_},
            )
        _add_rule(connection, table)


def downgrade():
    # The codes stay in capitals: which letters were lower case before is not kept.
    for table in TABLES:
        _drop_rule(op.get_bind(), table)
