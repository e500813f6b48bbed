"""The names users read for the codes a questionnaire file uses (who answers a question best)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from assessment.questionnaires.fileformat import RESPONDENTS

RESPONDENT_LABELS = {
    "commandant": _l("Commandant"),
    "staf-s1": _l("S1 (personeel)"),
    "staf-s3": _l("S3 (operaties)"),
    "staf-s4": _l("S4 (logistiek)"),
    "staf-s6": _l("S6 (verbindingen en IT)"),
    "informatiemanager": _l("Informatiemanager"),
    "cyber": _l("Cyberspecialist"),
    "opleiding": _l("Opleidingsfunctionaris"),
}
assert set(RESPONDENT_LABELS) == set(RESPONDENTS)  # noqa: S101 (a new respondent needs a label)


def respondent_label(key: str | None) -> str:
    """The name of respondent ``key`` in the user's language; the key itself when unknown."""
    if key is None:
        return ""
    return str(RESPONDENT_LABELS.get(key, key))
