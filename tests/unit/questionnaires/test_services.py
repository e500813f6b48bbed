"""Storing a questionnaire version: the whole tree, once; a loaded version is never changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from assessment import db
from assessment.audit.models import AuditEvent
from assessment.questionnaires.fileformat import QuestionnaireSpec, parse_questionnaire
from assessment.questionnaires.models import (
    Capability,
    Question,
    QuestionLevel,
    Questionnaire,
    ScaleLevel,
    Theme,
)
from assessment.questionnaires.services import (
    QuestionnaireError,
    get_questionnaire,
    parse_reference,
    store_questionnaire,
)
from tests.factories import questionnaire_document, questionnaire_yaml

pytestmark = pytest.mark.usefixtures("app_ctx")


def spec_of(**kwargs: Any) -> QuestionnaireSpec:
    return parse_questionnaire(questionnaire_yaml(**kwargs))


def count(model: type, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def rows_of(questionnaire: Questionnaire) -> dict[str, int]:
    """How many rows of each kind belong to ``questionnaire``, read back from the database."""
    qid = questionnaire.id
    theme = Theme.questionnaire_id == qid
    capability = Capability.theme_id.in_(select(Theme.id).where(theme))
    question = Question.capability_id.in_(select(Capability.id).where(capability))
    level = QuestionLevel.question_id.in_(select(Question.id).where(question))
    return {
        "scale": count(ScaleLevel, ScaleLevel.questionnaire_id == qid),
        "themes": count(Theme, theme),
        "capabilities": count(Capability, capability),
        "questions": count(Question, question),
        "levels": count(QuestionLevel, level),
        "next_steps": count(QuestionLevel, level, QuestionLevel.next_step_nl.is_not(None)),
    }


def test_storing_a_questionnaire_stores_the_whole_tree():
    questionnaire, created = store_questionnaire(spec_of(key="boom", themes=3, capabilities=2, questions=2))
    assert created
    db.session.expire_all()
    assert rows_of(questionnaire) == {
        "scale": 5,
        "themes": 3,
        "capabilities": 6,
        "questions": 12,
        "levels": 12 * 5,
        "next_steps": 12 * 4,
    }


def test_every_level_but_the_top_has_its_next_step_and_both_languages_are_kept():
    questionnaire, _ = store_questionnaire(spec_of(key="stappen", levels=4))
    db.session.expire_all()
    stored = db.session.get(Questionnaire, questionnaire.id)
    assert stored.top_level == 4
    first = stored.themes[0].capabilities[0].questions[0]
    assert [(lv.level, lv.descriptor_nl, lv.next_step_nl) for lv in first.levels] == [
        (1, "Beschrijving 1.1.1 op niveau 1", "Volgende stap 1.1.1 vanaf niveau 1"),
        (2, "Beschrijving 1.1.1 op niveau 2", "Volgende stap 1.1.1 vanaf niveau 2"),
        (3, "Beschrijving 1.1.1 op niveau 3", "Volgende stap 1.1.1 vanaf niveau 3"),
        (4, "Beschrijving 1.1.1 op niveau 4", None),
    ]
    assert (first.text("text", "nl"), first.text("text", "en")) == ("Vraag 1.1.1?", "Question 1.1.1?")
    assert first.text("help", "en") == "Hulp bij vraag 1.1.1"  # no English: falls back to Dutch
    assert [t.key for t in stored.themes] == ["thema-1", "thema-2"]
    assert [s.label_nl for s in stored.scale] == ["Initieel", "Herhaalbaar", "Gedefinieerd", "Beheerst"]


def test_loading_the_same_content_again_changes_nothing():
    first, created = store_questionnaire(spec_of(key="twee-keer"))
    before = rows_of(first)
    again, created_again = store_questionnaire(spec_of(key="twee-keer"))
    assert created and not created_again
    assert again.id == first.id
    assert count(Questionnaire, Questionnaire.key == "twee-keer") == 1
    assert rows_of(first) == before
    assert count(AuditEvent, AuditEvent.action == "questionnaire.load") == 1


def test_the_same_content_written_differently_is_the_same_version():
    store_questionnaire(spec_of(key="anders-geschreven"))
    document = questionnaire_document(key="anders-geschreven")
    _, created = store_questionnaire(parse_questionnaire("# als JSON\n" + json.dumps(document)))
    assert not created


def test_different_content_under_a_loaded_key_and_version_is_refused_and_the_stored_one_kept():
    stored, _ = store_questionnaire(spec_of(key="vast", questions=2))
    with pytest.raises(QuestionnaireError) as caught:
        store_questionnaire(spec_of(key="vast", questions=3))
    assert str(caught.value) == (
        "vast versie 1 is al geladen met andere inhoud. Een geladen versie wordt nooit gewijzigd: "
        "geef het bestand een nieuw versienummer."
    )
    assert count(Questionnaire, Questionnaire.key == "vast") == 1
    assert rows_of(stored)["questions"] == 4


def test_a_new_version_of_the_same_key_is_stored_beside_the_old_one():
    store_questionnaire(spec_of(key="versies", version=1, questions=2))
    newer, created = store_questionnaire(spec_of(key="versies", version=2, questions=3))
    assert created
    assert count(Questionnaire, Questionnaire.key == "versies") == 2
    assert rows_of(newer)["questions"] == 6


def test_without_a_version_the_highest_loaded_version_is_found():
    for version in (1, 3, 2):
        store_questionnaire(spec_of(key="hoogste", version=version))
    store_questionnaire(spec_of(key="hoogste-ander", version=7))
    assert get_questionnaire("hoogste").version == 3
    assert get_questionnaire("hoogste", 2).version == 2
    assert get_questionnaire("hoogste", 4) is None
    assert get_questionnaire("onbekend") is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [("dts-2025@2", ("dts-2025", 2)), ("dts-2025", ("dts-2025", None)), (" dts-2025 ", ("dts-2025", None))],
)
def test_a_questionnaire_reference_is_key_with_an_optional_version(reference, expected):
    assert parse_reference(reference) == expected


def test_a_reference_with_a_version_that_is_not_a_number_is_refused():
    with pytest.raises(QuestionnaireError, match="de versie na @ moet een geheel getal zijn"):
        parse_reference("dts-2025@een")


def test_a_version_2_file_is_stored_with_its_new_fields_and_a_version_1_without():
    data = Path(__file__).parents[2] / "data"
    old, _ = store_questionnaire(parse_questionnaire((data / "voorbeeld-v1.yaml").read_bytes()))
    new, _ = store_questionnaire(parse_questionnaire((data / "voorbeeld-v2.yaml").read_bytes()))
    assert (old.terms, old.profiles) == (None, None)
    assert old.themes[0].questions[0].why_nl is None
    assert new.terms[0] == {
        "term": "DMO",
        "nl": "Defensie Materieel Organisatie, die materieel en IT koopt en beheert.",
        "en": "Defence Materiel Organisation, which buys and manages materiel and IT.",
    }
    assert [p["key"] for p in new.profiles] == ["land", "maritiem", "lucht"]
    first, drones = new.themes[0].questions
    assert first.text("why", "en") == "Without a secure link the commander cannot lead."
    assert (first.source_theme_key, first.text("source")) == (
        "verbinden",
        "Eenheden moeten overal veilig kunnen communiceren.",
    )
    assert first.respondent == "staf-s6"
    assert first.evidence == {
        "3": {
            "nl": "Een verbindingsplan dat de staf gebruikt.",
            "en": "A communications plan the staff uses.",
        }
    }
    assert (first.profiles, drones.profiles) == (None, ["land", "lucht"])
