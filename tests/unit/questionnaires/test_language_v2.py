"""The Dutch of every questionnaire of format version 2 or later is B1: short sentences, one
question per question text, every acronym explained, and every question says why it matters,
which passage of the DTS letter it serves and who in a unit answers it best.

The shipped files in questionnaires/ are checked when one of version 2 or later exists; the
checks themselves are tested now on a small example (tests/data/voorbeeld-v2.yaml) and on
broken copies of it, so that a rule that stops catching anything fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assessment.questionnaires.fileformat import (
    QUESTIONNAIRES,
    QuestionnaireSpec,
    QuestionSpec,
    SourceSpec,
    Text,
    read_questionnaire,
)

EXAMPLE = Path(__file__).parents[2] / "data" / "voorbeeld-v2.yaml"
MAX_WORDS = 18
# Abbreviations every Dutch reader of the file knows as words; everything else goes in `terms`
# or is written out at first use, e.g. "Federated Mission Networking (FMN)".
KNOWN_ACRONYMS = frozenset({"NAVO", "EU"})
# A word of capitals and digits with at least two of them and at least one capital, hyphens
# inside: DMO, C2, APP-6, ISO 27001's "ISO". Not a capitalised word like "Defensie".
ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![\w-])")
SENTENCE_END = re.compile(r"(?<=[.?!;])\s+")


def acronyms_in(text: str) -> list[tuple[str, int]]:
    """Every acronym in ``text`` with its position (a lone capital such as "A" is none)."""
    return [(m.group(), m.start()) for m in ACRONYM.finditer(text) if len(m.group().replace("-", "")) >= 2]


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: a sentence ends at . ? ! or ;"""
    return [part for part in SENTENCE_END.split(text.strip()) if part.strip()]


def _dutch_texts(spec: QuestionnaireSpec) -> Iterator[tuple[str, str]]:
    """(place, Dutch text) for every text of the file that a user reads, in file order."""
    yield "title", spec.title.nl
    if spec.description:
        yield "description", spec.description.nl
    for scale in spec.scale:
        yield f"scale {scale.level}", f"{scale.label.nl}. {scale.description.nl}"
    for theme in spec.themes:
        yield f"{theme.key}.title", theme.title.nl
        if theme.description:
            yield f"{theme.key}.description", theme.description.nl
        for capability in theme.capabilities:
            yield f"{capability.key}.title", capability.title.nl
            if capability.description:
                yield f"{capability.key}.description", capability.description.nl
            for question in capability.questions:
                yield from ((f"{question.key}.{name}", text) for name, text in _question_texts(question))


def _question_texts(question: QuestionSpec) -> Iterator[tuple[str, str]]:
    yield "text", question.text.nl
    for name, text in (("help", question.help), ("why", question.why)):
        if text is not None:
            yield name, text.nl
    if question.source is not None:
        yield "source.quote", question.source.quote.nl
    for level, text in sorted(question.levels.items()):
        yield f"levels.{level}", text.nl
        if level in question.evidence:
            yield f"evidence.{level}", question.evidence[level].nl
        if level in question.next_steps:
            yield f"next_steps.{level}", question.next_steps[level].nl


def long_sentences(spec: QuestionnaireSpec) -> list[str]:
    """Dutch sentences of more than MAX_WORDS words in question texts, levels and next steps."""
    found = []
    for question in spec.questions:
        texts = [("text", question.text.nl)]
        texts += [(f"levels.{n}", t.nl) for n, t in sorted(question.levels.items())]
        texts += [(f"next_steps.{n}", t.nl) for n, t in sorted(question.next_steps.items())]
        for place, text in texts:
            for sentence in sentences(text):
                words = len(sentence.split())
                if words > MAX_WORDS:
                    found.append(f"{question.key}.{place}: {words} woorden: {sentence}")
    return found


def double_questions(spec: QuestionnaireSpec) -> list[str]:
    """Question texts with more or less than one question mark."""
    return [
        f"{q.key}: {q.text.nl.count('?')} vraagtekens: {q.text.nl}"
        for q in spec.questions
        if q.text.nl.count("?") != 1
    ]


