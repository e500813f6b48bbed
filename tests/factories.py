"""Factories that make things for a test, in the test's own session (committed to a savepoint
of the test transaction, so requests see them)."""

from __future__ import annotations

import functools
import itertools
from typing import Any

import yaml
from sqlalchemy.orm import Session

from assessment import db
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role, User
from assessment.auth.services import hash_password
from assessment.questionnaires.fileformat import (
    DEFAULT_QUESTIONNAIRE,
    parse_questionnaire,
    read_questionnaire,
)
from assessment.questionnaires.models import Question, Questionnaire
from assessment.questionnaires.services import build_questionnaire
from assessment.reports.models import ItemStatus, ReportJob, ReportJobItem
from assessment.rounds.models import Round, RoundStatus, RoundTarget, Target
from assessment.units.models import Unit
from tests.helpers import PASSWORD

_counter = itertools.count(1)

LABELS = ["Initieel", "Herhaalbaar", "Gedefinieerd", "Beheerst", "Adaptief", "Zesde", "Zevende"]


def questionnaire_document(
    *,
    key: str = "test",
    version: int = 1,
    themes: int = 2,
    capabilities: int = 1,
    questions: int = 2,
    levels: int = 5,
    not_applicable: bool = True,
) -> dict[str, Any]:
    """A small valid questionnaire as a dict; change it to make broken ones."""
    return {
        "key": key,
        "version": version,
        "title": {"nl": "Testvragenlijst", "en": "Test questionnaire"},
        "scale": [
            {
                "level": n,
                "label": LABELS[n - 1] if n <= len(LABELS) else f"Niveau {n}",
                "description": f"Beschrijving van niveau {n}",
            }
            for n in range(1, levels + 1)
        ],
        "themes": [
            {
                "key": f"thema-{t}",
                "title": {"nl": f"Thema {t}", "en": f"Theme {t}"},
                "capabilities": [
                    {
                        "key": f"cap-{t}-{c}",
                        "title": f"Capability {t}.{c}",
                        "questions": [
                            {
                                "key": f"vraag-{t}-{c}-{q}",
                                "text": {"nl": f"Vraag {t}.{c}.{q}?", "en": f"Question {t}.{c}.{q}?"},
                                "help": f"Hulp bij vraag {t}.{c}.{q}",
                                "allow_not_applicable": not_applicable and q == 1,
                                "levels": {
                                    n: f"Beschrijving {t}.{c}.{q} op niveau {n}" for n in range(1, levels + 1)
                                },
                                "next_steps": {
                                    n: f"Volgende stap {t}.{c}.{q} vanaf niveau {n}" for n in range(1, levels)
                                },
                            }
                            for q in range(1, questions + 1)
                        ],
                    }
                    for c in range(1, capabilities + 1)
                ],
            }
            for t in range(1, themes + 1)
        ],
    }


