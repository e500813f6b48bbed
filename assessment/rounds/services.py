from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from assessment.assessments.models import Assessment
from assessment.audit.services import record
from assessment.codes import is_valid_code, normalise_code
from assessment.db import session
from assessment.input_filter import has_control_characters
from assessment.questionnaires.models import Questionnaire
from assessment.rounds.models import Round, RoundStatus, RoundTarget, Target
from assessment.units.models import Unit


class RoundError(ValueError):
    """The round cannot be created or changed as asked; the message says why, in Dutch."""


def raise_results_version(*round_ids: int) -> None:
    """Raise the results version of the rounds ``round_ids``: every cache of their figures, on
    every app server, rebuilds on its next read. Call it in the transaction that changes an
    input of the figures (an answer, a status, a target, a unit), as its last statement: it locks
    the round's row until the commit."""
    if round_ids:
        session.execute(
            update(Round)
            .where(Round.id.in_(sorted(set(round_ids))))
            .values(results_version=Round.results_version + 1)
        )


def raise_results_version_for_units(unit_ids: list[int]) -> None:
    """Raise the results version of every round in which one of ``unit_ids`` has an assessment."""
    if unit_ids:
        raise_results_version(
            *session.scalars(select(Assessment.round_id).where(Assessment.unit_id.in_(unit_ids)).distinct())
        )


def get_round(code: str) -> Round | None:
    return session.scalar(select(Round).where(Round.code == normalise_code(code)))


def create_round(
    *,
    code: str,
    name: str,
    questionnaire: Questionnaire,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    targets: dict[int, int] | None = None,
    scope_unit: Unit | None = None,
) -> Round:
    """Return a new planned round, with a default target per speerpunt (``targets`` by theme id,
    else the questionnaire's own) for every active unit, or for ``scope_unit``'s part of the tree."""
    code = normalise_code(code)
    if not is_valid_code(code):
        raise RoundError(
            _(
                "'%(code)s' is geen geldige code: gebruik A–Z, 0–9, - of _ (bijvoorbeeld 2026-1)",
                code=code if code.isprintable() else ascii(code),
            )
        )
    if get_round(code) is not None:
        raise RoundError(_("ronde %(code)s bestaat al", code=code))
    if not name.strip():
        raise RoundError(_("de naam mag niet leeg zijn"))
    if has_control_characters(name):
        raise RoundError(_("de naam mag geen stuurtekens (zoals NUL) bevatten"))
    if opens_on and closes_on and closes_on < opens_on:
        raise RoundError(_("de sluitdatum ligt voor de openingsdatum"))
    levels = {s.level for s in questionnaire.scale}
    chosen = {theme.id: (targets or {}).get(theme.id, theme.default_target) for theme in questionnaire.themes}
    if any(level not in levels for level in chosen.values()):
        raise RoundError(_("een doel moet een niveau van de schaal zijn"))
    round_ = Round(
        code=code,
        name=name.strip(),
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        scope_unit=scope_unit,
        default_targets=[RoundTarget(theme=theme, level=chosen[theme.id]) for theme in questionnaire.themes],
    )
    session.add(round_)
    session.flush()
    record(
        "round.create",
        round_,
        new={
            "code": code,
            "questionnaire": questionnaire.label,
            "units": scope_unit.code if scope_unit else "all",
            "targets": {t.theme.key: t.level for t in round_.default_targets},
        },
    )
    return round_