# Question texts with " en " that still ask one thing: the "en" joins a list of objects, not two
# asks. A question text with " en " that is not here fails, so that "Heeft de eenheid een plan
# en oefent zij het?" cannot slip in; an entry that no longer has " en " fails too.
EN_JOINS_A_LIST = {
    "com-veilig-discipline": "privételefoons en openbare apps: two examples of one wrong means",
    "com-interop-procedures": "berichten, orders en kaarten: what the unit makes",
    "com-mdo-delen": "eenheden, domeinen en partners: the receivers",
    "com-c2-staf": "planning en besluitvorming: what the one environment is for",
    "fun-soevereine-cloud-grit": "de soevereine clouddienst en GrIT: where to",
    "dat-data-eigenaar": "naam en functie: how the owner is known",
    "dat-data-regels": "toegang, bewaartermijnen en hergebruik: the rules",
    "dat-datakwaliteit": "juist, volledig en actueel: the qualities",
    "dat-mens-machine": "mensen, data en machines: who works together",
    "dat-sturen-op-data": "commandant en staf; planning, gereedheid en evaluaties",
    "dat-datavaardigheid": "commandant, staf en medewerkers: who has the knowledge",
    "dat-drones-schaal": "drones en gekwalificeerde operators: what there is enough of",
    "ems-apparaten-bijgewerkt": "updates en back-ups: what every device gets",
    "ems-effecten-planning": "cyber- en EW-effecten; vuur en manoeuvre: kinds of effect",
}


def double_asks(spec: QuestionnaireSpec) -> list[str]:
    """Question texts that join two asks with " en " (lists of objects are in EN_JOINS_A_LIST)."""
    found = []
    for question in spec.questions:
        joined = " en " in question.text.nl
        listed = question.key in EN_JOINS_A_LIST
        if joined and not listed:
            found.append(f"{question.key}: twee vragen in één? {question.text.nl}")
        elif listed and not joined:
            found.append(f"{question.key}: staat in EN_JOINS_A_LIST maar heeft geen ' en ' meer")
    return found


def questions_without_context(spec: QuestionnaireSpec) -> list[str]:
    """Questions without why, source or respondent."""
    found = []
    for question in spec.questions:
        missing = [
            name
            for name, value in (
                ("why", question.why),
                ("source", question.source),
                ("respondent", question.respondent),
            )
            if value is None
        ]
        if missing:
            found.append(f"{question.key}: {', '.join(missing)} ontbreekt")
    return found


def unexplained_acronyms(spec: QuestionnaireSpec) -> list[str]:
    """Acronyms in Dutch texts that are not in ``terms``, not known to all, and not written out
    at their first use: "Federated Mission Networking (FMN)" or "FMN (Federated Mission ...)"."""
    explained = {term.term for term in spec.terms} | KNOWN_ACRONYMS
    seen: set[str] = set()
    found = []
    for place, text in _dutch_texts(spec):
        for acronym, at in acronyms_in(text):
            parts = acronym.split("-")  # NAVO-STANAG: explained when NAVO and STANAG are
            if acronym in explained or acronym in seen or (len(parts) > 1 and explained.issuperset(parts)):
                continue
            seen.add(acronym)
            in_brackets = text[:at].endswith("(") and text[at + len(acronym) :].startswith(")")
            followed_by_brackets = text[at + len(acronym) :].startswith(" (")
            if not (in_brackets or followed_by_brackets):
                found.append(f"{place}: {acronym} staat niet in terms en is niet voluit geschreven")
    return found


CHECKS = (long_sentences, double_questions, double_asks, questions_without_context, unexplained_acronyms)


def problems(spec: QuestionnaireSpec) -> list[str]:
    return [problem for check in CHECKS for problem in check(spec)]


def _shipped_v2() -> list[Path]:
    return [path for path in sorted(QUESTIONNAIRES.glob("*.yaml")) if read_questionnaire(path).version >= 2]


# -- the shipped files -------------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_every_shipped_questionnaire_of_version_2_is_plain_dutch(check):
    paths = _shipped_v2()
    if not paths:
        pytest.skip(
            "questionnaires/ has no file of version 2 or later yet (the v2 DTS file is still to come)"
        )
    for path in paths:
        found = check(read_questionnaire(path))
        assert not found, f"{path.name}:\n" + "\n".join(found)


# -- the checks, on a small example --------------------------------------------------------------


@pytest.fixture
def example() -> QuestionnaireSpec:
    return read_questionnaire(EXAMPLE)


def with_question(spec: QuestionnaireSpec, **changes: object) -> QuestionnaireSpec:
    """``spec`` with its first question changed."""
    theme = spec.themes[0]
    capability = theme.capabilities[0]
    question = replace(capability.questions[0], **changes)
    capability = replace(capability, questions=(question, *capability.questions[1:]))
    theme = replace(theme, capabilities=(capability, *theme.capabilities[1:]))
    return replace(spec, themes=(theme, *spec.themes[1:]))


def test_the_example_passes_every_check(example):
    assert example.version == 2
    assert problems(example) == []


def test_a_sentence_of_nineteen_words_in_a_level_is_caught(example):
    long = "De eenheid heeft een plan en dat plan wordt elk jaar door de staf met de commandant besproken en bijgewerkt."
    assert len(long.split()) == 20
    question = next(example.questions)
    spec = with_question(example, levels={**question.levels, 3: Text("Kort. " + long)})
    assert long_sentences(spec) == [f"vb-verbinding.levels.3: 20 woorden: {long}"]


