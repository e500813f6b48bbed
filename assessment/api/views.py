"""The read-only JSON API, ``/api/v1/``. Same roles and access rules as the pages; a session
cookie or ``Authorization: Bearer <token>`` (a personal token an admin issues and revokes).
Every number comes from ``assessment.scoring``, as on the pages and in the PDFs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from assessment import scoring
from assessment.api.openapi import OPENAPI
from assessment.assessments import services as assessment_services
from assessment.assessments.models import Answer, AssessmentStatus
from assessment.auth.access import can_view_unit
from assessment.db import session
from assessment.formatting import round_half_up
from assessment.questionnaires.models import Question
from assessment.rounds.models import Round
from assessment.rounds.services import get_round, list_rounds
from assessment.units.models import Unit

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(HTTPException):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(description=message)
        self.code = code
        self.api_message = message


def _score(value: float | None) -> float | None:
    """Scores as the pages show them: one decimal."""
    return None if value is None else round_half_up(value, 1)


def _round_json(round_: Round) -> dict[str, Any]:
    return {
        "code": round_.code,
        "name": round_.name,
        "status": round_.status.value,
        "questionnaire": {"key": round_.questionnaire.key, "version": round_.questionnaire.version},
        "opens_on": round_.opens_on.isoformat() if round_.opens_on else None,
        "closes_on": round_.closes_on.isoformat() if round_.closes_on else None,
    }


def _round_or_404(code: str) -> Round:
    round_ = get_round(code)
    if round_ is None:
        raise ApiError(404, f"Ronde '{code}' bestaat niet.")
    return round_


def _leads_only() -> None:
    if not current_user.sees_all_units:
        raise ApiError(403, "Alleen transformatieleiders, coördinatoren en beheerders zien alle eenheden.")


@bp.route("/openapi.json")
def openapi() -> Any:
    return jsonify(OPENAPI)


@bp.route("/rounds")
@login_required
def rounds() -> Any:
    return jsonify(rounds=[_round_json(r) for r in list_rounds()])


@bp.route("/rounds/<code>/scores")
@login_required
def round_scores(code: str) -> Any:
    _leads_only()
    round_ = _round_or_404(code)
    wanted = request.args.getlist("status") or [s.value for s in AssessmentStatus]
    try:
        statuses = [AssessmentStatus(s) for s in wanted]
    except ValueError:
        raise ApiError(
            400, f"Onbekende status; kies uit {', '.join(s.value for s in AssessmentStatus)}."
        ) from None
    scored = assessment_services.round_scores(round_, statuses)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_([s.unit_id for s in scored])))}
    return jsonify(
        round=_round_json(round_),
        units=[
            _scores_json(units[s.unit_id], s.assessment_id, s.status, s.result)
            for s in sorted(scored, key=lambda s: units[s.unit_id].code)
        ],
    )


def _scores_json(
    unit: Unit, assessment_id: int, status: AssessmentStatus, result: scoring.AssessmentResult
) -> dict[str, Any]:
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "assessment_id": assessment_id,
        "status": status.value,
        "completeness": round(result.completeness, 3),
        "score": _score(result.score),
        "attained_level": result.attained_level,
        "themes": [
            {
                "key": t.key,
                "title": t.title,
                "score": _score(t.score),
                "attained_level": t.attained_level,
                "target": t.target,
                "gap": _score(t.gap),
                "completeness": round(t.completeness, 3),
            }
            for t in result.themes
        ],
    }


@bp.route("/assessments/<int:assessment_id>")
@login_required
def assessment(assessment_id: int) -> Any:
    found = assessment_services.get_assessment(assessment_id)
    if found is None or not can_view_unit(current_user, found.unit_id):
        raise ApiError(404, "Deze vragenlijst bestaat niet, of u hebt er geen toegang toe.")
    result = assessment_services.result_for(found)
    data = assessment_services.questionnaire_data(found.round.questionnaire)
    numbers = data.question_numbers()
    rows = session.execute(
        select(Question.key, Answer.level, Answer.is_not_applicable, Answer.comment, Answer.updated_at)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.assessment_id == found.id)
    ).all()
    answers = sorted(
        (
            {
                "question_key": key,
                "number": numbers.get(key),
                "level": level,
                "not_applicable": nvt,
                "comment": comment,
                "updated_at": updated.isoformat() if updated else None,
            }
            for key, level, nvt, comment, updated in rows
        ),
        key=lambda a: [int(part) for part in (a["number"] or "0.0").split(".")],
    )
    body = _scores_json(found.unit, found.id, found.status, result)
    body.update(
        round=_round_json(found.round),
        version=found.version,
        submitted_at=found.submitted_at.isoformat() if found.submitted_at else None,
        percent_to_target=None if result.percent_to_target is None else round(result.percent_to_target, 3),
        answers=answers,
    )
    return jsonify(body)


@bp.route("/rounds/<code>/benchmark")
@login_required
def benchmark(code: str) -> Any:
    """Defensie-wide figures: everyone may read them, but a scope with fewer than the minimum
    number of units shows only its count, so that no single unit can be singled out."""
    round_ = _round_or_404(code)
    bench = assessment_services.round_benchmark(round_)
    minimum = assessment_services.MIN_UNITS_FOR_MEDIAN
    data = assessment_services.questionnaire_data(round_.questionnaire)

    def dist(d: scoring.Distribution) -> dict[str, Any]:
        shown = d.n >= minimum
        return {
            "n": d.n,
            **{
                name: _score(getattr(d, attr)) if shown else None
                for name, attr in (
                    ("min", "minimum"),
                    ("q1", "q1"),
                    ("median", "median"),
                    ("q3", "q3"),
                    ("max", "maximum"),
                )
            },
        }

    return jsonify(
        round=_round_json(round_),
        assessments=bench.n,
        minimum_units=minimum,
        overall=dist(bench.overall),
        themes=[
            {
                "key": t.key,
                "title": t.title,
                **dist(bench.themes.get(t.key, scoring.EMPTY)),
                "capabilities": [
                    {"key": c.key, "title": c.title, **dist(bench.capabilities.get(c.key, scoring.EMPTY))}
                    for c in t.capabilities
                ],
            }
            for t in data.themes
        ],
    )


@bp.route("/<path:anything>")
def not_found(anything: str) -> Any:
    abort(404)
