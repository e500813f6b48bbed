"""The shipped DTS questionnaire, version 1 (questionnaires/dts-2025.yaml) and version 2
(dts-2025-v2.yaml), is complete, concrete and bilingual: the checks of issue 3. A representative picks the description that fits his unit,
and the next steps become the recommendations of every report, so empty, repeated or
placeholder texts would reach him directly."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from assessment.questionnaires.fileformat import (
    QUESTIONNAIRES,
    QuestionnaireSpec,
    QuestionSpec,
    Text,
    read_questionnaire,
)

# The five speerpunten, named as in DESIGN.md, in this order.
SPEERPUNTEN = [
    "Communicatie en digitale samenwerking",
    "Digitaal fundament",
    "Data, kunstmatige intelligentie en autonomie",
    "Elektromagnetisch spectrum, cyber en redundantie",
    "Digitaal aanpassingsvermogen",
]
# Version 2 renamed levels 3 and 4: B1 Dutch, and level 4 now means "measures its own results"
# (version 1's English "Managed" is CMMI's name for level 2).
SCALE = {
    1: ["Initieel", "Herhaalbaar", "Gedefinieerd", "Beheerst", "Adaptief"],
    2: ["Initieel", "Herhaalbaar", "Vastgelegd", "Gemeten", "Adaptief"],
}
PLACEHOLDER = re.compile(r"todo|lorem|\.\.\.|…", re.IGNORECASE)
LANGUAGES = ("nl", "en")
MIN_LADDER_TEXT = 25


@pytest.fixture(scope="module", params=["dts-2025.yaml", "dts-2025-v2.yaml"])
def dts(request: pytest.FixtureRequest) -> QuestionnaireSpec:
    return read_questionnaire(QUESTIONNAIRES / request.param)


def every_text(spec: QuestionnaireSpec) -> Iterator[tuple[str, Text | None]]:
    """Every text a user can see, with its place in the file (None where one is missing)."""
    yield "title", spec.title
    yield "description", spec.description
    for s, level in enumerate(spec.scale):
        yield f"scale[{s}].label", level.label
        yield f"scale[{s}].description", level.description
    for t, theme in enumerate(spec.themes):
        yield f"themes[{t}].title", theme.title
        yield f"themes[{t}].description", theme.description
        for c, capability in enumerate(theme.capabilities):
            cplace = f"themes[{t}].capabilities[{c}]"
            yield f"{cplace}.title", capability.title
            yield f"{cplace}.description", capability.description
            for q, question in enumerate(capability.questions):
                qplace = f"{cplace}.questions[{q}]"
                yield f"{qplace}.text", question.text
                yield f"{qplace}.help", question.help
                yield from ladder_texts(qplace, question)
                # version 2: why, the letter's passage and evidence, where the file has them
                if question.why is not None:
                    yield f"{qplace}.why", question.why
                if question.source is not None:
                    yield f"{qplace}.source.quote", question.source.quote
                for level, text in sorted(question.evidence.items()):
                    yield f"{qplace}.evidence.{level}", text
    for term in spec.terms:
        yield f"terms.{term.term}", term.explanation


def ladder_texts(qplace: str, question: QuestionSpec) -> Iterator[tuple[str, Text]]:
    """The level descriptors and next steps of one question."""
    for level, text in sorted(question.levels.items()):
        yield f"{qplace}.levels.{level}", text
    for level, text in sorted(question.next_steps.items()):
        yield f"{qplace}.next_steps.{level}", text


def all_ladder_texts(spec: QuestionnaireSpec) -> Iterator[tuple[str, Text]]:
    for t, theme in enumerate(spec.themes):
        for c, capability in enumerate(theme.capabilities):
            for q, question in enumerate(capability.questions):
                yield from ladder_texts(f"themes[{t}].capabilities[{c}].questions[{q}]", question)


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_the_file_validates(dts):
    assert dts.key == "dts-2025"
    assert dts.summary().startswith(f"dts-2025 versie {dts.version}: 5 thema's, ")


def test_it_has_exactly_the_five_speerpunten_of_the_dts_in_order(dts):
    assert [theme.title.nl for theme in dts.themes] == SPEERPUNTEN


def test_the_scale_runs_from_initieel_to_adaptief(dts):
    assert [(level.level, level.label.nl) for level in dts.scale] == list(
        enumerate(SCALE[dts.version], start=1)
    )


def test_every_speerpunt_has_five_to_seven_capabilities_of_one_to_three_questions(dts):
    # version 1: five or six of exactly two; version 2 merged five pairs and added new concepts
    capabilities, questions = ((5, 6), {2}) if dts.version == 1 else ((5, 7), {1, 2, 3})
    shape = {
        theme.key: (len(theme.capabilities), {len(c.questions) for c in theme.capabilities})
        for theme in dts.themes
    }
    wrong = {
        key: s
        for key, s in shape.items()
        if not (capabilities[0] <= s[0] <= capabilities[1] and s[1] <= questions)
    }
    assert not wrong, f"(capabilities, questions per capability) off: {wrong}"


def test_the_default_target_of_every_speerpunt_is_level_3(dts):
    assert {theme.key: theme.default_target for theme in dts.themes} == {t.key: 3 for t in dts.themes}


def test_every_text_is_in_dutch_and_in_english(dts):
    places = [place for place, _ in every_text(dts)]
    assert len(places) > 500  # every text, not a few
    missing = [place for place, text in every_text(dts) if text is None or not text.nl or not text.en]
    assert not missing, f"without Dutch or English: {missing}"


def test_no_text_is_a_placeholder(dts):
    found = [
        f"{place} ({language}): {value}"
        for place, text in every_text(dts)
        if text is not None
        for language in LANGUAGES
        if (value := text.get(language)) and PLACEHOLDER.search(value)
    ]
    assert not found, "\n".join(found)


def test_no_descriptor_or_next_step_is_shorter_than_25_characters(dts):
    short = [
        f"{place} ({language}): {text.get(language)!r}"
        for place, text in all_ladder_texts(dts)
        for language in LANGUAGES
        if len(text.get(language).strip()) < MIN_LADDER_TEXT
    ]
    assert not short, "\n".join(short)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_descriptors_or_next_steps_in_the_file_are_the_same(dts, language):
    seen: dict[str, list[str]] = {}
    for place, text in all_ladder_texts(dts):
        seen.setdefault(folded(text.get(language)), []).append(place)
    repeated = {value: places for value, places in seen.items() if len(places) > 1}
    assert not repeated, f"the same text at more than one place: {repeated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_within_a_question_the_descriptors_form_a_ladder_of_different_steps(dts, language):
    problems = []
    for question in dts.questions:
        descriptors = {folded(text.get(language)) for text in question.levels.values()}
        if len(descriptors) != len(dts.scale):
            problems.append(f"{question.key}: descriptors not all different")
        for level, step in question.next_steps.items():
            if folded(step.get(language)) == folded(question.levels[level + 1].get(language)):
                problems.append(
                    f"{question.key}: next step from {level} repeats the descriptor of {level + 1}"
                )
    assert not problems, "\n".join(problems)
