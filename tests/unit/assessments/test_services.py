"""Filling in, submitting and deciding, called directly: what is stored, what is refused, and
what the audit trail says about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from assessment import db
from assessment.assessments import services
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.assessments.services import AnswerInput, NotEditable, StaleAssessment
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.questionnaires.models import Question
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.results.services import Progress
from assessment.rounds import services as rounds
from assessment.units import services as units
from assessment.units.models import Unit

pytestmark = pytest.mark.usefixtures("app_ctx")


@dataclass
class Setting:
    assessment: Assessment
    questions: list[Question]  # 1.1, 1.2, 2.1, 2.2
    rep: User
    admin: User
    coordinator: User
    questionnaire: Any  # the factory's copy, to make more assessments of the same questionnaire


def load(factory_assessment: Assessment, *users: User) -> tuple[Assessment, list[Question], list[User]]:
    """The factory's objects, as the app's own session sees them."""
    assessment = services.get_assessment(factory_assessment.id)
    assert assessment is not None
    questions = [
        question
        for theme in plain.load(assessment.round.questionnaire_id).themes
        for question in theme.questions
    ]
    return assessment, questions, [db.session.get(User, user.id) for user in users]


@pytest.fixture
def setting(factory) -> Setting:
    unit = factory.unit()
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    assessment = factory.assessment(unit, factory.round(questionnaire))
    users = [
        factory.user(Role.REPRESENTATIVE, units=[unit]),
        factory.user(Role.ADMIN),
        factory.user(Role.COORDINATOR),
    ]
    assessment, questions, (rep, admin, coordinator) = load(assessment, *users)
    return Setting(assessment, questions, rep, admin, coordinator, questionnaire)


def submitted(factory, setting: Setting, status: AssessmentStatus = AssessmentStatus.SUBMITTED) -> Assessment:
    """Another assessment of the same questionnaire, already in ``status``."""
    other = factory.assessment(factory.unit(), factory.round(setting.questionnaire), status=status)
    return load(other)[0]


def stored(assessment: Assessment) -> dict[str, tuple[Any, ...]]:
    """{question key: (level, n.v.t., comment, updated by)} as read back from the database."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Question.key, Answer.level, Answer.is_not_applicable, Answer.comment, Answer.updated_by_id)
        .select_from(Answer)
        .join(Answer.question)
        .where(Answer.assessment_id == assessment.id)
    ).all()
    return {key: tuple(rest) for key, *rest in rows}


def events(action: str, assessment: Assessment) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == action,
                AuditEvent.object_type == "assessments",
                AuditEvent.object_id == str(assessment.id),
            )
            .order_by(AuditEvent.id)
        )
    )


def version_of(assessment: Assessment) -> int:
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id).version


def save(setting: Setting, answers: dict[int, AnswerInput], *, user: User | None = None, version=None) -> int:
    """Save answers keyed by position (0 = question 1.1) at the current or the given version."""
    assessment = setting.assessment
    return services.save_answers(
        assessment,
        {setting.questions[i].id: given for i, given in answers.items()},
        expected_version=assessment.version if version is None else version,
        user=user or setting.rep,
        question_keys={q.id: q.key for q in setting.questions},
    )


# -- save_answers -------------------------------------------------------------------------------


def test_saving_stores_the_answers_and_raises_the_version(setting):
    q11, q12, *_ = setting.questions
    assert save(setting, {0: AnswerInput(3, comment="Zie plan"), 1: AnswerInput(not_applicable=True)}) == 2
    assert stored(setting.assessment) == {
        q11.key: (3, False, "Zie plan", setting.rep.id),
        q12.key: (None, True, "", setting.rep.id),
    }
    assert version_of(setting.assessment) == 2


def test_saving_writes_only_what_changed_and_counts_it(setting):
    q11, q12, q21, _ = setting.questions
    save(setting, {0: AnswerInput(3), 1: AnswerInput(not_applicable=True)})

    changed = save(
        setting,
        {
            0: AnswerInput(3),  # as stored
            1: AnswerInput(not_applicable=True),  # as stored
            2: AnswerInput(comment="Nog uitzoeken"),  # new: only a toelichting
            3: AnswerInput(),  # no answer, as before: no row needed
        },
        user=setting.admin,
    )

    assert changed == 1
    assert stored(setting.assessment) == {
        q11.key: (3, False, "", setting.rep.id),  # untouched: still the rep's
        q12.key: (None, True, "", setting.rep.id),
        q21.key: (None, False, "Nog uitzoeken", setting.admin.id),
    }


