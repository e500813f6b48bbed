from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment.assessments import services as assessment_services
from assessment.auth.access import can_read_all_units, can_view_unit, requires
from assessment.reports import services
from assessment.rounds.models import Round
from assessment.rounds.services import get_round

bp = Blueprint("reports", __name__, template_folder="templates")


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/reports/assessments/<int:assessment_id>.pdf")
@login_required
def unit_report(assessment_id: int) -> Any:
    assessment = assessment_services.get_assessment(assessment_id)
    if assessment is None or not can_view_unit(current_user, assessment.unit_id):
        abort(404)
    return _pdf(
        services.render_unit_report(assessment),
        services.report_filename(assessment.round.code, assessment.unit.code),
    )


def _round(code: str) -> Round:
    round_ = get_round(code)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/reports/rounds/<code>.pdf")
@requires(can_read_all_units)
def round_report(code: str) -> Any:
    round_ = _round(code)
    return _pdf(
        services.render_round_report(round_), f"ronderapport_{services.report_filename(round_.code, 'alle')}"
    )


class _Sink:
    """A write-only stream for zipfile that hands out what was written so far."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


@bp.route("/reports/rounds/<code>/eenheidsrapporten.zip")
@requires(can_read_all_units)
def batch_zip(code: str) -> Any:
    """Every unit report of the round in one ZIP, streamed: the download starts with the first
    report instead of after the last. A report that fails is listed in FOUTEN.txt."""
    round_ = _round(code)
    items = services.assessments_in_round(round_)

    def generate() -> Iterator[bytes]:
        sink = _Sink()
        failures = []
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
            for assessment_id, unit_code in items:
                try:
                    assessment = assessment_services.get_assessment(assessment_id)
                    assert assessment is not None  # noqa: S101 (listed a moment ago)
                    pdf = services.render_unit_report(assessment)
                except Exception as exc:  # one unit's failure must not stop the rest
                    services.logger.exception("PDF for %s failed", unit_code)
                    failures.append(f"{unit_code}: {type(exc).__name__}: {exc}")
                    continue
                archive.writestr(services.report_filename(round_.code, unit_code), pdf)
                yield sink.take()
            if failures:
                archive.writestr(
                    "FOUTEN.txt", _("Deze rapporten zijn niet gemaakt:") + "\n" + "\n".join(failures) + "\n"
                )
        yield sink.take()

    response = Response(stream_with_context(generate()), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{round_.code}_eenheidsrapporten.zip"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
