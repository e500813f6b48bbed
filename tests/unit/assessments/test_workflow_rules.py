"""Which change the workflow allows, for every assessment status × round status × action: only an
open round changes, and a refused change leaves the assessment, its answers and the audit trail
as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from assessment import db
from assessment.assessments import services
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.results import questionnaire as plain
from assessment.rounds.models import RoundStatus

pytestmark = pytest.mark.usefixtures("app_ctx")

S = AssessmentStatus
R = RoundStatus


def _save(assessment: Assessment, user: User) -> Any:
    data = plain.load(assessment.round.questionnaire_id)
    question = data.themes[0].questions[0]
    return services.save_answers(
        assessment,
        {question.id: services.AnswerInput(level=3, comment="Plan klaar.")},
        expected_version=assessment.version,
        user=user,
        question_keys=data.question_keys_by_id,
    )


ACTIONS: dict[str, tuple[Callable[[Assessment, User], Any], str | None]] = {
    # action → (call, the status after it when allowed; None: the status stays)
    "approve": (lambda a, u: services.approve(a, expected_version=a.version, user=u), "approved"),
    "return": (
        lambda a, u: services.return_for_changes(
            a, reason="Mist toelichting.", expected_version=a.version, user=u
        ),
        "returned",
    ),
    "submit": (lambda a, u: services.submit(a, expected_version=a.version, user=u), "submitted"),
    "save": (_save, None),
}


def allowed(action: str, status: AssessmentStatus, round_status: RoundStatus) -> bool:
    if round_status is not R.OPEN:
        return False
    if action in ("approve", "return"):
        return status is S.SUBMITTED
    return status in (S.DRAFT, S.RETURNED)


def snapshot(assessment: Assessment) -> tuple[Any, ...]:
    db.session.expire_all()
    row = db.session.get(Assessment, assessment.id)
    assert row is not None
    answers = db.session.scalar(select(func.count()).where(Answer.assessment_id == assessment.id))
    events = db.session.scalar(
        select(func.count()).where(
            AuditEvent.object_type == "assessments", AuditEvent.object_id == str(row.id)
        )
    )
    return row.status, row.version, row.return_reason, row.decided_at, answers, events


CASES = [
    pytest.param(action, status, round_status, id=f"{action}-{status.value}-{round_status.value}")
    for action in ACTIONS
    for status in S
    for round_status in R
]


@pytest.mark.parametrize(("action", "status", "round_status"), CASES)
def test_an_assessment_changes_only_as_the_workflow_allows(factory, action, status, round_status):
    unit = factory.unit()
    round_ = factory.round(factory.questionnaire(themes=1, questions=1), status=round_status)
    made = factory.assessment(unit, round_, status=status)
    user_made = factory.user(
        Role.COORDINATOR if action in ("approve", "return") else Role.REPRESENTATIVE, units=[unit]
    )
    assessment = services.get_assessment(made.id)
    user = db.session.get(User, user_made.id)
    assert assessment is not None and user is not None
    before = snapshot(assessment)
    call, after = ACTIONS[action]

    if allowed(action, status, round_status):
        call(assessment, user)
        db.session.flush()
        now = snapshot(assessment)
        assert now[0].value == (after or status.value)
        assert now[1] == before[1] + 1
        assert now[5] == before[5] + 1  # one audit event says what happened
    else:
        with pytest.raises(services.AssessmentError) as refused:
            call(assessment, user)
        if round_status is not R.OPEN and status in (
            (S.SUBMITTED,) if action in ("approve", "return") else (S.DRAFT, S.RETURNED)
        ):
            # Right status, wrong round: the message names the round and says why.
            assert round_.code in str(refused.value)
            word = "gesloten" if round_status is R.CLOSED else "nog niet open"
            assert word in str(refused.value)
        db.session.rollback()
        assert snapshot(assessment) == before