def test_saving_nothing_new_changes_nothing_at_all(setting):
    save(setting, {0: AnswerInput(2)})
    version = version_of(setting.assessment)
    assert save(setting, {0: AnswerInput(2), 1: AnswerInput()}) == 0
    assert save(setting, {}) == 0
    assert version_of(setting.assessment) == version
    assert len(events("assessment.answers", setting.assessment)) == 1


def test_a_save_writes_one_audit_event_with_old_and_new_per_question_key(setting):
    q11, q12, q21, _ = setting.questions
    save(setting, {0: AnswerInput(3)})

    save(
        setting,
        {0: AnswerInput(4, comment="Beter geworden"), 1: AnswerInput(not_applicable=True), 2: AnswerInput()},
    )

    first, second = events("assessment.answers", setting.assessment)
    assert first.new == {q11.key: {"level": 3, "comment": ""}}
    assert second.object_type == "assessments"
    assert second.actor_id == setting.rep.id
    assert second.actor_email == setting.rep.email
    assert second.old == {
        q11.key: {"level": 3, "comment": ""},
        q12.key: {"level": None, "comment": ""},
    }
    assert second.new == {
        q11.key: {"level": 4, "comment": "Beter geworden"},
        q12.key: {"level": "n.v.t.", "comment": ""},
    }
    assert q21.key not in second.new  # not changed, not recorded


@pytest.mark.parametrize("version", [1, 3], ids=["older", "newer"])
def test_saving_with_a_version_other_than_the_stored_one_is_stale_and_stores_nothing(setting, version):
    q11, *_ = setting.questions
    save(setting, {0: AnswerInput(3)})  # now at version 2
    with pytest.raises(StaleAssessment, match="Iemand anders heeft deze vragenlijst gewijzigd"):
        save(setting, {0: AnswerInput(5), 1: AnswerInput(1)}, version=version)
    assert stored(setting.assessment) == {q11.key: (3, False, "", setting.rep.id)}
    assert version_of(setting.assessment) == 2
    assert len(events("assessment.answers", setting.assessment)) == 1


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED])
@pytest.mark.parametrize("answers", [{0: AnswerInput(4)}, {}], ids=["a change", "no change"])
def test_a_submitted_or_approved_assessment_cannot_be_saved(factory, setting, status, answers):
    setting.assessment = submitted(factory, setting, status)
    version = setting.assessment.version
    with pytest.raises(NotEditable, match=f"is {status.label} en kan niet meer worden gewijzigd"):
        save(setting, answers)
    assert stored(setting.assessment) == {}
    assert version_of(setting.assessment) == version


def test_a_returned_assessment_can_be_saved_again(factory, setting):
    setting.assessment = submitted(factory, setting, AssessmentStatus.RETURNED)
    assert save(setting, {0: AnswerInput(2)}) == 1
    assert stored(setting.assessment)[setting.questions[0].key][0] == 2


def test_an_answer_is_a_level_or_not_applicable_never_both():
    with pytest.raises(ValueError, match="not both"):
        AnswerInput(3, not_applicable=True)


def test_an_answer_input_refuses_a_toelichting_over_4000_characters():
    AnswerInput(comment="x" * 4000)
    with pytest.raises(ValueError, match="too long"):
        AnswerInput(comment="x" * 4001)


# -- submit, approve, return --------------------------------------------------------------------


def test_submitting_hands_the_assessment_in_and_records_it(setting):
    assessment = setting.assessment
    services.submit(assessment, expected_version=assessment.version, user=setting.rep)
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert assessment.submitted_by_id == setting.rep.id
    assert assessment.submitted_at is not None
    assert assessment.version == 2
    (event_,) = events("assessment.submit", assessment)
    assert (event_.old, event_.new, event_.actor_id) == (
        {"status": "draft"},
        {"status": "submitted"},
        setting.rep.id,
    )


def test_submitting_twice_is_refused(setting):
    assessment = setting.assessment
    services.submit(assessment, expected_version=assessment.version, user=setting.rep)
    with pytest.raises(NotEditable):
        services.submit(assessment, expected_version=assessment.version, user=setting.rep)
    assert len(events("assessment.submit", assessment)) == 1


def test_submitting_a_stale_page_is_refused(setting):
    assessment = setting.assessment
    loaded = assessment.version
    save(setting, {0: AnswerInput(2)}, user=setting.admin)
    with pytest.raises(StaleAssessment):
        services.submit(assessment, expected_version=loaded, user=setting.rep)
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.DRAFT
    assert events("assessment.submit", assessment) == []


