"""The read-only JSON API, ``/api/v1/``. Same roles and access rules as the pages; a session
cookie or ``Authorization: Bearer <token>`` (a personal token an admin issues and revokes).
Every number comes from ``assessment.scoring``, as on the pages and in the PDFs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from assessment import i18n, scoring
from assessment.api.openapi import OPENAPI
from assessment.assessments import services as assessment_services
from assessment.assessments.models import Answer, AssessmentStatus
from assessment.audit.requests import refused_object
from assessment.auth.access import can_read_all_units, can_view_unit
from assessment.db import session
from assessment.formatting import round_half_up
from assessment.results import questionnaire as plain
from assessment.results import services as results
from assessment.rounds.models import Round
from assessment.rounds.services import get_round, list_rounds

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Ids are 32-bit on every database (PostgreSQL's INTEGER): a larger one names nothing.
MAX_ID = 2**31 - 1


class ApiError(HTTPException):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(description=message)
        self.code = code
        self.api_message = message


def _score(value: float | None) -> float | None:
    """Scores as the pages show them: one decimal."""
    return None if value is None else round_half_up(value, 1)


def _round_json(round_: Round) -> dict[str, Any]:
    data = plain.load(round_.questionnaire_id, i18n.current())
    return {
        "code": round_.code,
        "name": round_.name,
        "status": round_.status.value,
        "questionnaire": {"key": data.key, "version": data.version},
        "opens_on": round_.opens_on.isoformat() if round_.opens_on else None,
        "closes_on": round_.closes_on.isoformat() if round_.closes_on else None,
    }


def _round_or_404(code: str) -> Round:
    round_ = get_round(code)
    if round_ is None:
        raise ApiError(404, _("Ronde '%(code)s' bestaat niet.", code=code))
    return round_


def _leads_only() -> None:
    if not can_read_all_units(current_user):
        raise ApiError(403, _("Alleen transformatieleiders, coördinatoren en beheerders zien alle eenheden."))


@bp.before_request
def _known_language() -> None:
    """``?lang=`` is one of the languages served, given once; anything else is a 400, as the
    description says (the pages are more lenient: a link with an odd ``lang`` still opens)."""
    given = request.args.getlist("lang")
    if given and (len(given) > 1 or given[0] not in i18n.LANGUAGES):
        raise ApiError(
            400, _("Onbekende taal in lang; kies uit %(choices)s.", choices=", ".join(i18n.LANGUAGES))
        )


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
            400,
            _(
                "Onbekende status; kies uit %(choices)s.",
                choices=", ".join(s.value for s in AssessmentStatus),
            ),
        ) from None
    scored = results.round_figures(round_, i18n.current()).scored(statuses)
    return jsonify(
        round=_round_json(round_),
        units=[
            _scores_json(s.unit_code, s.unit_name, s.assessment_id, s.status, s.result)
            for s in sorted(scored, key=lambda s: s.unit_code)
        ],
    )


def _scores_json(
    unit_code: str,
    unit_name: str,
    assessment_id: int,
    status: AssessmentStatus,
    result: scoring.AssessmentResult,
) -> dict[str, Any]:
    return {
        "unit": {"code": unit_code, "name": unit_name},
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


@bp.route("/assessments/<id:assessment_id>")
@login_required
def assessment(assessment_id: int) -> Any:
    found = assessment_services.get_assessment(assessment_id) if assessment_id <= MAX_ID else None
    if found is not None and not can_view_unit(current_user, found.unit_id):
        refused_object("assessments", found.id)
        found = None
    if found is None:
        raise ApiError(404, _("Deze vragenlijst bestaat niet, of u hebt er geen toegang toe."))
    figures = results.round_figures(found.round, i18n.current())
    result = results.assessment_result(found.id, found.unit_id, figures)
    data = figures.questionnaire
    keys = data.question_keys_by_id
    rows = session.execute(
        select(
            Answer.question_id, Answer.level, Answer.is_not_applicable, Answer.comment, Answer.updated_at
        ).where(Answer.assessment_id == found.id)
    ).all()
    answers = sorted(
        (
            {
                "question_key": keys[question_id],
                "number": data.numbers.get(keys[question_id]),
                "level": level,
                "not_applicable": nvt,
                "comment": comment,
                "updated_at": updated.isoformat() if updated else None,
            }
            for question_id, level, nvt, comment, updated in rows
            if question_id in keys
        ),
        key=lambda a: [int(part) for part in (a["number"] or "0.0").split(".")],
    )
    body = _scores_json(found.unit.code, found.unit.name, found.id, found.status, result)
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
    number of units shows only its count, so that no single unit can be singled out. The lowest
    and highest score are single units' own: only who reads every unit gets them (as on the
    pages); representatives get the median and quartiles."""
    round_ = _round_or_404(code)
    figures = results.round_figures(round_, i18n.current())
    bench = figures.benchmark
    minimum = results.MIN_UNITS_FOR_MEDIAN
    data = figures.questionnaire
    extremes = can_read_all_units(current_user)

    def dist(d: scoring.Distribution) -> dict[str, Any]:
        shown = d.n >= minimum
        return {
            "n": d.n,
            **{
                name: _score(getattr(d, attr))
                if shown and (extremes or name in ("q1", "median", "q3"))
                else None
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
