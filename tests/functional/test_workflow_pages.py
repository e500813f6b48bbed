"""A coordinator approves or returns only in an open round: the pages refuse it otherwise, say why
in plain Dutch, and change nothing."""

from __future__ import annotations

import pytest

from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.rounds.models import RoundStatus
from tests.helpers import text_of

S = AssessmentStatus
R = RoundStatus

CASES = [
    pytest.param(action, status, round_status, id=f"{action}-{status.value}-{round_status.value}")
    for action in ("approve", "return")
    for status in S
    for round_status in R
]


@pytest.mark.parametrize(("action", "status", "round_status"), CASES)
def test_approving_and_returning_happen_only_to_a_submitted_assessment_in_an_open_round(
    client, factory, db_session, action, status, round_status
):
    round_ = factory.round(factory.questionnaire(themes=1, questions=1), code="2026-1", status=round_status)
    assessment = factory.assessment(factory.unit(), round_, status=status)
    coordinator = factory.user(Role.COORDINATOR)
    client.login(coordinator.email)
    review = f"/assessments/{assessment.id}/review"
    version = assessment.version

    response = client.submit(
        f"/assessments/{assessment.id}/{action}",
        {"version": version, "reason": "Vraag 1.1 mist een toelichting."},
        page=review,
    )

    db_session.expire_all()
    after = db_session.get(Assessment, assessment.id)
    if status is S.SUBMITTED and round_status is R.OPEN:
        assert response.status_code == 302
        assert after.status is (S.APPROVED if action == "approve" else S.RETURNED)
        return
    assert response.status_code == 302
    assert (after.status, after.version) == (status, version)
    shown = text_of(client.get(response.headers["Location"]))
    if status is S.SUBMITTED:
        word = "is gesloten" if round_status is R.CLOSED else "is nog niet open"
        assert f"Meetronde 2026-1 {word}" in shown
    else:
        assert "Alleen een ingediende vragenlijst" in shown


@pytest.mark.parametrize("round_status", [R.PLANNED, R.CLOSED])
def test_the_review_page_of_a_closed_round_offers_no_decision_and_says_why(client, factory, round_status):
    round_ = factory.round(factory.questionnaire(themes=1, questions=1), code="2025-2", status=round_status)
    assessment = factory.assessment(factory.unit(), round_, status=S.SUBMITTED)
    client.login(factory.user(Role.COORDINATOR).email)

    for page in (f"/assessments/{assessment.id}/review", f"/assessments/{assessment.id}"):
        html = client.get(page).text
        assert f'href="/assessments/{assessment.id}/approve"' not in html
        assert f'href="/assessments/{assessment.id}/return"' not in html
    assert "Meetronde 2025-2 is" in text_of(client.get(f"/assessments/{assessment.id}/review"))


def test_reopening_a_closed_round_lets_the_coordinator_decide_again(client, factory, db_session):
    round_ = factory.round(factory.questionnaire(themes=1, questions=1), code="2025-2", status=R.CLOSED)
    assessment = factory.assessment(factory.unit(), round_, status=S.SUBMITTED)
    client.login(factory.user(Role.COORDINATOR).email)

    client.submit("/rounds/2025-2/open", page="/rounds/2025-2")
    client.submit(
        f"/assessments/{assessment.id}/approve",
        {"version": assessment.version},
        page=f"/assessments/{assessment.id}/review",
    )

    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is S.APPROVED
