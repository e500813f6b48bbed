"""Who may open and change what: every route × every kind of visitor, as one visible table.

Load, then check access, then act (indico's request handlers, and its ``access_test.py``
matrices): a representative of another unit gets 404, as if the assessment did not exist; a
role that may read but not act gets 403; whoever is refused changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.exchange.models import TrustedKey
from assessment.questionnaires.models import Questionnaire
from assessment.reports.models import ReportJob
from assessment.rounds.models import Round, RoundStatus, RoundTarget
from assessment.units.models import Unit
from tests.factories import questionnaire_yaml
from tests.helpers import WebClient, text_of

LOGIN = "login"  # sent to the login page (302 to /login?next=...)
DONE = "done"  # 302 back into the app, and the change is made
MADE = "made"  # 200 with a page (a one-time link) or JSON (autosave) that shows the result, and the change is made

ROLES = ("anonymous", "own_rep", "other_rep", "lead", "coordinator", "admin")

# The old speerpunt addresses (/assessments/<id>/<key>) redirect to /speerpunten/<key> for whoever
# may read the assessment: 301 for a bookmark, 308 for a form posted from an old tab (the method
# and the answers go along; the new address decides whether they are saved). Approving is a POST
# after a confirmation: a GET of .../approve shows what is approved and asks, only a POST approves.
# fmt: off
MATRIX: dict[str, tuple[Any, ...]] = {
    # request                                  anonymous  own rep  other rep  lead  coordinator  admin
    "GET /":                                   (LOGIN,    200,     200,       200,  200,         200),
    "GET /assessments/{draft}":                (LOGIN,    200,     404,       200,  200,         200),
    "GET /assessments/{draft}/speerpunten/thema-1":        (LOGIN,    200,     404,       200,  200,         200),
    "POST /assessments/{draft}/speerpunten/thema-1":       (LOGIN,    DONE,    404,       403,  403,         DONE),
    "POST /assessments/{draft}/speerpunten/thema-1/autosave": (LOGIN, MADE,  404,       403,  403,         MADE),
    "GET /assessments/{draft}/thema-1":        (LOGIN,    301,     404,       301,  301,         301),
    "POST /assessments/{draft}/thema-1":       (LOGIN,    308,     404,       308,  308,         308),
    "GET /assessments/{draft}/submit":         (LOGIN,    200,     404,       403,  403,         200),
    "POST /assessments/{draft}/submit":        (LOGIN,    DONE,    404,       403,  403,         DONE),
    "GET /assessments/{submitted}":            (LOGIN,    200,     404,       200,  200,         200),
    "GET /assessments/{submitted}/speerpunten/thema-1":    (LOGIN,    200,     404,       200,  200,         200),
    "GET /assessments/{submitted}/approve":    (LOGIN,    403,     404,       403,  200,         200),
    "GET /assessments/{submitted}/review":     (LOGIN,    403,     404,       403,  200,         200),
    "POST /assessments/{approved}/undo":       (LOGIN,    403,     404,       403,  DONE,        DONE),
    "POST /assessments/{submitted}/approve":   (LOGIN,    403,     404,       403,  DONE,        DONE),
    "GET /assessments/{submitted}/return":     (LOGIN,    403,     404,       403,  200,         200),
    "POST /assessments/{submitted}/return":    (LOGIN,    403,     404,       403,  DONE,        DONE),
    "GET /assessments/{draft}/results":        (LOGIN,    200,     404,       200,  200,         200),
    "GET /assessments/{submitted}/results":    (LOGIN,    200,     404,       200,  200,         200),
    "GET /assessments/{missing}":              (LOGIN,    404,     404,       404,  404,         404),
    "GET /users":                              (LOGIN,    403,     403,       403,  200,         200),
    "GET /users/new":                          (LOGIN,    403,     403,       403,  200,         200),
    "GET /users/{rep}":                        (LOGIN,    403,     403,       403,  200,         200),
    "POST /users/{rep}/reset":                 (LOGIN,    403,     403,       403,  200,         200),
    "POST /users/{rep}/sessions/end":          (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /users/{admin}/sessions/end":        (LOGIN,    403,     403,       403,  403,         DONE),
    "POST /users/new":                         (LOGIN,    403,     403,       403,  MADE,        MADE),
    "POST /users/{rep}":                       (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /account/wachtwoord":                (LOGIN,    400,     400,       400,  400,         400),
    "POST /wachtwoord-instellen/onbekend":     (404,      404,     404,       404,  404,         404),
    "POST /units/new":                         (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /rounds/new":                        (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /units/import":                      (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /questionnaires":                    (LOGIN,    403,     403,       403,  403,         DONE),
    "GET /users/{admin}":                      (LOGIN,    403,     403,       403,  403,         200),
    "GET /account/wachtwoord":                 (LOGIN,    200,     200,       200,  200,         200),
    "GET /wachtwoord-instellen/onbekend":      (404,      404,     404,       404,  404,         404),
    "GET /rounds/2026-1":                      (LOGIN,    403,     403,       200,  200,         200),
    "GET /rounds/new":                         (LOGIN,    403,     403,       403,  200,         200),
    "POST /rounds/2027-0/open":                (LOGIN,    403,     403,       403,  DONE,        DONE),
    "GET /rounds/2026-1/close":                (LOGIN,    403,     403,       403,  200,         200),
    "POST /rounds/2026-1/close":               (LOGIN,    403,     403,       403,  DONE,        DONE),
    "POST /rounds/2026-1/defaults":            (LOGIN,    403,     403,       403,  DONE,        DONE),
    "GET /units":                              (LOGIN,    403,     403,       403,  200,         200),
    "GET /units/new":                          (LOGIN,    403,     403,       403,  200,         200),
    "GET /units/OWN":                          (LOGIN,    403,     403,       403,  200,         200),
    "POST /units/OWN":                         (LOGIN,    403,     403,       403,  DONE,        DONE),
    "GET /units/import":                       (LOGIN,    403,     403,       403,  200,         200),
    "GET /questionnaires":                     (LOGIN,    403,     403,       403,  403,         200),
    "GET /questionnaires/{questionnaire}":     (LOGIN,    403,     403,       403,  403,         200),
    "GET /exchange":                           (LOGIN,    403,     403,       403,  403,         200),
    "POST /exchange/keys":                     (LOGIN,    403,     403,       403,  403,         DONE),
    "POST /exchange/import":                   (LOGIN,    403,     403,       403,  403,         200),
    "GET /exchange/rounds/2026-1/package":     (LOGIN,    403,     403,       403,  200,         200),
    "GET /exchange/rounds/2026-1/package?unit=OWN": (LOGIN, 403,   403,       403,  200,         200),
    "GET /audit":                              (LOGIN,    403,     403,       403,  200,         200),
    "GET /audit/export.csv":                   (LOGIN,    403,     403,       403,  200,         200),
    "GET /reports/rounds/2026-1":              (LOGIN,    403,     403,       200,  200,         200),
    "POST /reports/rounds/2026-1":             (LOGIN,    403,     403,       403,  DONE,        DONE),
    "GET /reports/jobs/{job}":                 (LOGIN,    403,     403,       200,  200,         200),
    "GET /reports/jobs/{job}.json":            (LOGIN,    403,     403,       200,  200,         200),
    "GET /reports/jobs/{job}.zip":             (LOGIN,    403,     403,       200,  200,         200),
    "GET /reports/jobs/{missing}":             (LOGIN,    403,     403,       404,  404,         404),
    "GET /logout":                             (LOGIN,    200,     200,       200,  200,         200),
    "POST /logout":                            (LOGIN,    DONE,    DONE,      DONE, DONE,        DONE),
}
# fmt: on

CASES = [
    pytest.param(request, role, expected, id=f"{request} as {role}")
    for request, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@dataclass
class World:
    own_unit: Unit
    other_unit: Unit
    draft: Assessment
    submitted: Assessment
    approved: Assessment
    other_draft: Assessment
    job: ReportJob
    users: dict[str, User]

    def url(self, template: str) -> str:
        return template.format(
            draft=self.draft.id,
            submitted=self.submitted.id,
            approved=self.approved.id,
            missing=999_999_999,
            rep=self.users["own_rep"].id,
            questionnaire=self.draft.round.questionnaire_id,
            admin=self.users["admin"].id,
            job=self.job.id,
        )


@pytest.fixture
def world(factory) -> World:
    own_unit = factory.unit("OWN", name="Eigen Eenheid")
    other_unit = factory.unit("OTHER", name="Andere Eenheid")
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    current = factory.round(questionnaire, code="2026-1")
    earlier = factory.round(questionnaire, code="2025-2")
    earliest = factory.round(questionnaire, code="2025-1")
    factory.round(questionnaire, code="2027-0", status=RoundStatus.PLANNED)
    draft = factory.assessment(own_unit, current)
    return World(
        own_unit=own_unit,
        other_unit=other_unit,
        draft=draft,
        job=factory.report_job([draft]),
        submitted=factory.assessment(own_unit, earlier, status=AssessmentStatus.SUBMITTED),
        approved=factory.assessment(own_unit, earliest, status=AssessmentStatus.APPROVED),
        other_draft=factory.assessment(other_unit, current),
        users={
            "own_rep": factory.user(Role.REPRESENTATIVE, units=[own_unit], name="Eigen Vertegenwoordiger"),
            "other_rep": factory.user(
                Role.REPRESENTATIVE, units=[other_unit], name="Andere Vertegenwoordiger"
            ),
            "lead": factory.user(Role.LEAD),
            "coordinator": factory.user(Role.COORDINATOR),
            "admin": factory.user(Role.ADMIN),
        },
    )


def log_in_as(client: WebClient, world: World, role: str) -> None:
    if role != "anonymous":
        client.login(world.users[role].email)


def form_for(request: str, world: World) -> dict[str, Any]:
    """What the page behind ``request`` would post: a real, valid form."""
    first_question = world.draft.round.questionnaire.themes[0].questions[0]
    if request.endswith("/thema-1"):
        return {"version": world.draft.version, "action": "save", f"level_{first_question.id}": "3"}
    if request.endswith("/thema-1/autosave"):  # the page's script: the form's fields, no button
        return {"version": world.draft.version, f"level_{first_question.id}": "3"}
    if request.endswith("/submit"):
        return {"version": world.draft.version}
    if request.endswith("/approve"):
        return {"version": world.submitted.version}
    if request.endswith("/users/new"):
        return {
            "email": "nieuw@test.local",
            "name": "Nieuw",
            "role": "representative",
            "units": [world.own_unit.id],
        }
    if request.endswith("/users/{rep}"):
        units = [world.own_unit.id, world.other_unit.id]
        return {"role": "representative", "units": units, "is_active": "y"}
    if request.endswith("/account/wachtwoord"):
        return {
            "current": "niet het wachtwoord",
            "password": "een nieuw lang wachtwoord",
            "repeat": "een nieuw lang wachtwoord",
        }
    if request.endswith("/units/import"):
        return {"file": (io.BytesIO(b"CSV-1;Uit een bestand;eenheid;OWN\n"), "eenheden.csv")}
    if request.endswith("/questionnaires"):
        return {"file": (io.BytesIO(questionnaire_yaml(key="geupload").encode()), "vragenlijst.yaml")}
    if request.endswith("/exchange/keys"):
        return {"name": "schip", "public_key": "ed25519:" + "A" * 43 + "="}
    if request.endswith("/exchange/import"):  # the check: shows the plan, stores nothing
        package = Path(__file__).resolve().parents[1] / "data" / "exchange-v1.dtsx"
        return {
            "file": (io.BytesIO(package.read_bytes()), "x.dtsx"),
            "unverified": "y",
            "check": "Controleren",
        }
    if request.endswith("/units/new"):
        return {"code": "NIEUW", "name": "Nieuwe eenheid", "kind": "eenheid", "parent": ""}
    if request.endswith("/rounds/new"):
        questionnaire = world.draft.round.questionnaire
        themes = {f"theme_{theme.id}": "3" for theme in questionnaire.themes}
        return {"questionnaire": questionnaire.id, "code": "2099-1", "name": "Later", "scope": "", **themes}
    if request.endswith("/units/OWN"):
        return {"name": "Eigen Eenheid (nieuw)", "kind": "eenheid", "parent": "", "is_active": "y"}
    if request.endswith("/defaults"):
        return {f"theme_{theme.id}": "5" for theme in world.draft.round.questionnaire.themes}
    if request.endswith("/undo"):
        return {"version": world.approved.version}
    if request.endswith("/return"):
        return {"version": world.submitted.version, "reason": "Vraag 2.1 heeft geen toelichting."}
    if request.startswith("POST /reports/rounds/"):
        return {"scope": "OWN", "language": "nl"}
    return {}


def stored(db_session, world: World) -> tuple[Any, ...]:
    """Everything a refused request must leave alone."""
    db_session.expire_all()
    draft = db_session.get(Assessment, world.draft.id)
    submitted = db_session.get(Assessment, world.submitted.id)
    approved = db_session.get(Assessment, world.approved.id)
    answers = db_session.scalar(select(func.count()).select_from(Answer))
    return (
        draft.status,
        draft.version,
        submitted.status,
        submitted.version,
        submitted.return_reason,
        approved.status,
        approved.version,
        answers,
        tuple(db_session.scalars(select(Round.status).order_by(Round.code))),
        tuple(db_session.scalars(select(RoundTarget.level).order_by(RoundTarget.id))),
        tuple(db_session.scalars(select(Unit.name).order_by(Unit.code))),
        tuple(db_session.scalars(select(User.email).order_by(User.email))),
        tuple(db_session.scalars(select(Questionnaire.key).order_by(Questionnaire.id))),
        db_session.scalar(select(func.count()).select_from(ReportJob)),
        tuple(
            (u.email, tuple(x.code for x in u.units))
            for u in db_session.scalars(select(User).order_by(User.id))
        ),
    )


EFFECTS: dict[str, Callable[[Any, World, WebClient], bool]] = {
    "POST /assessments/{draft}/speerpunten/thema-1": lambda db, w, client: (
        db.get(Assessment, w.draft.id).answers[0].level == 3
    ),
    "POST /assessments/{draft}/speerpunten/thema-1/autosave": lambda db, w, client: (
        db.get(Assessment, w.draft.id).answers[0].level == 3
    ),
    "POST /assessments/{draft}/submit": lambda db, w, client: (
        db.get(Assessment, w.draft.id).status is AssessmentStatus.SUBMITTED
    ),
    "POST /assessments/{submitted}/approve": lambda db, w, client: (
        db.get(Assessment, w.submitted.id).status is AssessmentStatus.APPROVED
    ),
    "POST /assessments/{submitted}/return": lambda db, w, client: (
        db.get(Assessment, w.submitted.id).status is AssessmentStatus.RETURNED
    ),
    "POST /assessments/{approved}/undo": lambda db, w, client: (
        db.get(Assessment, w.approved.id).status is AssessmentStatus.SUBMITTED
    ),
    "POST /rounds/2027-0/open": lambda db, w, client: (
        db.scalar(select(Round.status).where(Round.code == "2027-0")) is RoundStatus.OPEN
    ),
    "POST /rounds/2026-1/close": lambda db, w, client: (
        db.scalar(select(Round.status).where(Round.code == "2026-1")) is RoundStatus.CLOSED
    ),
    "POST /rounds/2026-1/defaults": lambda db, w, client: (
        {t.level for t in db.scalar(select(Round).where(Round.code == "2026-1")).default_targets} == {5}
    ),
    "POST /users/new": lambda db, w, client: (
        db.scalar(select(User).where(User.email == "nieuw@test.local")) is not None
    ),
    "POST /users/{rep}": lambda db, w, client: (
        [u.code for u in db.get(User, w.users["own_rep"].id).units] == ["OTHER", "OWN"]
    ),
    "POST /users/{rep}/sessions/end": lambda db, w, client: (
        db.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "user.logout_everywhere"))
        == str(w.users["own_rep"].id)
    ),
    "POST /users/{admin}/sessions/end": lambda db, w, client: (
        urlsplit(client.get("/").headers["Location"]).path == "/login"  # his own login ended too
    ),
    "POST /units/import": lambda db, w, client: (
        db.scalar(select(Unit).where(Unit.code == "CSV-1")) is not None
    ),
    "POST /questionnaires": lambda db, w, client: (
        db.scalar(select(Questionnaire).where(Questionnaire.key == "geupload")) is not None
    ),
    "POST /exchange/keys": lambda db, w, client: db.scalar(select(TrustedKey.name)) == "schip",
    "POST /units/new": lambda db, w, client: db.scalar(select(Unit).where(Unit.code == "NIEUW")) is not None,
    "POST /rounds/new": lambda db, w, client: (
        db.scalar(select(Round).where(Round.code == "2099-1")) is not None
    ),
    "POST /units/OWN": lambda db, w, client: (
        db.scalar(select(Unit.name).where(Unit.code == "OWN")) == "Eigen Eenheid (nieuw)"
    ),
    "POST /reports/rounds/2026-1": lambda db, w, client: (
        db.scalar(select(func.count()).select_from(ReportJob).where(ReportJob.scope_unit_id == w.own_unit.id))
        == 1
    ),
    "POST /logout": lambda db, w, client: urlsplit(client.get("/").headers["Location"]).path == "/login",
}


@pytest.mark.parametrize(("request_", "role", "expected"), CASES)
def test_access_matrix(client, world, db_session, request_, role, expected):
    method, template = request_.split(" ", 1)
    url = world.url(template)
    log_in_as(client, world, role)
    before = stored(db_session, world)

    if method == "GET":
        response = client.get(url)
    else:
        # A valid token of this visitor's own session: only the access rules can refuse.
        token_page = "/login" if role == "anonymous" else "/logout"
        response = client.submit(url, form_for(request_, world), page=token_page)

    if expected == LOGIN:
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"
    elif expected in (DONE, MADE):
        assert response.status_code == (302 if expected == DONE else 200), text_of(response)
        db_session.expire_all()
        assert EFFECTS[request_](db_session, world, client)
    else:
        assert response.status_code == expected
        if expected in (301, 308):
            assert urlsplit(response.headers["Location"]).path == url.replace(
                "/thema-1", "/speerpunten/thema-1"
            )
    if expected not in (DONE, MADE):
        assert stored(db_session, world) == before


def test_a_refused_representative_of_another_unit_learns_nothing_about_the_assessment(client, world):
    client.login(world.users["other_rep"].email)
    refused = client.get(f"/assessments/{world.draft.id}")
    missing = client.get("/assessments/999999999")
    assert refused.status_code == missing.status_code == 404
    assert text_of(refused) == text_of(missing)
    assert "Eigen Eenheid" not in text_of(refused)


def test_a_representative_sees_only_his_own_units_on_the_home_page(client, world):
    client.login(world.users["own_rep"].email)
    html = client.get("/").get_data(as_text=True)
    page = text_of(client.get("/"))
    assert "Eigen Eenheid" in page
    assert "Andere Eenheid" not in page
    assert f"/assessments/{world.draft.id}" in html
    assert f"/assessments/{world.other_draft.id}" not in html


def test_a_representative_of_two_units_sees_both(client, world, factory):
    rep = factory.user(Role.REPRESENTATIVE, units=[world.own_unit, world.other_unit])
    client.login(rep.email)
    page = text_of(client.get("/"))
    assert "Eigen Eenheid" in page
    assert "Andere Eenheid" in page


@pytest.mark.parametrize("role", ["lead", "coordinator", "admin"])
def test_roles_that_read_everything_see_every_unit_on_the_home_page(client, world, role):
    client.login(world.users[role].email)
    page = text_of(client.get("/"))
    assert "Eigen Eenheid" in page
    assert "Andere Eenheid" in page


@pytest.mark.parametrize(
    ("role", "sees_the_form"),
    [("own_rep", True), ("admin", True), ("lead", False), ("coordinator", False)],
)
def test_only_who_may_fill_in_gets_the_answer_form(client, world, role, sees_the_form):
    client.login(world.users[role].email)
    html = client.get(f"/assessments/{world.draft.id}/speerpunten/thema-1").get_data(as_text=True)
    assert ('type="radio"' in html) is sees_the_form
    assert ("Opslaan" in html) is sees_the_form


@pytest.mark.parametrize(
    ("role", "sees_the_decision"),
    [("own_rep", False), ("lead", False), ("coordinator", True), ("admin", True)],
)
def test_only_a_coordinator_or_admin_is_offered_approve_and_return(client, world, role, sees_the_decision):
    client.login(world.users[role].email)
    html = client.get(f"/assessments/{world.submitted.id}").get_data(as_text=True)
    assert (f'href="/assessments/{world.submitted.id}/approve"' in html) is sees_the_decision
    assert (f'href="/assessments/{world.submitted.id}/review"' in html) is sees_the_decision
    assert (f'href="/assessments/{world.submitted.id}/return"' in html) is sees_the_decision


def test_the_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "ok"}
