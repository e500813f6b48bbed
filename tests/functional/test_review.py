"""A coordinator's day: his home page shows what waits for him, one page shows everything he needs
to decide, approving asks first, and a decision can be taken back while the round is open."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.rounds.models import Round, RoundStatus
from tests.helpers import text_of


@dataclass
class Desk:
    round_: Round
    early: Assessment  # submitted first
    late: Assessment  # submitted later
    returned: Assessment
    draft: Assessment
    coordinator: User
    rep: User


@pytest.fixture
def desk(factory, db_session) -> Desk:
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    round_.closes_on = dt.date(2026, 12, 18)
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    units = {code: factory.unit(code, name=name) for code, name in [
        ("A", "Alpha Brigade"), ("B", "Bravo Brigade"), ("C", "Charlie Brigade"), ("D", "Delta Brigade"),
    ]}  # fmt: skip
    late = factory.assessment(units["A"], round_, status=AssessmentStatus.SUBMITTED)
    late.submitted_at = now + dt.timedelta(days=1)
    early = factory.assessment(units["B"], round_, status=AssessmentStatus.SUBMITTED)
    early.submitted_at = now
    returned = factory.assessment(units["C"], round_, status=AssessmentStatus.RETURNED)
    returned.return_reason = "Vraag 1.2 mist een toelichting."
    returned.decided_at = now
    draft = factory.assessment(units["D"], round_)
    questions = factory.questions(early)
    factory.answer(early, questions[0], 2, comment="Verbindingsplan <b>klaar</b> in mei.")
    factory.answer(early, questions[1], 4)
    factory.answer(early, questions[2], not_applicable=True)
    db_session.commit()
    return Desk(
        round_=round_,
        early=early,
        late=late,
        returned=returned,
        draft=draft,
        coordinator=factory.user(Role.COORDINATOR, name="Carla Coördinator"),
        rep=factory.user(Role.REPRESENTATIVE, units=[units["B"]]),
    )


def waiting_units(html: str) -> list[str]:
    """The units in the 'waits for you' table, top to bottom."""
    table = html.split('id="wacht-op-u"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">([^<]+) <small>', table)


def status_of(db_session, assessment: Assessment) -> AssessmentStatus:
    db_session.expire_all()
    return db_session.get(Assessment, assessment.id).status


def test_the_coordinators_home_page_shows_what_waits_the_longest_waiting_first(client, desk):
    client.login(desk.coordinator.email)
    html = client.get("/").text
    assert waiting_units(html) == ["Bravo Brigade", "Alpha Brigade"]
    assert f'href="/assessments/{desk.early.id}/review"' in html
    text = text_of(client.get("/"))
    assert "Teruggegeven, bij de eenheid" in text and "Vraag 1.2 mist een toelichting." in text
    assert "sluit 18 december 2026" in text  # the round's deadline


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.LEAD])
def test_who_does_not_decide_sees_no_worklist(client, desk, factory, role):
    user = desk.rep if role is Role.REPRESENTATIVE else factory.user(role)
    client.login(user.email)
    assert 'id="wacht-op-u"' not in client.get("/").text


def test_the_review_page_shows_the_scores_and_every_answer_with_its_level_text_and_toelichting(client, desk):
    client.login(desk.coordinator.email)
    response = client.get(f"/assessments/{desk.early.id}/review")
    assert response.status_code == 200
    text = text_of(response)
    assert "Cijfers per speerpunt" in text
    assert "1 vraag is niet beantwoord." in text
    # Every question of both speerpunten, in order, with what was chosen.
    numbers = re.findall(r"Vraag (\d\.\d) Vraag", text)
    assert numbers == ["1.1", "1.2", "2.1", "2.2"]
    assert "2 · Herhaalbaar : Beschrijving 1.1.1 op niveau 2" in text
    assert "4 · Beheerst : Beschrijving 1.1.2 op niveau 4" in text
    assert "Niet van toepassing" in text and "Niet beantwoord" in text
    # The toelichting as text, never as HTML.
    assert "Verbindingsplan <b>klaar</b> in mei." in text
    assert "<b>klaar</b>" not in response.text
    assert f'href="/assessments/{desk.early.id}/approve"' in response.text


def test_the_review_page_says_which_answer_holds_each_level_down_and_links_to_it_on_the_page(client, desk):
    client.login(desk.coordinator.email)
    response = client.get(f"/assessments/{desk.early.id}/review")
    text = text_of(response)
    assert "2 · Herhaalbaar omdat vraag 1.1 op niveau 2 staat" in text
    assert '<a href="#vraag-1.1">1.1</a>' in response.text
    assert 'id="vraag-1.1"' in response.text  # the answer itself, further down the same page
    assert "Afstand tot doel" in text and "Gap" not in text


def test_approving_asks_first_and_only_the_confirmed_post_approves(client, desk, db_session):
    client.login(desk.coordinator.email)
    question = client.get(f"/assessments/{desk.early.id}/approve")
    assert question.status_code == 200
    assert "Vragenlijst goedkeuren?" in text_of(question)
    assert status_of(db_session, desk.early) is AssessmentStatus.SUBMITTED

    done = client.submit(f"/assessments/{desk.early.id}/approve", {"version": desk.early.version})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert status_of(db_session, desk.early) is AssessmentStatus.APPROVED
    home = client.get("/")
    assert "De vragenlijst is goedgekeurd." in text_of(home)
    assert waiting_units(home.text) == ["Alpha Brigade"]


def test_a_second_coordinator_confirming_the_same_approval_is_told_and_nothing_changes_twice(
    client, other_client, desk, factory, db_session
):
    colleague = factory.user(Role.COORDINATOR)
    client.login(desk.coordinator.email)
    other_client.login(colleague.email)
    page = f"/assessments/{desk.early.id}/approve"
    token_a, token_b = client.token(page), other_client.token(page)
    first = client.post(page, data={"csrf_token": token_a, "version": desk.early.version})
    assert first.status_code == 302
    second = other_client.post(page, data={"csrf_token": token_b, "version": desk.early.version})
    assert second.status_code == 302  # sent back: it is no longer submitted
    assert "Alleen een ingediende vragenlijst kan worden goedgekeurd." in text_of(other_client.get("/"))
    approvals = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.approve")).all()
    assert len(approvals) == 1


@pytest.mark.parametrize("decided", ["approved", "returned"])
def test_a_decision_is_undone_while_the_round_is_open(client, desk, db_session, decided):
    client.login(desk.coordinator.email)
    if decided == "approved":
        client.submit(f"/assessments/{desk.early.id}/approve", {"version": desk.early.version})
        assessment = desk.early
    else:
        assessment = desk.returned
    db_session.expire_all()
    version = db_session.get(Assessment, assessment.id).version
    review = f"/assessments/{assessment.id}/review"
    assert "Besluit terugdraaien" in text_of(client.get(review))

    undone = client.submit(f"/assessments/{assessment.id}/undo", {"version": version}, page=review)
    assert undone.headers["Location"] == review
    db_session.expire_all()
    stored = db_session.get(Assessment, assessment.id)
    assert stored.status is AssessmentStatus.SUBMITTED
    assert stored.return_reason is None and stored.decided_at is None
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.undo_decision")
    ).one()
    assert event.old["status"] == decided and event.new == {"status": "submitted"}
    assert event.actor_id == desk.coordinator.id
    assert "Het besluit is teruggedraaid" in text_of(client.get(review))


def test_a_decision_in_a_closed_round_stays(client, desk, db_session):
    client.login(desk.coordinator.email)
    review = f"/assessments/{desk.returned.id}/review"
    token = client.token(review)
    db_session.get(Round, desk.round_.id).status = RoundStatus.CLOSED
    db_session.commit()
    assert "Besluit terugdraaien" not in text_of(client.get(review))
    refused = client.post(
        f"/assessments/{desk.returned.id}/undo", data={"csrf_token": token, "version": desk.returned.version}
    )
    assert refused.status_code == 302
    assert "De meetronde is gesloten: het besluit ligt vast." in text_of(client.get(review))
    assert status_of(db_session, desk.returned) is AssessmentStatus.RETURNED


def test_undoing_with_an_old_page_after_a_new_decision_is_refused(client, desk, db_session):
    client.login(desk.coordinator.email)
    review = f"/assessments/{desk.returned.id}/review"
    old_version = desk.returned.version
    client.submit(f"/assessments/{desk.returned.id}/undo", {"version": old_version}, page=review)
    client.submit(f"/assessments/{desk.returned.id}/approve", {"version": old_version + 1})
    assert status_of(db_session, desk.returned) is AssessmentStatus.APPROVED
    stale = client.submit(f"/assessments/{desk.returned.id}/undo", {"version": old_version}, page=review)
    assert stale.status_code == 302
    assert "Iemand anders heeft deze vragenlijst gewijzigd" in text_of(client.get(review))
    assert status_of(db_session, desk.returned) is AssessmentStatus.APPROVED


def test_the_review_page_in_english(client, desk):
    client.login(desk.coordinator.email)
    text = text_of(client.get(f"/assessments/{desk.early.id}/review?lang=en"))
    assert "Figures per spearhead" in text and "All answers" in text and "Question 1.1.1?" in text