def test_approving_a_submitted_assessment_records_who_decided(factory, setting):
    assessment = submitted(factory, setting)
    services.approve(assessment, expected_version=assessment.version, user=setting.coordinator)
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.APPROVED
    assert assessment.decided_by_id == setting.coordinator.id
    assert assessment.decided_at is not None
    (event_,) = events("assessment.approve", assessment)
    assert (event_.old, event_.new) == ({"status": "submitted"}, {"status": "approved"})
    assert event_.actor_id == setting.coordinator.id


@pytest.mark.parametrize(
    "status", [AssessmentStatus.DRAFT, AssessmentStatus.RETURNED, AssessmentStatus.APPROVED]
)
def test_only_a_submitted_assessment_can_be_approved_or_returned(factory, setting, status):
    assessment = submitted(factory, setting, status)
    with pytest.raises(NotEditable):
        services.approve(assessment, expected_version=assessment.version, user=setting.coordinator)
    with pytest.raises(NotEditable):
        services.return_for_changes(
            assessment,
            reason="Graag aanvullen",
            expected_version=assessment.version,
            user=setting.coordinator,
        )
    db.session.expire_all()
    assert assessment.status is status
    assert events("assessment.approve", assessment) == events("assessment.return", assessment) == []


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_returning_needs_a_reason(factory, setting, reason):
    assessment = submitted(factory, setting)
    with pytest.raises(services.AssessmentError, match="Geef een reden op"):
        services.return_for_changes(
            assessment, reason=reason, expected_version=assessment.version, user=setting.coordinator
        )
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert events("assessment.return", assessment) == []


def test_a_returned_assessment_carries_the_reason_and_can_be_changed_and_submitted_again(factory, setting):
    assessment = submitted(factory, setting)
    services.return_for_changes(
        assessment,
        reason="  Vraag 2.1 heeft geen toelichting.  ",
        expected_version=assessment.version,
        user=setting.coordinator,
    )
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.RETURNED
    assert assessment.return_reason == "Vraag 2.1 heeft geen toelichting."
    (event_,) = events("assessment.return", assessment)
    assert event_.new == {"status": "returned", "reason": "Vraag 2.1 heeft geen toelichting."}

    setting.assessment = assessment
    save(setting, {2: AnswerInput(3, comment="Aangevuld")})
    services.submit(assessment, expected_version=assessment.version, user=setting.rep)
    db.session.expire_all()
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert events("assessment.submit", assessment)[0].old == {"status": "returned"}


# -- progress -----------------------------------------------------------------------------------


def test_progress_counts_not_applicable_as_answered_and_a_bare_toelichting_not(setting):
    save(
        setting,
        {0: AnswerInput(not_applicable=True), 1: AnswerInput(2), 2: AnswerInput(comment="Weet nog niet")},
    )
    progress = results.progress_for([setting.assessment])
    assert progress == {setting.assessment.id: Progress(answered=2, total=4)}
    assert not progress[setting.assessment.id].is_complete


def test_progress_of_an_untouched_assessment_is_zero_of_all(setting):
    assert results.progress_for([setting.assessment]) == {setting.assessment.id: Progress(0, 4)}
    assert results.progress_for([]) == {}


def test_progress_takes_one_query_for_one_assessment_or_many(factory, setting, count_queries):
    for questionnaire in (
        factory.questionnaire(themes=3, capabilities=2, questions=2),
        factory.questionnaire(themes=1, capabilities=1, questions=1),
    ):
        round_ = factory.round(questionnaire)
        for _ in range(3):
            factory.assessment(factory.unit(), round_)
    everything = services.assessments_for(setting.admin)  # rounds loaded with the assessments
    assert len(everything) == 7

    results.progress_for(everything)  # the questionnaires are cached from here on
    with count_queries as for_one:
        one = results.progress_for(everything[:1])
    one_count = for_one.count
    with count_queries as for_all:
        all_ = results.progress_for(everything)

    assert one_count == for_all.count == 1
    assert len(all_) == 7
    assert one == {everything[0].id: all_[everything[0].id]}
    assert sorted({p.total for p in all_.values()}) == [1, 4, 12]


# -- who sees what ------------------------------------------------------------------------------


def test_a_representative_is_given_only_his_own_units_assessments(factory, setting):
    other = submitted(factory, setting)
    assert [a.id for a in services.assessments_for(setting.rep)] == [setting.assessment.id]
    assert {a.id for a in services.assessments_for(setting.coordinator)} >= {setting.assessment.id, other.id}


