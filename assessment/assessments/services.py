"""Filling in, submitting and deciding on assessments. Services flush; the caller commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload, selectinload

from assessment.assessments.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    AssessmentStatus,
)
from assessment.audit.services import record
from assessment.auth.access import can_read_all_units
from assessment.auth.models import User
from assessment.db import session, utcnow
from assessment.rounds.models import Round, RoundStatus
from assessment.rounds.services import raise_results_version


class AssessmentError(Exception):
    """The change cannot be made; the message says why, for the user, in his language."""


class StaleAssessment(AssessmentError):
    """Someone else changed the assessment after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Iemand anders heeft deze vragenlijst gewijzigd nadat u de pagina opende. "
                "Uw wijzigingen zijn niet opgeslagen."
            )
        )


class NotEditable(AssessmentError):
    def __init__(self, status: AssessmentStatus) -> None:
        super().__init__(
            _("Deze vragenlijst is %(status)s en kan niet meer worden gewijzigd.", status=status.label)
        )


class RoundNotOpen(AssessmentError):
    """The round is planned or closed: nothing in it can be filled in, submitted or decided on."""

    def __init__(self, round_: Round) -> None:
        if round_.status is RoundStatus.CLOSED:
            message = _(
                "Meetronde %(code)s is gesloten. De vragenlijsten liggen vast: goedkeuren, "
                "teruggeven en wijzigen kan niet meer. Moet er toch iets veranderen? Laat een "
                "coördinator de ronde dan eerst weer openen.",
                code=round_.code,
            )
        else:
            message = _(
                "Meetronde %(code)s is nog niet open. Goedkeuren, teruggeven en wijzigen kan pas "
                "als de ronde open is.",
                code=round_.code,
            )
        super().__init__(message)


def require_open_round(assessment: Assessment) -> None:
    """Raise RoundNotOpen unless the assessment's round is open: every change of an assessment
    (answers, submit, approve, return, undo) happens only in an open round."""
    if assessment.round.status is not RoundStatus.OPEN:
        raise RoundNotOpen(assessment.round)


@dataclass(frozen=True)
class AnswerInput:
    """What the user chose for one question."""

    level: int | None = None
    not_applicable: bool = False
    comment: str = ""

    def __post_init__(self) -> None:
        if self.level is not None and self.not_applicable:
            raise ValueError("an answer is a level or n.v.t., not both")
        if len(self.comment) > COMMENT_MAX_LENGTH:
            raise ValueError("comment too long")

    def as_audit(self) -> dict[str, object]:
        return {"level": "n.v.t." if self.not_applicable else self.level, "comment": self.comment}


def get_assessment(assessment_id: int) -> Assessment | None:
    """The assessment with its round and unit, in one query."""
    return session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id)
        .options(joinedload(Assessment.round), joinedload(Assessment.unit))
    )


