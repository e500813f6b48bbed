from __future__ import annotations

from sqlalchemy import select

from assessment.audit.services import record
from assessment.db import session
from assessment.input_filter import MAX_ID
from assessment.questionnaires.fileformat import QuestionnaireSpec, Text
from assessment.questionnaires.models import (
    Capability,
    Question,
    QuestionLevel,
    Questionnaire,
    ScaleLevel,
    Theme,
)


class QuestionnaireError(ValueError):
    """The questionnaire cannot be stored or found; the message says why, in Dutch."""


def get_questionnaire(key: str, version: int | None = None) -> Questionnaire | None:
    """Return version ``version`` of ``key``, or its highest version when none is given."""
    query = select(Questionnaire).where(Questionnaire.key == key)
    if version is not None:
        query = query.where(Questionnaire.version == version)
    return session.scalar(query.order_by(Questionnaire.version.desc()).limit(1))


def known_profiles(language: str = "nl") -> list[tuple[str, str]]:
    """Return (key, label) of every kind of unit that a loaded questionnaire names in its
    ``profiles``, in order of first appearance; the newest version's label wins."""
    labels: dict[str, str] = {}
    for profiles in session.scalars(
        select(Questionnaire.profiles).order_by(Questionnaire.key, Questionnaire.version.desc())
    ):
        for item in profiles or ():
            label = (item.get("en") if language == "en" else None) or item["nl"]
            labels.setdefault(item["key"], label)
    return list(labels.items())


def parse_reference(reference: str) -> tuple[str, int | None]:
    """``dts-2025@2`` → ("dts-2025", 2); ``dts-2025`` → ("dts-2025", None)."""
    key, _, version = reference.partition("@")
    if version and not version.isdigit():
        raise QuestionnaireError(f"'{reference}': de versie na @ moet een geheel getal zijn")
    if version and (len(version) > 10 or int(version) > MAX_ID):
        raise QuestionnaireError(f"'{reference}': de versie na @ is te groot (hoogstens {MAX_ID})")
    return key.strip(), int(version) if version else None


def store_questionnaire(spec: QuestionnaireSpec) -> tuple[Questionnaire, bool]:
    """Store ``spec`` as a new version; return it and whether it was new.

    The same key, version and content again is a no-op; other content under a key and version
    already stored raises QuestionnaireError (a loaded version is never edited).
    """
    existing = get_questionnaire(spec.key, spec.version)
    if existing is not None:
        if existing.content_hash == spec.content_hash:
            if existing.source_yaml is None and spec.source is not None:
                existing.source_yaml = spec.source  # loaded before the text was kept
            return existing, False
        raise QuestionnaireError(
            f"{spec.key} versie {spec.version} is al geladen met andere inhoud. Een geladen "
            "versie wordt nooit gewijzigd: geef het bestand een nieuw versienummer."
        )
    questionnaire = build_questionnaire(spec)
    session.add(questionnaire)
    session.flush()
    record(
        "questionnaire.load",
        questionnaire,
        new={"key": spec.key, "version": spec.version, "content_hash": spec.content_hash},
    )
    return questionnaire, True


def build_questionnaire(spec: QuestionnaireSpec) -> Questionnaire:
    """Return the ORM tree for ``spec``, not yet added to a session."""
    return Questionnaire(
        key=spec.key,
        version=spec.version,
        content_hash=spec.content_hash,
        source_yaml=spec.source,
        terms=[{"term": t.term, "nl": t.explanation.nl, "en": t.explanation.en} for t in spec.terms] or None,
        profiles=[{"key": p.key, "nl": p.label.nl, "en": p.label.en} for p in spec.profiles] or None,
        **_texts("title", spec.title),
        **_texts("description", spec.description),
        scale=[
            ScaleLevel(level=s.level, **_texts("label", s.label), **_texts("description", s.description))
            for s in spec.scale
        ],
        themes=[
            Theme(
                key=theme.key,
                position=t,
                weight=theme.weight,
                default_target=theme.default_target,
                **_texts("title", theme.title),
                **_texts("description", theme.description),
                capabilities=[
                    Capability(
                        key=capability.key,
                        position=c,
                        weight=capability.weight,
                        **_texts("title", capability.title),
                        **_texts("description", capability.description),
                        questions=[
                            Question(
                                key=question.key,
                                position=q,
                                weight=question.weight,
                                allow_not_applicable=question.allow_not_applicable,
                                **_texts("text", question.text),
                                **_texts("help", question.help),
                                **_texts("why", question.why),
                                **_texts("source", question.source.quote if question.source else None),
                                source_theme_key=question.source.speerpunt if question.source else None,
                                respondent=question.respondent,
                                profiles=list(question.profiles) or None,
                                evidence={
                                    str(level): {"nl": text.nl, "en": text.en}
                                    for level, text in sorted(question.evidence.items())
                                }
                                or None,
                                levels=[
                                    QuestionLevel(
                                        level=level,
                                        **_texts("descriptor", descriptor),
                                        **_texts("next_step", question.next_steps.get(level)),
                                    )
                                    for level, descriptor in sorted(question.levels.items())
                                ],
                            )
                            for q, question in enumerate(capability.questions)
                        ],
                    )
                    for c, capability in enumerate(theme.capabilities)
                ],
            )
            for t, theme in enumerate(spec.themes)
        ],
    )


def _texts(name: str, text: Text | None) -> dict[str, str | None]:
    if text is None:
        return {f"{name}_nl": None, f"{name}_en": None}
    return {f"{name}_nl": text.nl, f"{name}_en": text.en}