# -- every write that changes the figures raises the round's results version ---------------------


def _save(s: Setting) -> None:
    question = s.questions[0]
    services.save_answers(
        s.assessment,
        {question.id: AnswerInput(level=2)},
        expected_version=s.assessment.version,
        user=s.rep,
        question_keys={question.id: question.key},
    )


def _submit(s: Setting) -> None:
    services.submit(s.assessment, expected_version=s.assessment.version, user=s.rep)


def _approve(s: Setting) -> None:
    _submit(s)
    db.session.refresh(s.assessment)
    services.approve(s.assessment, expected_version=s.assessment.version, user=s.coordinator)


def _return(s: Setting) -> None:
    _submit(s)
    db.session.refresh(s.assessment)
    services.return_for_changes(
        s.assessment, reason="Graag toelichting.", expected_version=s.assessment.version, user=s.coordinator
    )


def _close(s: Setting) -> None:
    rounds.close_round(s.assessment.round)


def _reopen_with_a_new_unit(s: Setting) -> None:
    db.session.add(Unit(code="NIEUW", name="Nieuwe Eenheid", kind="eenheid"))
    db.session.flush()
    assert rounds.open_round(s.assessment.round) == 1


def _set_targets(s: Setting) -> None:
    theme_id = s.assessment.round.questionnaire.themes[0].id
    assert rounds.set_unit_targets(s.assessment.round, s.assessment.unit, {theme_id: 4}) == 1


def _rename_unit(s: Setting) -> None:
    unit = s.assessment.unit
    row = units.UnitRow(line=2, code=unit.code, name="Andere Naam", kind=unit.kind, parent_code=None)
    assert units.import_units([row], source="eenheden.csv").updated == 1


WRITES = {
    "saving answers": _save,
    "submitting": _submit,
    "approving": _approve,
    "returning": _return,
    "closing the round": _close,
    "opening the round for a new unit": _reopen_with_a_new_unit,
    "setting a unit's targets": _set_targets,
    "renaming the unit in an import": _rename_unit,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_that_changes_the_figures_raises_the_rounds_results_version(setting, write):
    round_ = setting.assessment.round
    before = round_.results_version

    write(setting)
    db.session.commit()

    db.session.refresh(round_)
    assert round_.results_version > before


# -- the way through ----------------------------------------------------------------------------


def where_next(setting: Setting, **kwargs: Any) -> str | None:
    """The number of the question "Ga verder" (or "Opslaan en volgende") leads to."""
    data = plain.load(setting.assessment.round.questionnaire_id)
    answered = results.answered_ids(results.stored_answers(setting.assessment.id))
    after = data.theme(kwargs["after"]) if "after" in kwargs else None
    found = results.next_open_question(data, answered, after=after)
    return found.question.number if found else None


def test_ga_verder_leads_to_the_first_open_question_of_the_first_unfinished_speerpunt(setting):
    assert where_next(setting) == "1.1"
    save(setting, {0: AnswerInput(3), 2: AnswerInput(comment="Alleen een toelichting")})
    assert where_next(setting) == "1.2"
    save(setting, {1: AnswerInput(not_applicable=True)})  # n.v.t. is an answer
    assert where_next(setting) == "2.1"  # a toelichting alone is not
    save(setting, {2: AnswerInput(1), 3: AnswerInput(5)})
    assert where_next(setting) is None


def test_the_next_unfinished_speerpunt_is_searched_after_the_current_one_and_round(setting):
    save(setting, {2: AnswerInput(3), 3: AnswerInput(3)})  # speerpunt 2 is complete, 1 is not
    # From speerpunt 1 only the others are searched, and speerpunt 2 has nothing open.
    assert where_next(setting, after="thema-1") is None
    # From speerpunt 2 the search goes round to speerpunt 1.
    assert where_next(setting, after="thema-2") == "1.1"


def test_where_ga_verder_leads_takes_one_query_for_one_assessment_or_many(factory, setting, count_queries):
    other = submitted(factory, setting, AssessmentStatus.DRAFT)
    save(setting, {0: AnswerInput(3), 1: AnswerInput(2)})
    results.open_questions_of([setting.assessment])  # the questionnaire is cached from here on
    with count_queries as counted:
        found = results.open_questions_of([setting.assessment, other])
    assert counted.count == 1
    assert {k: v.question.number if v else None for k, v in found.items()} == {
        setting.assessment.id: "2.1",
        other.id: "1.1",
    }
    assert results.open_questions_of([]) == {}
