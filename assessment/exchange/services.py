"""Export a round's assessments as a package, and import one: plan first, then all or nothing.

What a package holds (format version 1; ``package.py`` writes and reads the file):

``round.json``          code, name, status, dates, created_at, questionnaire key + version and
                        the default target per speerpunt (by speerpunt key)
``questionnaire.json``  key, version, content_hash and the original YAML text
``units.json``          the chosen units and the units above them: code, name, kind, parent
                        code, active; parents before children
``targets.json``        the units' own targets: unit code, speerpunt key, level
``assessments.json``    per chosen unit: status, version, return reason, times, who submitted
                        and who decided (e-mail), the answers by question key (level or n.v.t.,
                        toelichting, when, who as e-mail) and the audit events of the assessment

Import rules (the plan lists each case before anything is stored):

- The questionnaire version is reused when it is here with the same content hash; the same key
  and version with another hash is refused. A round is matched by code, a unit by code; what
  is missing here is added. Accounts are never made: an e-mail address without an account here
  is kept on the answer (``Answer.updated_by_email``).
- An assessment further along here (draft < returned < submitted < approved) than in the
  package is left as it is. Otherwise every answer that is new here is added; an answer that
  is empty here takes the package's value (a changed answer); an answer that differs on both
  sides is a conflict and stays as it is here, unless the package is preferred. A status
  further along in the package is taken over.
- Audit events of the assessment that are not here yet are added (the same moment, action,
  person and values are the same event), so a second import of the same package changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.audit.services import record
from assessment.auth.models import User
from assessment.db import session
from assessment.exchange.models import TrustedKey
from assessment.exchange.package import Package, PackageError, canonical_json, parse_public_key
from assessment.questionnaires.fileformat import QuestionnaireFileError, parse_questionnaire
from assessment.questionnaires.models import Question, Questionnaire, Theme
from assessment.questionnaires.services import get_questionnaire, store_questionnaire
from assessment.rounds.models import Round, RoundStatus, RoundTarget, Target
from assessment.rounds.services import raise_results_version
from assessment.units.models import Unit

# How far an assessment is; one further along here is not overwritten by a package.
PROGRESS = {
    AssessmentStatus.DRAFT: 0,
    AssessmentStatus.RETURNED: 1,
    AssessmentStatus.SUBMITTED: 2,
    AssessmentStatus.APPROVED: 3,
}


class ExchangeError(ValueError):
    """Export or import cannot go ahead; the message says why, in one Dutch line."""


def app_version() -> str:
    """The producing application's version, for the manifest."""
    try:
        return metadata.version("dts-volwassenheidsscan")
    except metadata.PackageNotFoundError:
        return "onbekend"


# -- keys ------------------------------------------------------------------------------------------