def units_taking_part(round_: Round) -> list[Unit]:
    """The active units of the round's part of the tree (every active unit without one)."""
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    if round_.scope_unit_id is not None:
        children: dict[int | None, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        inside, todo = set(), [u for u in units if u.id == round_.scope_unit_id]
        while todo:
            unit = todo.pop()
            if unit.id not in inside:
                inside.add(unit.id)
                todo.extend(children.get(unit.id, []))
        units = [u for u in units if u.id in inside]
    return [u for u in units if u.is_active]


def set_default_targets(round_: Round, levels: dict[int, int]) -> int:
    """Change the round's default target per theme id while it is not closed; return how many
    changed. The figures of every unit that follows the default change with them."""
    if round_.status is RoundStatus.CLOSED:
        raise RoundError(_("ronde %(code)s is gesloten: de doelen liggen vast", code=round_.code))
    allowed = {s.level for s in round_.questionnaire.scale}
    old, new = {}, {}
    for target in round_.default_targets:
        level = levels.get(target.theme_id, target.level)
        if level not in allowed:
            raise RoundError(_("een doel moet een niveau van de schaal zijn"))
        if level != target.level:
            old[target.theme.key], new[target.theme.key] = target.level, level
            target.level = level
    if new:
        session.flush()
        record("round.targets", round_, old=old, new=new)
        raise_results_version(round_.id)
    return len(new)


def participation(round_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per round id: the number of assessments per status value, in one query."""
    counts: dict[int, dict[str, int]] = {i: {} for i in round_ids}
    if round_ids:
        rows = session.execute(
            select(Assessment.round_id, Assessment.status, func.count())
            .where(Assessment.round_id.in_(round_ids))
            .group_by(Assessment.round_id, Assessment.status)
        )
        for round_id, status, n in rows:
            counts[round_id][status.value] = n
    return counts


def open_round(round_: Round) -> int:
    """Open (or reopen) the round and give every active unit in it that has none a draft
    assessment; return how many were made."""
    have = set(session.scalars(select(Assessment.unit_id).where(Assessment.round_id == round_.id)))
    drafts = {
        unit.code: Assessment(round_id=round_.id, unit_id=unit.id)
        for unit in units_taking_part(round_)
        if unit.id not in have
    }
    session.add_all(drafts.values())
    old = round_.status
    round_.status = RoundStatus.OPEN
    session.flush()
    raise_results_version(round_.id)
    if old is not RoundStatus.OPEN:
        record("round.open", round_, old={"status": old.value}, new={"status": "open"})
    for code, draft in drafts.items():
        record(
            "assessment.create",
            draft,
            new={"status": "draft", "round": round_.code, "unit": code},
            flush=False,
        )
    session.flush()
    return len(drafts)


def close_round(round_: Round) -> None:
    if round_.status is not RoundStatus.OPEN:
        raise RoundError(_("ronde %(code)s is niet open", code=round_.code))
    old = round_.status
    round_.status = RoundStatus.CLOSED
    session.flush()
    raise_results_version(round_.id)
    record("round.close", round_, old={"status": old.value}, new={"status": "closed"})


def list_rounds() -> list[Round]:
    return list(session.scalars(select(Round).order_by(Round.created_at.desc())))


def targets_table(round_: Round) -> tuple[list[Unit], dict[int, dict[int, int]], dict[int, int]]:
    """Return the active units with an assessment in the round, their own targets
    (unit id → theme id → level) and the round's defaults (theme id → level)."""
    units = list(
        session.scalars(
            select(Unit)
            .join(Assessment, Assessment.unit_id == Unit.id)
            .where(Assessment.round_id == round_.id)
            .order_by(Unit.code)
        )
    )
    own: dict[int, dict[int, int]] = {unit.id: {} for unit in units}
    for target in session.scalars(select(Target).where(Target.round_id == round_.id)):
        own.setdefault(target.unit_id, {})[target.theme_id] = target.level
    defaults = {t.theme_id: t.level for t in round_.default_targets}
    return units, own, defaults


def set_unit_targets(round_: Round, unit: Unit, levels: dict[int, int]) -> int:
    """Store the unit's targets per theme id; a level equal to the round's default removes the
    unit's own target. Return how many changed; every change goes to the audit log."""
    if round_.status is RoundStatus.CLOSED:
        raise RoundError(_("ronde %(code)s is gesloten: de doelen liggen vast", code=round_.code))
    top = round_.questionnaire.top_level
    defaults = {t.theme_id: t.level for t in round_.default_targets}
    themes = {theme.id: theme for theme in round_.questionnaire.themes}
    existing = {
        t.theme_id: t
        for t in session.scalars(
            select(Target).where(Target.round_id == round_.id, Target.unit_id == unit.id)
        )
    }
    old: dict[str, int] = {}
    new: dict[str, int] = {}
    for theme_id, level in levels.items():
        if theme_id not in themes or not 1 <= level <= top:
            raise RoundError(_("een doel hoort bij een speerpunt van deze ronde en ligt op de schaal"))
        current = existing[theme_id].level if theme_id in existing else defaults[theme_id]
        if level == current:
            continue
        key = themes[theme_id].key
        old[key], new[key] = current, level
        if level == defaults[theme_id]:
            session.delete(existing.pop(theme_id))
        elif theme_id in existing:
            existing[theme_id].level = level
        else:
            session.add(Target(round_id=round_.id, unit_id=unit.id, theme_id=theme_id, level=level))
    session.flush()
    if new:
        record("target.set", ("targets", f"{round_.code}/{unit.code}"), old=old, new=new)
        raise_results_version(round_.id)
    return len(new)
