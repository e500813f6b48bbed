from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from assessment.audit.services import record
from assessment.db import session
from assessment.rounds.services import raise_results_version_for_units
from assessment.units.models import Unit

CSV_COLUMNS = ("code", "name", "kind", "parent_code")


class UnitImportError(ValueError):
    """The file cannot be imported; ``messages`` name each line. Nothing was stored."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def normalise_code(code: str) -> str:
    return code.strip().upper()


def get_unit(code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == normalise_code(code)))


def parse_unit_csv(data: bytes, *, source: str) -> list[UnitRow]:
    """Return the rows of a ``code;name;kind;parent_code`` file; raise UnitImportError per line."""
    try:
        text = data.decode("utf-8-sig")  # Excel writes a BOM
    except UnicodeDecodeError as exc:
        raise UnitImportError([f"{source}: het bestand is geen UTF-8 (byte {exc.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    rows: list[UnitRow] = []
    messages: list[str] = []
    seen: dict[str, int] = {}
    for line, record_ in enumerate(reader, start=1):
        if not record_ or all(not cell.strip() for cell in record_):
            continue
        cells = [cell.strip() for cell in record_]
        if line == 1 and [c.lower() for c in cells] == list(CSV_COLUMNS):
            continue  # header
        if len(cells) != len(CSV_COLUMNS):
            messages.append(
                f"{source}, regel {line}: {len(cells)} kolommen, verwacht 4 "
                "(code;name;kind;parent_code, gescheiden door ;)"
            )
            continue
        code, name, kind, parent = cells
        code = normalise_code(code)
        problems = []
        if not code:
            problems.append("code is leeg")
        elif len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code):
            problems.append(
                f"code '{code}' mag alleen letters, cijfers, - en _ bevatten (hoogstens 40 tekens)"
            )
        if not name:
            problems.append("name is leeg")
        elif len(name) > 200:
            problems.append("name is langer dan 200 tekens")
        if not kind:
            problems.append("kind is leeg")
        elif len(kind) > 40:
            problems.append("kind is langer dan 40 tekens")
        if code and code in seen:
            problems.append(f"code '{code}' staat ook al op regel {seen[code]}")
        if code and normalise_code(parent) == code:
            problems.append("een eenheid kan niet haar eigen bovenliggende eenheid zijn")
        if problems:
            messages.extend(f"{source}, regel {line}: {p}" for p in problems)
            continue
        seen[code] = line
        rows.append(UnitRow(line, code, name, kind, normalise_code(parent) or None))
    if messages:
        raise UnitImportError(messages)
    return rows


def import_units(rows: list[UnitRow], *, source: str) -> ImportResult:
    """Create or update the units in ``rows``; all or nothing. Running it twice changes nothing."""
    existing = {unit.code: unit for unit in session.scalars(select(Unit))}
    in_file = {row.code for row in rows}
    messages = [
        f"{source}, regel {row.line}: bovenliggende eenheid '{row.parent_code}' bestaat niet "
        "(niet in het bestand en niet in de database)"
        for row in rows
        if row.parent_code and row.parent_code not in in_file and row.parent_code not in existing
    ]
    messages += _cycles(rows, existing, source)
    if messages:
        raise UnitImportError(messages)

    created = updated = unchanged = 0
    units = dict(existing)
    changed_ids = []
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, name=row.name, kind=row.kind)
            session.add(unit)
            units[row.code] = unit
            created += 1
        elif (unit.name, unit.kind) != (row.name, row.kind) or _parent_code(unit) != row.parent_code:
            updated += 1
            changed_ids.append(unit.id)
        else:
            unchanged += 1
        unit.name, unit.kind = row.name, row.kind
    session.flush()
    for row in rows:
        units[row.code].parent = units[row.parent_code] if row.parent_code else None
    session.flush()
    if created or updated:
        record("unit.import", ("units", source[-60:]), new={"created": created, "updated": updated})
    # A renamed or moved unit changes the figures (names, parts of the tree) of its rounds.
    raise_results_version_for_units(changed_ids)
    return ImportResult(created, updated, unchanged)


def _parent_code(unit: Unit) -> str | None:
    return unit.parent.code if unit.parent else None


def _cycles(rows: list[UnitRow], existing: dict[str, Unit], source: str) -> list[str]:
    parents = {code: _parent_code(unit) for code, unit in existing.items()}
    parents.update({row.code: row.parent_code for row in rows})
    messages = []
    for row in rows:
        seen = {row.code}
        code = parents.get(row.code)
        while code is not None:
            if code in seen:
                messages.append(
                    f"{source}, regel {row.line}: '{row.code}' komt via "
                    f"'{row.parent_code}' weer bij zichzelf uit (een kring)"
                )
                break
            seen.add(code)
            code = parents.get(code)
    return messages