def trust_key(name: str, public_key: str, *, user: User | None = None) -> TrustedKey:
    """Register ``public_key`` of another installation as trusted under ``name``."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ExchangeError("geef een naam van 1 tot 100 tekens")
    public_key = public_key.strip()
    try:
        parse_public_key(public_key)
    except PackageError as exc:
        raise ExchangeError(str(exc)) from None
    if session.scalar(select(TrustedKey).where(TrustedKey.name == name)) is not None:
        raise ExchangeError(f"er is al een vertrouwde sleutel met de naam {name}")
    existing = session.scalar(select(TrustedKey).where(TrustedKey.public_key == public_key))
    if existing is not None:
        raise ExchangeError(f"deze sleutel wordt al vertrouwd, onder de naam {existing.name}")
    key = TrustedKey(name=name, public_key=public_key, added_by=user)
    session.add(key)
    session.flush()
    record("exchange.trust", key, new={"name": name, "public_key": public_key}, actor=user)
    return key


def trusted_keys() -> list[TrustedKey]:
    return list(session.scalars(select(TrustedKey).order_by(TrustedKey.name)))


# -- export ----------------------------------------------------------------------------------------


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _email(user: User | None, fallback: str | None = None) -> str | None:
    return user.email if user is not None else fallback


def export_round(round_code: str, unit_codes: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, int]]:
    """Return the members of a package for round ``round_code`` (all its assessments, or those of
    ``unit_codes``) and their counts; ExchangeError when the round, a unit or the questionnaire's
    text is missing."""
    round_ = session.scalar(
        select(Round).where(Round.code == round_code.strip()).options(selectinload(Round.default_targets))
    )
    if round_ is None:
        raise ExchangeError(f"meetronde {round_code} bestaat niet")
    questionnaire = round_.questionnaire
    if questionnaire.source_yaml is None:
        raise ExchangeError(
            f"van vragenlijst {questionnaire.label} is de tekst niet bewaard (geladen vóór deze "
            "versie van de applicatie); laad het YAML-bestand nog eens met 'assessment "
            "questionnaire load' en exporteer dan opnieuw"
        )
    query = (
        select(Assessment)
        .where(Assessment.round_id == round_.id)
        .join(Assessment.unit)
        .options(
            selectinload(Assessment.answers).selectinload(Answer.question),
            selectinload(Assessment.answers).selectinload(Answer.updated_by),
        )
        .order_by(Unit.code)
    )
    codes = sorted({code.strip() for code in unit_codes})
    chosen: list[Unit] = []
    if codes:
        chosen = list(session.scalars(select(Unit).where(Unit.code.in_(codes))))
        missing = sorted(set(codes) - {unit.code for unit in chosen})
        if missing:
            raise ExchangeError(f"eenheid {missing[0]} bestaat niet")
        query = query.where(Assessment.unit_id.in_([unit.id for unit in chosen]))
    assessments = list(session.scalars(query))
    chosen = chosen or [a.unit for a in assessments]
    units = _with_ancestors(chosen)
    unit_ids = [unit.id for unit in chosen]
    targets = session.scalars(
        select(Target).where(Target.round_id == round_.id, Target.unit_id.in_(unit_ids))
    ).all()
    events = _events_of([a.id for a in assessments])
    members = {
        "round.json": {
            "code": round_.code,
            "name": round_.name,
            "status": round_.status.value,
            "opens_on": _iso(round_.opens_on),
            "closes_on": _iso(round_.closes_on),
            "created_at": _iso(round_.created_at),
            "questionnaire": {"key": questionnaire.key, "version": questionnaire.version},
            "default_targets": {t.theme.key: t.level for t in round_.default_targets},
        },
        "questionnaire.json": {
            "key": questionnaire.key,
            "version": questionnaire.version,
            "content_hash": questionnaire.content_hash,
            "yaml": questionnaire.source_yaml,
        },
        "units.json": [
            {
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "parent": unit.parent.code if unit.parent is not None else None,
                "is_active": unit.is_active,
            }
            for unit in units
        ],
        "targets.json": sorted(
            ({"unit": t.unit.code, "theme": t.theme.key, "level": t.level} for t in targets),
            key=lambda t: (t["unit"], t["theme"]),
        ),
        "assessments.json": [_assessment_data(a, events.get(a.id, [])) for a in assessments],
    }
    counts = {
        "units": len(units),
        "assessments": len(assessments),
        "answers": sum(len(a.answers) for a in assessments),
        "targets": len(targets),
        "audit_events": sum(len(e) for e in events.values()),
    }
    return members, counts


def units_in_round(round_id: int) -> list[Unit]:
    """The units with an assessment in the round, by code: what a package can hold."""
    return list(
        session.scalars(
            select(Unit)
            .join(Assessment, Assessment.unit_id == Unit.id)
            .where(Assessment.round_id == round_id)
            .order_by(Unit.code)
        )
    )


def _with_ancestors(units: list[Unit]) -> list[Unit]:
    """``units`` and every unit above them, parents before children, then by code."""
    seen: dict[str, tuple[int, Unit]] = {}
    for unit in units:
        chain = []
        current: Unit | None = unit
        while current is not None and current.code not in seen:
            chain.append(current)
            current = current.parent
        for depth_unit in chain:
            depth, above = 0, depth_unit.parent
            while above is not None:
                depth, above = depth + 1, above.parent
            seen[depth_unit.code] = (depth, depth_unit)
    return [unit for _, unit in sorted(seen.values(), key=lambda pair: (pair[0], pair[1].code))]


def _events_of(assessment_ids: list[int]) -> dict[int, list[AuditEvent]]:
    events: dict[int, list[AuditEvent]] = {}
    if not assessment_ids:
        return events
    rows = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == Assessment.__tablename__,
            AuditEvent.object_id.in_([str(i) for i in assessment_ids]),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    for event in rows:
        events.setdefault(int(event.object_id), []).append(event)
    return events


def _assessment_data(assessment: Assessment, events: list[AuditEvent]) -> dict[str, Any]:
    answers = sorted(assessment.answers, key=lambda a: a.question.key)
    return {
        "unit": assessment.unit.code,
        "status": assessment.status.value,
        "version": assessment.version,
        "return_reason": assessment.return_reason,
        "created_at": _iso(assessment.created_at),
        "updated_at": _iso(assessment.updated_at),
        "submitted_at": _iso(assessment.submitted_at),
        "submitted_by": _email(assessment.submitted_by),
        "decided_at": _iso(assessment.decided_at),
        "decided_by": _email(assessment.decided_by),
        "answers": [
            {
                "question": answer.question.key,
                "level": answer.level,
                "not_applicable": answer.is_not_applicable,
                "comment": answer.comment,
                "updated_at": _iso(answer.updated_at),
                "updated_by": _email(answer.updated_by, answer.updated_by_email),
            }
            for answer in answers
        ],
        "events": [_event_data(event) for event in events],
    }


def _event_data(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": _iso(event.created_at),
        "actor": event.actor_email,
        "action": event.action,
        "old": event.old,
        "new": event.new,
    }


# -- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    unit: str
    question: str
    here: str
    package: str


@dataclass
class Plan:
    """What an import does (or did); ``lines()`` says it in Dutch."""

    questionnaire: str
    questionnaire_is_new: bool
    round_code: str
    round_is_new: bool
    prefer_package: bool
    signer: str  # the trusted key's name, or why the package is unverified
    new_units: list[str] = field(default_factory=list)
    new_assessments: list[str] = field(default_factory=list)
    new_answers: int = 0
    changed_answers: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    further_here: list[str] = field(default_factory=list)
    status_changes: list[str] = field(default_factory=list)
    new_targets: int = 0
    target_conflicts: list[str] = field(default_factory=list)
    new_events: int = 0

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.questionnaire_is_new
            or self.round_is_new
            or self.new_units
            or self.new_assessments
            or self.new_answers
            or self.changed_answers
            or (self.prefer_package and (self.conflicts or self.target_conflicts))
            or self.status_changes
            or self.new_targets
            or self.new_events
        )

    def lines(self) -> list[str]:
        new = "nieuw" if self.questionnaire_is_new else "bestaat al"
        lines = [
            f"Ondertekend door: {self.signer}",
            f"Vragenlijst {self.questionnaire}: {new}",
            f"Meetronde {self.round_code}: {'nieuw' if self.round_is_new else 'bestaat al'}",
            f"Nieuwe eenheden: {len(self.new_units)}"
            + (f" ({', '.join(self.new_units)})" if self.new_units else ""),
            f"Nieuwe vragenlijsten van eenheden: {len(self.new_assessments)}",
            f"Nieuwe antwoorden: {self.new_answers}",
            f"Gewijzigde antwoorden: {self.changed_answers}",
            f"Conflicten: {len(self.conflicts) + len(self.target_conflicts)}",
        ]
        outcome = "het pakket gaat voor" if self.prefer_package else "blijft zoals hier"
        lines += [
            f"  {c.unit} {c.question}: hier {c.here}, in het pakket {c.package} ({outcome})"
            for c in self.conflicts
        ]
        lines += [f"  {conflict} ({outcome})" for conflict in self.target_conflicts]
        if self.further_here:
            lines.append("Hier verder gevorderd, niet overschreven: " + ", ".join(self.further_here))
        lines += [f"Status: {change}" for change in self.status_changes]
        lines.append(f"Nieuwe doelen: {self.new_targets}")
        lines.append(f"Nieuwe auditregels: {self.new_events}")
        if not self.changes_anything:
            lines.append("Dit pakket verandert niets: alles staat er al.")
        return lines


def check_signer(package: Package, *, unverified: bool) -> tuple[str, bool]:
    """Return who signed ``package`` (the trusted installation's name) and whether that is
    verified; without ``unverified`` an unsigned package, a signature that does not verify or a
    key that is not trusted here raises ExchangeError."""
    if package.signer is None:
        problem = "het pakket is niet ondertekend"
    elif not package.signature_valid:
        problem = "de handtekening van het pakket klopt niet: het is gewijzigd of vervalst"
    else:
        trusted = session.scalar(select(TrustedKey).where(TrustedKey.public_key == package.signer))
        if trusted is not None:
            return trusted.name, True
        problem = (
            f"het pakket is ondertekend met een sleutel die hier niet vertrouwd wordt ({package.signer}); "
            "registreer die met 'assessment exchange trust'"
        )
    if not unverified:
        raise ExchangeError(f"{problem}. Inlezen kan dan alleen als ongecontroleerd pakket (--unverified)")
    return f"ONGECONTROLEERD ({problem})", False


def import_package(
    package: Package,
    *,
    prefer_package: bool = False,
    unverified: bool = False,
    dry_run: bool = False,
    user: User | None = None,
) -> Plan:
    """Return the plan of importing ``package`` and, unless ``dry_run``, carry it out (flushed in
    the caller's transaction: all or nothing). ExchangeError when the package cannot be used."""
    signer, verified = check_signer(package, unverified=unverified)
    nested = session.begin_nested()
    try:
        plan = _Importer(package, prefer_package=prefer_package, signer=signer, user=user).run()
        if plan.changes_anything or not verified:
            record(
                "exchange.import",
                ("exchange", package.digest[:60]),
                new={
                    "round": plan.round_code,
                    "signer": signer,
                    "verified": verified,
                    "prefer_package": prefer_package,
                    "new_answers": plan.new_answers,
                    "changed_answers": plan.changed_answers,
                    "conflicts": len(plan.conflicts) + len(plan.target_conflicts),
                },
                actor=user,
            )
    except BaseException:
        nested.rollback()
        raise
    if dry_run:
        nested.rollback()
    else:
        nested.commit()
    return plan


def _value(level: int | None, not_applicable: bool) -> str:
    if not_applicable:
        return "n.v.t."
    return "leeg" if level is None else str(level)


def _datetime(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


class _Importer:
    def __init__(self, package: Package, *, prefer_package: bool, signer: str, user: User | None) -> None:
        self.members = package.members
        self.prefer_package = prefer_package
        self.signer = signer
        self.user = user
        self.users: dict[str, User] = {}

    def run(self) -> Plan:
        try:
            return self._run()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, ExchangeError):
                raise
            raise ExchangeError(
                f"de inhoud van het pakket is niet volledig of niet geldig ({exc!r})"
            ) from None

    def _run(self) -> Plan:
        questionnaire, questionnaire_is_new = self._questionnaire()
        round_data = self.members["round.json"]
        round_ = session.scalar(select(Round).where(Round.code == round_data["code"]))
        plan = Plan(
            questionnaire=questionnaire.label,
            questionnaire_is_new=questionnaire_is_new,
            round_code=round_data["code"],
            round_is_new=round_ is None,
            prefer_package=self.prefer_package,
            signer=self.signer,
        )
        themes = {theme.key: theme for theme in questionnaire.themes}
        questions = {q.key: q for theme in questionnaire.themes for q in theme.questions}
        if round_ is None:
            round_ = self._new_round(round_data, questionnaire, themes)
        elif round_.questionnaire_id != questionnaire.id:
            raise ExchangeError(
                f"meetronde {round_.code} gebruikt hier vragenlijst {round_.questionnaire.label}, "
                f"het pakket {questionnaire.label}"
            )
        units = self._units(plan)
        self._users(self.members["assessments.json"])
        changed_round = plan.round_is_new or bool(plan.new_units)
        changed_round |= self._targets(plan, round_, units, themes)
        for data in self.members["assessments.json"]:
            changed_round |= self._assessment(plan, round_, units[data["unit"]], data, questions)
        if changed_round:
            raise_results_version(round_.id)
        return plan

    def _questionnaire(self) -> tuple[Questionnaire, bool]:
        data = self.members["questionnaire.json"]
        label = f"{data['key']}@{data['version']}"
        try:
            spec = parse_questionnaire(str(data["yaml"]), source=label)
        except QuestionnaireFileError as exc:
            raise ExchangeError(f"vragenlijst {label} in het pakket is niet geldig: {exc}") from None
        if (spec.key, spec.version, spec.content_hash) != (
            data["key"],
            data["version"],
            data["content_hash"],
        ):
            raise ExchangeError(
                f"vragenlijst {label} in het pakket klopt niet met zijn sleutel, versie of hash"
            )
        existing = get_questionnaire(spec.key, spec.version)
        if existing is not None and existing.content_hash != spec.content_hash:
            raise ExchangeError(
                f"vragenlijst {label} staat hier al met andere inhoud (hash {existing.content_hash[:12]}…, "
                f"in het pakket {spec.content_hash[:12]}…); een geladen versie wordt nooit gewijzigd"
            )
        questionnaire, created = store_questionnaire(spec)
        return questionnaire, created

    def _new_round(
        self, data: dict[str, Any], questionnaire: Questionnaire, themes: dict[str, Theme]
    ) -> Round:
        reference = data["questionnaire"]
        if (reference["key"], reference["version"]) != (questionnaire.key, questionnaire.version):
            raise ExchangeError("round.json noemt een andere vragenlijst dan questionnaire.json")
        round_ = Round(
            code=data["code"],
            name=data["name"],
            questionnaire=questionnaire,
            status=RoundStatus(data["status"]),
            opens_on=_date(data["opens_on"]),
            closes_on=_date(data["closes_on"]),
            created_at=_datetime(data["created_at"]),
            default_targets=[
                RoundTarget(theme=themes[key], level=int(level))
                for key, level in data["default_targets"].items()
            ],
        )
        session.add(round_)
        session.flush()
        return round_

    def _units(self, plan: Plan) -> dict[str, Unit]:
        data = self.members["units.json"]
        codes = [unit["code"] for unit in data]
        parents = {unit["parent"] for unit in data if unit["parent"]}
        units = {
            unit.code: unit
            for unit in session.scalars(select(Unit).where(Unit.code.in_(codes + sorted(parents))))
        }
        for item in data:  # parents come first
            if item["code"] in units:
                continue
            unit = Unit(
                code=item["code"],
                name=item["name"],
                kind=item["kind"],
                parent=units.get(item["parent"]) if item["parent"] else None,
                is_active=bool(item["is_active"]),
            )
            session.add(unit)
            units[unit.code] = unit
            plan.new_units.append(unit.code)
        session.flush()
        return units

    def _users(self, assessments: list[dict[str, Any]]) -> None:
        emails = {
            email.lower()
            for data in assessments
            for email in [
                data["submitted_by"],
                data["decided_by"],
                *(a["updated_by"] for a in data["answers"]),
                *(e["actor"] for e in data["events"]),
            ]
            if email
        }
        if emails:
            found = session.scalars(select(User).where(func.lower(User.email).in_(sorted(emails))))
            self.users = {user.email.lower(): user for user in found}

    def _user(self, email: str | None) -> User | None:
        return self.users.get(email.lower()) if email else None

    def _targets(self, plan: Plan, round_: Round, units: dict[str, Unit], themes: dict[str, Theme]) -> bool:
        existing = {
            (t.unit_id, t.theme_id): t
            for t in session.scalars(select(Target).where(Target.round_id == round_.id))
        }
        changed = False
        for data in self.members["targets.json"]:
            unit, theme, level = units[data["unit"]], themes[data["theme"]], int(data["level"])
            target = existing.get((unit.id, theme.id))
            if target is None:
                session.add(Target(round_id=round_.id, unit_id=unit.id, theme_id=theme.id, level=level))
                plan.new_targets += 1
                changed = True
            elif target.level != level:
                plan.target_conflicts.append(
                    f"{unit.code} doel {theme.key}: hier {target.level}, in het pakket {level}"
                )
                if self.prefer_package:
                    target.level = level
                    changed = True
        return changed

    def _assessment(
        self,
        plan: Plan,
        round_: Round,
        unit: Unit,
        data: dict[str, Any],
        questions: dict[str, Question],
    ) -> bool:
        """Merge one assessment; return whether the round's figures changed."""
        status = AssessmentStatus(data["status"])
        assessment = session.scalar(
            select(Assessment)
            .where(Assessment.round_id == round_.id, Assessment.unit_id == unit.id)
            .options(selectinload(Assessment.answers))
        )
        if assessment is None:
            assessment = self._new_assessment(round_, unit, data, status, questions)
            plan.new_assessments.append(unit.code)
            plan.new_answers += len(data["answers"])
            self._events(plan, assessment, data["events"], existing=set())
            return True
        self._events(plan, assessment, data["events"], existing=None)
        if PROGRESS[assessment.status] > PROGRESS[status]:
            plan.further_here.append(
                f"{unit.code} ({assessment.status.value} hier, {status.value} in het pakket)"
            )
            return False
        changed = self._answers(plan, assessment, unit, data["answers"], questions)
        if PROGRESS[status] > PROGRESS[assessment.status]:
            plan.status_changes.append(f"{unit.code}: {assessment.status.value} → {status.value}")
            assessment.status = status
            assessment.return_reason = data["return_reason"]
            assessment.submitted_at = _datetime(data["submitted_at"])
            assessment.submitted_by = self._user(data["submitted_by"])
            assessment.decided_at = _datetime(data["decided_at"])
            assessment.decided_by = self._user(data["decided_by"])
            changed = True
        if changed:
            assessment.version = max(assessment.version, int(data["version"])) + 1
            assessment.updated_at = max(
                assessment.updated_at, _datetime(data["updated_at"]) or assessment.updated_at
            )
        return changed

    def _new_assessment(
        self,
        round_: Round,
        unit: Unit,
        data: dict[str, Any],
        status: AssessmentStatus,
        questions: dict[str, Question],
    ) -> Assessment:
        assessment = Assessment(
            round_id=round_.id,
            unit_id=unit.id,
            status=status,
            version=int(data["version"]),
            return_reason=data["return_reason"],
            created_at=_datetime(data["created_at"]),
            updated_at=_datetime(data["updated_at"]),
            submitted_at=_datetime(data["submitted_at"]),
            submitted_by=self._user(data["submitted_by"]),
            decided_at=_datetime(data["decided_at"]),
            decided_by=self._user(data["decided_by"]),
            answers=[self._answer(questions, item) for item in data["answers"]],
        )
        session.add(assessment)
        session.flush()
        return assessment

    def _answer(
        self, questions: dict[str, Question], item: dict[str, Any], answer: Answer | None = None
    ) -> Answer:
        question = questions.get(item["question"])
        if question is None:
            raise ExchangeError(f"vraag {item['question']} staat niet in de vragenlijst")
        answer = answer or Answer(question=question)
        user = self._user(item["updated_by"])
        answer.level = item["level"]
        answer.is_not_applicable = bool(item["not_applicable"])
        answer.comment = str(item["comment"])
        answer.updated_at = _datetime(item["updated_at"]) or answer.updated_at
        answer.updated_by = user
        answer.updated_by_email = None if user is not None else item["updated_by"]
        return answer

    def _answers(
        self,
        plan: Plan,
        assessment: Assessment,
        unit: Unit,
        items: list[dict[str, Any]],
        questions: dict[str, Question],
    ) -> bool:
        here = {answer.question_id: answer for answer in assessment.answers}
        changed = False
        for item in items:
            question = questions.get(item["question"])
            if question is None:
                raise ExchangeError(f"vraag {item['question']} staat niet in de vragenlijst")
            answer = here.get(question.id)
            if answer is None:
                assessment.answers.append(self._answer(questions, item))
                plan.new_answers += 1
                changed = True
                continue
            ours = (answer.level, answer.is_not_applicable, answer.comment)
            theirs = (item["level"], bool(item["not_applicable"]), str(item["comment"]))
            if ours == theirs:
                continue
            if not answer.is_answered and not answer.comment:
                plan.changed_answers += 1
            else:
                plan.conflicts.append(
                    Conflict(
                        unit=unit.code,
                        question=question.key,
                        here=_value(answer.level, answer.is_not_applicable)
                        + (" (andere toelichting)" if answer.comment != theirs[2] else ""),
                        package=_value(item["level"], bool(item["not_applicable"])),
                    )
                )
                if not self.prefer_package:
                    continue
            self._answer(questions, item, answer)
            changed = True
        session.flush()
        return changed

    def _events(
        self, plan: Plan, assessment: Assessment, items: list[dict[str, Any]], *, existing: set[Any] | None
    ) -> None:
        if existing is None:
            existing = {
                self._event_key(_event_data(event))
                for event in _events_of([assessment.id]).get(assessment.id, [])
            }
        for item in items:
            key = self._event_key(item)
            if key in existing:
                continue
            existing.add(key)
            actor = self._user(item["actor"])
            session.add(
                AuditEvent(
                    created_at=_datetime(item["created_at"]),
                    actor_id=actor.id if actor is not None else None,
                    actor_email=item["actor"],
                    action=item["action"],
                    object_type=Assessment.__tablename__,
                    object_id=str(assessment.id),
                    old=item["old"],
                    new=item["new"],
                )
            )
            plan.new_events += 1
        session.flush()

    @staticmethod
    def _event_key(item: dict[str, Any]) -> tuple[Any, ...]:
        moment = _datetime(item["created_at"])
        return (
            moment.isoformat() if moment else None,
            item["actor"],
            item["action"],
            canonical_json(item["old"]),
            canonical_json(item["new"]),
        )