def questionnaire_yaml(**kwargs: Any) -> str:
    return yaml.safe_dump(questionnaire_document(**kwargs), allow_unicode=True, sort_keys=False)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _save(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.commit()
        return obj

    def unit(
        self,
        code: str | None = None,
        *,
        name: str | None = None,
        parent: Unit | None = None,
        kind: str = "eenheid",
    ) -> Unit:
        code = code or f"UNIT-{next(_counter)}"
        return self._save(Unit(code=code, name=name or f"Eenheid {code}", kind=kind, parent=parent))

    def user(
        self,
        role: Role = Role.REPRESENTATIVE,
        *,
        units: list[Unit] | None = None,
        email: str | None = None,
        name: str | None = None,
        is_active: bool = True,
    ) -> User:
        email = email or f"{role.value}{next(_counter)}@test.local"
        return self._save(
            User(
                email=email,
                display_name=name or f"Test {role.label}",
                role=role,
                password_hash=_password_hash(),
                units=units or [],
                is_active=is_active,
            )
        )

    def questionnaire(self, **kwargs: Any) -> Questionnaire:
        kwargs.setdefault("key", f"test-{next(_counter)}")
        spec = parse_questionnaire(questionnaire_yaml(**kwargs))
        return self._save(build_questionnaire(spec))

    def dts_questionnaire(self) -> Questionnaire:
        return self._save(build_questionnaire(_dts_spec()))

    def round(
        self,
        questionnaire: Questionnaire | None = None,
        *,
        code: str | None = None,
        status: RoundStatus = RoundStatus.OPEN,
    ) -> Round:
        questionnaire = questionnaire or self.questionnaire()
        code = code or f"R-{next(_counter)}"
        return self._save(
            Round(
                code=code,
                name=f"Ronde {code}",
                questionnaire=questionnaire,
                status=status,
                default_targets=[RoundTarget(theme=t, level=t.default_target) for t in questionnaire.themes],
            )
        )

    def report_job(
        self,
        assessments: list[Assessment],
        *,
        status: ItemStatus = ItemStatus.DONE,
        language: str = "nl",
        created_by: User | None = None,
    ) -> ReportJob:
        """A report job over ``assessments`` whose items are all ``status`` (a stub PDF when done)."""
        finished = status.is_final
        job = ReportJob(
            round=assessments[0].round,
            language=language,
            created_by=created_by,
            finished_at=db.utcnow() if finished else None,
            items=[
                ReportJobItem(
                    assessment_id=a.id,
                    unit_code=a.unit.code,
                    unit_name=a.unit.name,
                    status=status,
                    attempts=1 if status is not ItemStatus.WAITING else 0,
                    started_at=db.utcnow() if status is not ItemStatus.WAITING else None,
                    finished_at=db.utcnow() if finished else None,
                    pdf=b"%PDF-stub " + a.unit.code.encode() if status is ItemStatus.DONE else None,
                    size=20 if status is ItemStatus.DONE else 0,
                    error="Stub error" if status is ItemStatus.FAILED else "",
                )
                for a in assessments
            ],
        )
        return self._save(job)

    def assessment(
        self,
        unit: Unit | None = None,
        round_: Round | None = None,
        *,
        status: AssessmentStatus = AssessmentStatus.DRAFT,
    ) -> Assessment:
        assessment = Assessment(unit=unit or self.unit(), round=round_ or self.round(), status=status)
        self.session.add(assessment)
        self.round_changed(assessment.round)  # as opening a round does
        return assessment

    def answer(
        self,
        assessment: Assessment,
        question: Question,
        level: int | None = None,
        *,
        not_applicable: bool = False,
        comment: str = "",
    ) -> Answer:
        """An answer, stored as the save service would: the assessment's and the round's
        results versions go up with it, so the read side's caches see it."""
        answer = Answer(
            assessment=assessment,
            question=question,
            level=level,
            is_not_applicable=not_applicable,
            comment=comment,
        )
        self.session.add(answer)
        self.changed(assessment)
        return answer

    def changed(self, assessment: Assessment) -> None:
        """Raise the versions after a change made directly in the test (as every service does)."""
        assessment.version += 1
        self.round_changed(assessment.round)

    def round_changed(self, round_: Round) -> None:
        round_.results_version += 1
        self.session.commit()

    def target(self, round_: Round, unit: Unit, theme: Any, level: int) -> Target:
        """A unit's own target, stored as the targets service would (the round's results version
        goes up with it)."""
        target = Target(round_id=round_.id, unit_id=unit.id, theme_id=theme.id, level=level)
        self.session.add(target)
        self.round_changed(round_)
        return target

    def questions(self, assessment: Assessment) -> list[Question]:
        return [q for t in assessment.round.questionnaire.themes for q in t.questions]


@functools.cache
def _password_hash() -> str:
    """Every factory account has PASSWORD; hashing it once per run keeps the tests fast (a real
    hash takes a noticeable moment on purpose)."""
    return hash_password(PASSWORD)


_dts_cache: list[Any] = []


def _dts_spec() -> Any:
    if not _dts_cache:
        _dts_cache.append(read_questionnaire(DEFAULT_QUESTIONNAIRE))
    return _dts_cache[0]
