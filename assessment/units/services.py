from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from assessment import formatting
from assessment.audit.services import record
from assessment.codes import is_valid_code, normalise_code
from assessment.db import session
from assessment.input_filter import has_control_characters
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


def get_unit(code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == normalise_code(code)))


def parse_unit_csv(data: bytes, *, source: str) -> list[UnitRow]:
    """Return the rows of a ``code;name;kind;parent_code`` file; raise UnitImportError per line."""
    try:
        text = data.decode("utf-8-sig")  # Excel writes a BOM
    except UnicodeDecodeError as exc:
        raise UnitImportError(
            [_("%(source)s: het bestand is geen UTF-8 (byte %(byte)s)", source=source, byte=exc.start)]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    rows: list[UnitRow] = []
    messages: list[str] = []
    seen: dict[str, int] = {}
    for line, record_ in _records(reader, source):
        if not record_ or all(not cell.strip() for cell in record_):
            continue
        cells = [cell.strip() for cell in record_]
        if line == 1 and [c.lower() for c in cells] == list(CSV_COLUMNS):
            continue  # header
        if len(cells) != len(CSV_COLUMNS):
            messages.append(
                _(
                    "%(source)s, regel %(line)s: %(n)s kolommen, verwacht 4 "
                    "(code;name;kind;parent_code, gescheiden door ;)",
                    source=source,
                    line=line,
                    n=len(cells),
                )
            )
            continue
        code, name, kind, parent = cells
        code = normalise_code(code)
        problems = []
        if not code:
            problems.append(_("code is leeg"))
        elif not is_valid_code(code):
            problems.append(
                _(
                    "code '%(code)s' mag alleen A–Z, 0–9, - en _ bevatten (hoogstens 40 tekens)",
                    code=code if code.isprintable() else ascii(code),
                )
            )
        problems.extend(
            _("%(column)s bevat een stuurteken (zoals NUL); dat is niet toegestaan", column=column)
            for column, cell in zip(CSV_COLUMNS, cells, strict=True)
            if has_control_characters(cell)
        )
        if not name:
            problems.append(_("name is leeg"))
        elif len(name) > 200:
            problems.append(_("name is langer dan 200 tekens"))
        if not kind:
            problems.append(_("kind is leeg"))
        elif len(kind) > 40:
            problems.append(_("kind is langer dan 40 tekens"))
        if code and code in seen:
            problems.append(_("code '%(code)s' staat ook al op regel %(line)s", code=code, line=seen[code]))
        if code and normalise_code(parent) == code:
            problems.append(_("een eenheid kan niet haar eigen bovenliggende eenheid zijn"))
        if problems:
            messages.extend(
                _("%(source)s, regel %(line)s: %(problem)s", source=source, line=line, problem=p)
                for p in problems
            )
            continue
        seen[code] = line
        rows.append(UnitRow(line, code, name, kind, normalise_code(parent) or None))
    if messages:
        raise UnitImportError(messages)
    return rows


def _records(reader: Iterator[list[str]], source: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each record; a field over the csv module's limit (128 KiB) is an error
    for the whole file, named by its line."""
    line = 0
    try:
        for line, record_ in enumerate(reader, start=1):
            yield line, record_
    except csv.Error:
        raise UnitImportError(
            [
                _(
                    "%(source)s, regel %(line)s: een veld is te lang (meer dan %(max)s tekens), "
                    "of een aanhalingsteken wordt niet gesloten",
                    source=source,
                    line=line + 1,
                    max=formatting.decimal(csv.field_size_limit(), 0),
                )
            ]
        ) from None


def import_units(rows: list[UnitRow], *, source: str) -> ImportResult:
    """Create or update the units in ``rows``; all or nothing. Running it twice changes nothing."""
    existing = {unit.code: unit for unit in session.scalars(select(Unit))}
    in_file = {row.code for row in rows}
    messages = [
        _(
            "%(source)s, regel %(line)s: bovenliggende eenheid '%(parent)s' bestaat niet "
            "(niet in het bestand en niet in de database)",
            source=source,
            line=row.line,
            parent=row.parent_code,
        )
        for row in rows
        if row.parent_code and row.parent_code not in in_file and row.parent_code not in existing
    ]
    messages += _cycles(rows, existing, source)
    if messages:
        raise UnitImportError(messages)

    created = updated = unchanged = 0
    units = dict(existing)
    changed_ids = []
    before: dict[str, dict[str, str | None] | None] = {}  # code → old values; None: new unit
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, name=row.name, kind=row.kind)
            session.add(unit)
            units[row.code] = unit
            created += 1
            before[row.code] = None
        elif (unit.name, unit.kind) != (row.name, row.kind) or _parent_code(unit) != row.parent_code:
            updated += 1
            changed_ids.append(unit.id)
            before[row.code] = {"name": unit.name, "kind": unit.kind, "parent": _parent_code(unit)}
        else:
            unchanged += 1
        unit.name, unit.kind = row.name, row.kind
    session.flush()
    for row in rows:
        units[row.code].parent = units[row.parent_code] if row.parent_code else None
    session.flush()
    # Every unit the file created or changed, with its old and new values; then the file itself.
    for code, old in before.items():
        unit = units[code]
        now = {"name": unit.name, "kind": unit.kind, "parent": _parent_code(unit)}
        action = "unit.create" if old is None else "unit.update"
        record(action, unit, old=old, new={**now, "file": source}, flush=False)
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
                    _(
                        "%(source)s, regel %(line)s: '%(code)s' komt via '%(parent)s' weer bij zichzelf uit (een kring)",
                        source=source,
                        line=row.line,
                        code=row.code,
                        parent=row.parent_code,
                    )
                )
                break
            seen.add(code)
            code = parents.get(code)
    return messages


# -- one unit at a time (the units pages) ----------------------------------------------------------


class UnitError(ValueError):
    """The unit cannot be created or changed as asked; the message says why, for the user."""


def _check(code: str, name: str, kind: str) -> None:
    if not is_valid_code(code):
        raise UnitError(_("de code mag alleen A–Z, 0–9, - en _ bevatten (hoogstens 40 tekens)"))
    if has_control_characters(name) or has_control_characters(kind):
        raise UnitError(_("naam en soort mogen geen stuurtekens (zoals NUL) bevatten"))
    if not name.strip() or len(name) > 200:
        raise UnitError(_("vul een naam in van hoogstens 200 tekens"))
    if not kind.strip() or len(kind) > 40:
        raise UnitError(_("vul een soort in van hoogstens 40 tekens"))


def create_unit(*, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    code = normalise_code(code)
    _check(code, name, kind)
    if get_unit(code) is not None:
        raise UnitError(_("er is al een eenheid met code %(code)s", code=code))
    unit = Unit(code=code, name=name.strip(), kind=kind.strip(), parent=parent)
    session.add(unit)
    session.flush()
    record(
        "unit.create", unit, new={"code": code, "name": unit.name, "parent": parent.code if parent else None}
    )
    return unit


def set_profile(unit: Unit, profile: str | None) -> bool:
    """Give the unit the kind of unit (a questionnaire profile key) that its questions are
    matched against; None: every question applies. True when it changed."""
    if unit.profile == profile:
        return False
    old = {"profile": unit.profile}
    unit.profile = profile
    session.flush()
    record("unit.update", unit, old=old, new={"profile": profile})
    return True


def update_unit(unit: Unit, *, name: str, kind: str, parent: Unit | None, is_active: bool) -> bool:
    """Rename, move under another parent (never under itself or its own part of the tree),
    deactivate or reactivate; True when anything changed. A deactivated unit takes part in no new
    round; what it filled in stays."""
    _check(unit.code, name, kind)
    ancestor = parent
    while ancestor is not None:
        if ancestor.id == unit.id:
            raise UnitError(_("een eenheid kan niet onder zichzelf of onder een eigen onderdeel vallen"))
        ancestor = ancestor.parent
    old = {"name": unit.name, "kind": unit.kind, "parent": _parent_code(unit), "active": unit.is_active}
    unit.name, unit.kind, unit.parent, unit.is_active = name.strip(), kind.strip(), parent, is_active
    new = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": parent.code if parent else None,
        "active": is_active,
    }
    if old == new:
        return False
    session.flush()
    record("unit.update", unit, old=old, new=new)
    if (old["name"], old["parent"]) != (new["name"], new["parent"]):
        raise_results_version_for_units([unit.id])  # names and parts of the tree are in the figures
    return True
