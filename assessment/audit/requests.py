"""What requests add to the audit trail by themselves: refused access, refused forms (CSRF) and
downloads of data (exports, PDFs, ZIPs, the API's JSON). The views stay as they are; one hook
after each request looks at the answer.

A refused request is rolled back as always, and only its audit event is committed.
"""

from __future__ import annotations

import re

from flask import Flask, Response, g, request
from flask_login import current_user
from werkzeug.http import parse_options_header

from assessment.audit.services import record
from assessment.db import keep_changes_on_error, session

# The API's answers that hand out a unit's data: exports in JSON.
JSON_EXPORTS = frozenset({"api.round_scores", "api.assessment"})

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def init_app(app: Flask) -> None:
    # Registered after assessment.db's own hook, so it runs before that hook commits or rolls back.
    app.after_request(_after_request)


def refused_object(object_type: str, object_id: object) -> None:
    """Call before answering 404 for an object that exists but the user may not see (another
    unit's assessment): the refusal is recorded against that object."""
    g.audit_refused = (object_type, str(object_id))


def csrf_refused() -> None:
    """Record a form refused for a missing or wrong CSRF token (the CSRF error handler)."""
    session.rollback()
    record("request.csrf_refused", ("page", _path()[:60]), new={"method": request.method, "path": _path()})
    keep_changes_on_error()


def _path() -> str:
    return _UNPRINTABLE.sub("?", request.path)[:500]


def _actor_known() -> bool:
    return bool(current_user and current_user.is_authenticated)


def _after_request(response: Response) -> Response:
    status = response.status_code
    refused = g.pop("audit_refused", None)
    if status == 403 or (status == 404 and refused is not None):
        _record_refusal(status, refused)
    elif status == 200 and (filename := _download_name(response)) is not None:
        record("export.download", ("download", filename[:60]), new={"file": filename, "path": _path()})
    return response


def _record_refusal(status: int, obj: tuple[str, str] | None) -> None:
    # Nothing of the refused request stays; only the record that it was refused.
    actor = current_user._get_current_object() if _actor_known() else None
    session.rollback()
    record(
        "access.refused",
        obj or ("page", _path()[:60]),
        new={"method": request.method, "path": _path(), "status": status},
        actor=actor,
    )
    keep_changes_on_error()


def _download_name(response: Response) -> str | None:
    """The file name of an attachment, or of the API's JSON export; None for anything else."""
    disposition, options = parse_options_header(response.headers.get("Content-Disposition", ""))
    if disposition == "attachment":
        return _UNPRINTABLE.sub("?", options.get("filename") or "download")
    if request.endpoint in JSON_EXPORTS:
        return _path()
    return None