def _advance(
    assessment: Assessment,
    expected_version: int,
    *,
    allowed: Iterable[AssessmentStatus],
    **values: object,
) -> None:
    """Raise the version (and set ``values``) only if nobody changed it since ``expected_version``.

    One UPDATE ... WHERE version = expected AND status IN allowed: two requests at the same
    moment, on one server or several, cannot both pass.
    """
    allowed = tuple(allowed)
    if assessment.status not in allowed:
        raise NotEditable(assessment.status)
    require_open_round(assessment)
    result = session.execute(
        update(Assessment)
        .where(
            Assessment.id == assessment.id,
            Assessment.version == expected_version,
            Assessment.status.in_(allowed),
        )
        .values(version=expected_version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(assessment)
        raise StaleAssessment()
    if values:  # a change of status: the round's figures change with it (answers: save_answers)
        raise_results_version(assessment.round_id)


EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


def save_answers(
    assessment: Assessment,
    inputs: Mapping[int, AnswerInput],
    *,
    expected_version: int,
    user: User,
    question_keys: Mapping[int, str],
) -> int:
    """Store the answers that changed and return how many; all or nothing.

    ``question_keys`` maps the ids of ``inputs`` to question keys (for the audit trail). Raises
    NotEditable for a submitted or approved assessment and StaleAssessment when the page was
    loaded before someone else's save. Raises the round's results version.
    """
    existing = {
        row.question_id: row
        for row in session.execute(
            select(
                Answer.id, Answer.question_id, Answer.level, Answer.is_not_applicable, Answer.comment
            ).where(Answer.assessment_id == assessment.id)
        )
    }
    stored = {
        question_id: AnswerInput(row.level, row.is_not_applicable, row.comment)
        for question_id, row in existing.items()
    }
    changed = {
        question_id: given
        for question_id, given in inputs.items()
        if given != stored.get(question_id, AnswerInput())
    }
    if not changed:
        if not assessment.status.is_editable:
            raise NotEditable(assessment.status)
        require_open_round(assessment)
        return 0
    _advance(assessment, expected_version, allowed=EDITABLE)
    now = utcnow()
    old, new = {}, {}
    updates, inserts = [], []
    for question_id, given in changed.items():
        old[question_keys[question_id]] = stored.get(question_id, AnswerInput()).as_audit()
        new[question_keys[question_id]] = given.as_audit()
        values = {
            "level": given.level,
            "is_not_applicable": given.not_applicable,
            "comment": given.comment,
            "updated_at": now,
            "updated_by_id": user.id,
        }
        if question_id in existing:
            updates.append({"id": existing[question_id].id, **values})
        else:
            inserts.append({"assessment_id": assessment.id, "question_id": question_id, **values})
    # Two statements for any number of answers (bulk UPDATE by primary key, multi-row INSERT).
    if updates:
        session.execute(update(Answer), updates)
    if inserts:
        session.execute(insert(Answer), inserts)
    record("assessment.answers", assessment, old=old, new=new, actor=user)
    raise_results_version(assessment.round_id)
    return len(changed)


def submit(assessment: Assessment, *, expected_version: int, user: User) -> None:
    """Hand the assessment in; after this only a coordinator can return it for changes."""
    old_status = assessment.status
    _advance(
        assessment,
        expected_version,
        allowed=EDITABLE,
        status=AssessmentStatus.SUBMITTED,
        submitted_at=utcnow(),
        submitted_by_id=user.id,
    )
    record(
        "assessment.submit",
        assessment,
        old={"status": old_status.value},
        new={"status": AssessmentStatus.SUBMITTED.value},
        actor=user,
    )


def approve(assessment: Assessment, *, expected_version: int, user: User) -> None:
    """Approve a submitted assessment; only in an open round (RoundNotOpen otherwise)."""
    _advance(
        assessment,
        expected_version,
        allowed=(AssessmentStatus.SUBMITTED,),
        status=AssessmentStatus.APPROVED,
        decided_at=utcnow(),
        decided_by_id=user.id,
    )
    record(
        "assessment.approve", assessment, old={"status": "submitted"}, new={"status": "approved"}, actor=user
    )


def return_for_changes(assessment: Assessment, *, reason: str, expected_version: int, user: User) -> None:
    """Give a submitted assessment back to the unit, with the reason it must read; only in an
    open round (RoundNotOpen otherwise)."""
    reason = reason.strip()
    if not reason:
        raise AssessmentError(_("Geef een reden op, zodat de eenheid weet wat er moet gebeuren."))
    _advance(
        assessment,
        expected_version,
        allowed=(AssessmentStatus.SUBMITTED,),
        status=AssessmentStatus.RETURNED,
        return_reason=reason,
        decided_at=utcnow(),
        decided_by_id=user.id,
    )
    record(
        "assessment.return",
        assessment,
        old={"status": "submitted"},
        new={"status": "returned", "reason": reason},
        actor=user,
    )


def assessments_for(user: User, *, round_ids: Iterable[int] | None = None) -> list[Assessment]:
    """Return the assessments the user may see, newest round first."""
    query = (
        select(Assessment)
        .join(Assessment.round)
        .options(selectinload(Assessment.round), selectinload(Assessment.unit))
        .order_by(Round.created_at.desc(), Assessment.id)
    )
    if not can_read_all_units(user):
        query = query.where(Assessment.unit_id.in_(user.unit_ids or {-1}))
    if round_ids is not None:
        query = query.where(Assessment.round_id.in_(list(round_ids)))
    return list(session.scalars(query))


def undo_decision(assessment: Assessment, *, expected_version: int, user: User) -> None:
    """Take back an approval or a return while the round is open: the assessment is submitted
    again, waiting for a new decision. The audit trail keeps both decisions."""
    if assessment.round.status is not RoundStatus.OPEN:
        raise AssessmentError(_("De meetronde is gesloten: het besluit ligt vast."))
    old_status = assessment.status
    if old_status not in DECIDED:
        raise AssessmentError(_("Over deze vragenlijst is nog geen besluit genomen."))
    old_reason = assessment.return_reason
    _advance(
        assessment,
        expected_version,
        allowed=DECIDED,
        status=AssessmentStatus.SUBMITTED,
        return_reason=None,
        decided_at=None,
        decided_by_id=None,
    )
    record(
        "assessment.undo_decision",
        assessment,
        old={"status": old_status.value, **({"reason": old_reason} if old_reason else {})},
        new={"status": AssessmentStatus.SUBMITTED.value},
        actor=user,
    )


DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.RETURNED)


@dataclass(frozen=True)
class Worklist:
    """What waits for a coordinator, over the open rounds."""

    to_decide: list[Assessment]  # submitted, the longest waiting first
    returned: list[Assessment]  # with the unit again, the oldest decision first
    rounds: list[Round]  # the open rounds, the nearest deadline first


def worklist() -> Worklist:
    """Submitted assessments to decide on (oldest first), returned ones, and the open rounds'
    deadlines: the coordinator's home page. Two queries."""
    waiting = list(
        session.scalars(
            select(Assessment)
            .join(Assessment.round)
            .where(
                Round.status == RoundStatus.OPEN,
                Assessment.status.in_((AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED)),
            )
            .options(selectinload(Assessment.round), selectinload(Assessment.unit))
        )
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def when(moment: dt.datetime | None) -> dt.datetime:
        return far if moment is None else (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))

    to_decide = sorted(
        (a for a in waiting if a.status is AssessmentStatus.SUBMITTED),
        key=lambda a: (when(a.submitted_at), a.unit.code),
    )
    returned = sorted(
        (a for a in waiting if a.status is AssessmentStatus.RETURNED),
        key=lambda a: (when(a.decided_at), a.unit.code),
    )
    rounds = sorted(
        {a.round for a in waiting}
        | set(session.scalars(select(Round).where(Round.status == RoundStatus.OPEN))),
        key=lambda r: (r.closes_on or dt.date.max, r.code),
    )
    return Worklist(to_decide, returned, rounds)