def test_a_long_next_step_and_a_long_question_are_caught_but_eighteen_words_pass(example):
    eighteen = " ".join(["woord"] * 17) + " eind?"
    question = next(example.questions)
    assert long_sentences(with_question(example, text=Text(eighteen))) == []
    long_step = " ".join(["stap"] * 19) + "."
    spec = with_question(
        example, text=Text("Nog " + eighteen), next_steps={**question.next_steps, 1: Text(long_step)}
    )
    assert [p.split(":")[0] for p in long_sentences(spec)] == [
        "vb-verbinding.text",
        "vb-verbinding.next_steps.1",
    ]


def test_two_questions_in_one_text_are_caught(example):
    spec = with_question(example, text=Text("Heeft de eenheid een plan? Oefent zij dat plan?"))
    assert double_questions(spec) == [
        "vb-verbinding: 2 vraagtekens: Heeft de eenheid een plan? Oefent zij dat plan?"
    ]


def test_two_asks_joined_by_en_are_caught_but_a_listed_list_of_objects_passes(example):
    spec = with_question(example, text=Text("Heeft de eenheid een plan en oefent zij dat plan?"))
    assert double_asks(spec) == [
        "vb-verbinding: twee vragen in één? Heeft de eenheid een plan en oefent zij dat plan?"
    ]
    # a listed key's "en" joins a list; once it has no "en", the stale entry is reported
    listed = with_question(
        example, key="dat-data-eigenaar", text=Text("Heeft elke dataset een naam en functie?")
    )
    assert double_asks(listed) == []
    stale = with_question(example, key="dat-data-eigenaar", text=Text("Heeft elke dataset een eigenaar?"))
    assert double_asks(stale) == ["dat-data-eigenaar: staat in EN_JOINS_A_LIST maar heeft geen ' en ' meer"]


def test_a_question_without_why_source_or_respondent_is_caught(example):
    spec = with_question(example, why=None, respondent=None)
    assert questions_without_context(spec) == ["vb-verbinding: why, respondent ontbreekt"]
    spec = with_question(example, source=None)
    assert questions_without_context(spec) == ["vb-verbinding: source ontbreekt"]


def test_an_acronym_outside_the_glossary_is_caught_unless_written_out_at_first_use(example):
    spec = with_question(example, why=Text("Het SOC ziet een aanval pas als de eenheid meldt."))
    assert unexplained_acronyms(spec) == [
        "vb-verbinding.why: SOC staat niet in terms en is niet voluit geschreven"
    ]
    for written_out in (
        "Het Security Operations Centre (SOC) ziet het.",
        "Het SOC (Security Operations Centre) ziet het.",
    ):
        assert unexplained_acronyms(with_question(example, why=Text(written_out))) == []
    # C2 and APP-6 are acronyms too; DMO is in the example's terms.
    spec = with_question(example, help=Text("Gebruik C2 volgens APP-6 en vraag de DMO."))
    assert [p.split(": ")[1].split()[0] for p in unexplained_acronyms(spec)] == ["C2", "APP-6"]
    # a compound of explained parts is explained; one unexplained part is enough to be caught
    assert unexplained_acronyms(with_question(example, help=Text("Vraag het NAVO-DMO bureau."))) == []
    spec = with_question(example, help=Text("Vraag het NAVO-SOC bureau."))
    assert [p.split(": ")[1].split()[0] for p in unexplained_acronyms(spec)] == ["NAVO-SOC"]


def test_only_the_first_use_must_be_written_out(example):
    source = SourceSpec("verbinden", Text("Het SOC ziet elke aanval."))
    spec = with_question(example, why=Text("Het Security Operations Centre (SOC) helpt."), source=source)
    assert unexplained_acronyms(spec) == []
    spec = with_question(
        example, why=Text("Het SOC helpt."), source=replace(source, quote=Text("Het SOC (centrum) helpt."))
    )
    assert unexplained_acronyms(spec) == [
        "vb-verbinding.why: SOC staat niet in terms en is niet voluit geschreven"
    ]


def test_the_sentence_splitter_and_acronym_finder():
    assert sentences("Een. Twee? Drie; vier! ") == ["Een.", "Twee?", "Drie;", "vier!"]
    assert [a for a, _ in acronyms_in("De DMO, C2, APP-6, Defensie, A en een ISO 27001 norm.")] == [
        "DMO",
        "C2",
        "APP-6",
        "ISO",
    ]


def test_version_1_files_are_not_held_to_these_rules():
    # dts-2025.yaml is version 1: its questions have no why, source or respondent
    assert "dts-2025.yaml" not in [path.name for path in _shipped_v2()]
    assert questions_without_context(read_questionnaire(EXAMPLE.with_name("voorbeeld-v1.yaml")))
