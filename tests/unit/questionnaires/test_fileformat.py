"""An administrator checks a questionnaire file: a good file passes, a broken one gets a message
that names the place in the file, so he can fix it without reading code."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.questionnaires.fileformat import (
    DEFAULT_QUESTIONNAIRE,
    MAX_FILE_BYTES,
    QuestionnaireFileError,
    Text,
    parse_questionnaire,
    read_questionnaire,
)
from tests.factories import questionnaire_document, questionnaire_yaml

Q00 = "themes[0].capabilities[0].questions[0]"
Q01 = "themes[0].capabilities[0].questions[1]"


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def problems_in(data: str | bytes | dict[str, Any]) -> list[str]:
    """The messages an administrator gets for ``data``; the test fails if the file is accepted."""
    text = dump(data) if isinstance(data, dict) else data
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire(text, source="kapot.yaml")
    assert caught.value.source == "kapot.yaml"
    assert caught.value.messages, "an error without a message"
    return caught.value.messages


def broken(change: Callable[[dict[str, Any]], Any], **kwargs: Any) -> dict[str, Any]:
    """The factory's valid document with one ``change`` applied."""
    document = questionnaire_document(**kwargs)
    change(document)
    return document


def question(document: dict[str, Any], t: int = 0, c: int = 0, q: int = 0) -> dict[str, Any]:
    return document["themes"][t]["capabilities"][c]["questions"][q]


# -- good files -----------------------------------------------------------------------------------


def test_the_shipped_dts_questionnaire_validates():
    spec = read_questionnaire(DEFAULT_QUESTIONNAIRE)
    assert spec.key == "dts-2025"
    assert len(spec.themes) == 5
    assert [level.level for level in spec.scale] == [1, 2, 3, 4, 5]
    assert spec.summary().startswith("dts-2025 versie 1: 5 thema's, ")


def test_the_factory_document_is_valid_so_each_broken_file_below_breaks_one_thing():
    spec = parse_questionnaire(questionnaire_yaml())
    assert spec.summary() == "test versie 1: 2 thema's, 2 capabilities, 4 vragen, schaal 1–5"


def test_a_questionnaire_with_three_levels_is_valid_and_asks_three_descriptors_and_two_next_steps():
    spec = parse_questionnaire(questionnaire_yaml(levels=3))
    assert [level.label.nl for level in spec.scale] == ["Initieel", "Herhaalbaar", "Gedefinieerd"]
    for q in spec.questions:
        assert sorted(q.levels) == [1, 2, 3]
        assert sorted(q.next_steps) == [1, 2]
    # Without a default target in the file, the target is the middle of the scale.
    assert {theme.default_target for theme in spec.themes} == {2}


def test_on_a_three_level_scale_a_fourth_descriptor_and_a_next_step_from_level_three_do_not_belong():
    def add_level_four(document: dict[str, Any]) -> None:
        question(document)["levels"][4] = "Een vierde niveau dat de schaal niet kent"
        question(document)["next_steps"][3] = "Een volgende stap vanaf het hoogste niveau"

    assert problems_in(broken(add_level_four, levels=3)) == [
        f"{Q00}.levels: niveau 4 hoort er niet bij",
        f"{Q00}.next_steps: niveau 3 hoort er niet bij (het hoogste niveau, 3, heeft geen volgende stap)",
    ]


def test_a_questionnaire_with_seven_themes_is_valid():
    spec = parse_questionnaire(questionnaire_yaml(themes=7))
    assert [theme.key for theme in spec.themes] == [f"thema-{t}" for t in range(1, 8)]
    assert spec.summary().startswith("test versie 1: 7 thema's, 7 capabilities, 14 vragen")


# -- broken files: each one gets a message that names the place ---------------------------------


def _drop_level_4_of_second_question(d: dict[str, Any]) -> None:
    del question(d, q=1)["levels"][4]


def _add_level_6(d: dict[str, Any]) -> None:
    question(d)["levels"][6] = "Een zesde niveau dat de schaal niet kent"


def _drop_next_step_2(d: dict[str, Any]) -> None:
    del question(d)["next_steps"][2]


def _next_step_on_top_level(d: dict[str, Any]) -> None:
    question(d)["next_steps"][5] = "Nog hoger dan het hoogste niveau"


def _duplicate_theme_key(d: dict[str, Any]) -> None:
    d["themes"][1]["key"] = "thema-1"


def _duplicate_capability_key(d: dict[str, Any]) -> None:
    d["themes"][1]["capabilities"][0]["key"] = "cap-1-1"


def _duplicate_question_key(d: dict[str, Any]) -> None:
    question(d, t=1, q=1)["key"] = "vraag-1-1-1"


def _scale_with_a_gap(d: dict[str, Any]) -> None:
    del d["scale"][2]  # levels 1, 2, 4, 5


def _default_target_above_top(d: dict[str, Any]) -> None:
    d["themes"][0]["default_target"] = 6


def _missing_question_text(d: dict[str, Any]) -> None:
    del question(d)["text"]


def _missing_title(d: dict[str, Any]) -> None:
    del d["title"]


def _version_as_word(d: dict[str, Any]) -> None:
    d["version"] = "een"


def _not_applicable_as_word(d: dict[str, Any]) -> None:
    question(d)["allow_not_applicable"] = "ja"


def _unknown_field(d: dict[str, Any]) -> None:
    d["themes"][0]["colour"] = "rood"


def _english_only(d: dict[str, Any]) -> None:
    d["themes"][0]["title"] = {"en": "Theme without Dutch"}


def _weight_zero(d: dict[str, Any]) -> None:
    question(d)["weight"] = 0


def _empty_text(d: dict[str, Any]) -> None:
    question(d)["text"] = ""


def _blank_dutch_text(d: dict[str, Any]) -> None:
    question(d)["levels"][3] = {"nl": "   ", "en": "Level three"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            _drop_level_4_of_second_question,
            f"{Q01}.levels: niveau 4 ontbreekt",
            id="missing level descriptor",
        ),
        pytest.param(_add_level_6, f"{Q00}.levels: niveau 6 hoort er niet bij", id="extra level descriptor"),
        pytest.param(_drop_next_step_2, f"{Q00}.next_steps: niveau 2 ontbreekt", id="missing next step"),
        pytest.param(
            _next_step_on_top_level,
            f"{Q00}.next_steps: niveau 5 hoort er niet bij (het hoogste niveau, 5, heeft geen volgende stap)",
            id="next step on the top level",
        ),
        pytest.param(
            _duplicate_theme_key,
            "themes[1].key: thema-sleutel 'thema-1' komt al voor bij themes[0]",
            id="duplicate theme key",
        ),
        pytest.param(
            _duplicate_capability_key,
            "themes[1].capabilities[0].key: capability-sleutel 'cap-1-1' komt al voor bij "
            "themes[0].capabilities[0]",
            id="duplicate capability key",
        ),
        pytest.param(
            _duplicate_question_key,
            f"themes[1].capabilities[0].questions[1].key: vraag-sleutel 'vraag-1-1-1' komt al voor bij {Q00}",
            id="duplicate question key",
        ),
        pytest.param(
            _scale_with_a_gap,
            "scale: de niveaus moeten 1 tot en met 4 zijn, op volgorde (gevonden: 1, 2, 4, 5)",
            id="scale with a gap",
        ),
        pytest.param(
            _default_target_above_top,
            "themes[0].default_target: 6 ligt boven het hoogste niveau (5)",
            id="default target above the top",
        ),
        pytest.param(_missing_question_text, f"{Q00}: 'text' ontbreekt", id="missing question text"),
        pytest.param(_missing_title, "(bovenste niveau): 'title' ontbreekt", id="missing title"),
        pytest.param(_version_as_word, "version: moet een geheel getal zijn", id="version not a number"),
        pytest.param(
            _not_applicable_as_word,
            f"{Q00}.allow_not_applicable: moet true of false zijn",
            id="allow_not_applicable not a boolean",
        ),
        pytest.param(_weight_zero, f"{Q00}.weight: moet groter zijn dan 0", id="weight 0"),
    ],
)
def test_a_broken_file_gets_one_message_that_names_the_place(change, expected):
    assert problems_in(broken(change)) == [expected]


def test_a_text_with_only_english_says_the_dutch_text_is_missing():
    assert problems_in(broken(_english_only)) == [
        "themes[0].title: 'nl' ontbreekt: de Nederlandse tekst is verplicht"
    ]


@pytest.mark.parametrize(
    ("change", "place"),
    [
        pytest.param(_empty_text, f"{Q00}.text", id="empty text"),
        pytest.param(_blank_dutch_text, f"{Q00}.levels.3", id="Dutch text of only spaces"),
    ],
)
def test_a_text_without_dutch_words_is_refused_at_its_place(change, place):
    assert problems_in(broken(change)) == [
        f"{place}: moet een tekst zijn, of {{nl: ..., en: ...}} met niet-lege teksten"
    ]


def test_an_unknown_field_is_named_at_its_place():
    (message,) = problems_in(broken(_unknown_field))
    assert message.startswith("themes[0]: onbekend veld")
    assert "colour" in message


def test_every_problem_in_a_file_is_reported_not_only_the_first():
    def two_problems(document: dict[str, Any]) -> None:
        _drop_level_4_of_second_question(document)
        _duplicate_question_key(document)

    assert problems_in(broken(two_problems)) == [
        f"{Q01}.levels: niveau 4 ontbreekt",
        f"themes[1].capabilities[0].questions[1].key: vraag-sleutel 'vraag-1-1-1' komt al voor bij {Q00}",
    ]


def test_a_file_that_is_not_a_mapping_is_refused():
    assert problems_in("- een\n- lijst\n") == [
        "het bestand moet een mapping zijn met key, version, title, scale en themes"
    ]


# -- broken YAML and broken bytes ---------------------------------------------------------------


def test_a_yaml_syntax_error_gives_line_and_column():
    text = "key: test\nversion: 1\ntitle: {nl: Test\nscale: []\n"
    (message,) = problems_in(text)
    assert message.startswith("regel 4, kolom 6: geen geldige YAML")


def test_a_key_twice_in_one_mapping_is_an_error_at_the_second_one_not_silently_overwritten():
    good = questionnaire_yaml()
    text = good.replace("4: Beschrijving 1.1.2 op niveau 4", "3: Beschrijving 1.1.2 op niveau 4")
    assert text != good
    lines = text.splitlines()
    line = next(n for n, s in enumerate(lines, 1) if s.strip() == "3: Beschrijving 1.1.2 op niveau 4")
    column = lines[line - 1].index("3:") + 1
    assert problems_in(text) == [
        f"regel {line}, kolom {column}: geen geldige YAML (sleutel 3 komt twee keer voor)",
    ]


def test_yaml_is_read_with_a_safe_loader_so_a_python_tag_is_refused_not_run():
    text = questionnaire_yaml().replace("key: test", "key: !!python/object/apply:os.getcwd []", 1)
    (message,) = problems_in(text)
    assert message.startswith("regel 1, kolom 6: geen geldige YAML")


def test_a_file_over_2_mb_is_refused(tmp_path):
    path = tmp_path / "groot.yaml"
    path.write_bytes(questionnaire_yaml().encode() + b"#" * MAX_FILE_BYTES)
    with pytest.raises(QuestionnaireFileError) as caught:
        read_questionnaire(path)
    (message,) = caught.value.messages
    assert message.endswith("bytes; de grens is 2 MB")
    assert caught.value.source == str(path)


def test_a_file_of_exactly_2_mb_is_still_read(tmp_path):
    content = questionnaire_yaml().encode() + b"# opvulling\n"
    path = tmp_path / "precies.yaml"
    path.write_bytes(content + b"#" * (MAX_FILE_BYTES - len(content)))
    assert path.stat().st_size == MAX_FILE_BYTES
    assert read_questionnaire(path).key == "test"


def test_text_over_2_mb_is_refused_before_it_is_parsed():
    assert problems_in(b"#" * (MAX_FILE_BYTES + 1)) == ["het bestand is groter dan 2 MB"]


def test_a_file_that_is_not_utf8_is_refused_with_the_byte_that_is_wrong(tmp_path):
    path = tmp_path / "latin1.yaml"
    text = questionnaire_yaml().replace("Testvragenlijst", "Vragenlijst café")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(QuestionnaireFileError) as caught:
        read_questionnaire(path)
    assert caught.value.messages == [f"het bestand is geen UTF-8 (byte {text.index('é')})"]


def test_a_missing_file_is_named_not_a_traceback(tmp_path):
    with pytest.raises(QuestionnaireFileError) as caught:
        read_questionnaire(tmp_path / "weg.yaml")
    assert caught.value.messages == ["bestand niet gevonden"]


# -- texts and content hash ---------------------------------------------------------------------


def test_english_falls_back_to_dutch():
    assert Text("Verbindingen", "Links").get("en") == "Links"
    assert Text("Verbindingen", "Links").get("nl") == "Verbindingen"
    assert Text("Verbindingen", "Links").get() == "Verbindingen"
    assert Text("Verbindingen").get("en") == "Verbindingen"


def test_a_plain_string_is_dutch_and_a_mapping_carries_both_languages():
    spec = parse_questionnaire(questionnaire_yaml())
    capability = spec.themes[0].capabilities[0]
    assert capability.title == Text("Capability 1.1")  # plain string in the factory
    assert capability.title.get("en") == "Capability 1.1"
    assert spec.themes[0].title == Text("Thema 1", "Theme 1")


def test_the_content_hash_ignores_comments_and_formatting():
    document = questionnaire_document()
    block_style = "# Een opmerking bovenaan\n" + dump(document).replace("\n", "  # en een opmerking\n", 3)
    flow_style = yaml.safe_dump(document, default_flow_style=True, sort_keys=True, width=60)
    as_json = json.dumps(document, indent=4)  # JSON is YAML too
    hashes = {parse_questionnaire(text).content_hash for text in (block_style, flow_style, as_json)}
    assert hashes == {parse_questionnaire(dump(document)).content_hash}


def test_the_content_hash_changes_with_a_text():
    document = questionnaire_document()
    changed = copy.deepcopy(document)
    question(changed)["levels"][3] = "Beschrijving 1.1.1 op niveau 3, nu anders geformuleerd"
    assert parse_questionnaire(dump(changed)).content_hash != parse_questionnaire(dump(document)).content_hash


def test_yaml_aliases_are_refused_before_they_can_expand():
    # "Billion laughs": each level repeats the one below nine times; without the refusal this
    # small text would grow to gigabytes while it is read.
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ",".join(f"*{previous}" for _ in range(9)) + "]\n"
    with pytest.raises(QuestionnaireFileError) as refused:
        parse_questionnaire(bomb)
    (message,) = refused.value.messages
    assert "regel 2" in message
    assert "aliassen" in message


# -- format version 2: why, source, respondent, profiles, evidence, terms -------------------------

EXAMPLE_V2 = Path(__file__).parents[2] / "data" / "voorbeeld-v2.yaml"


def test_a_version_2_file_keeps_why_source_respondent_profiles_evidence_and_terms():
    spec = read_questionnaire(EXAMPLE_V2)
    first, drones, _ = spec.questions
    assert first.why == Text(
        "Zonder veilige verbinding kan de commandant niet leiden.",
        "Without a secure link the commander cannot lead.",
    )
    assert first.source is not None and first.source.speerpunt == "verbinden"
    assert first.respondent == "staf-s6"
    assert first.profiles == () and drones.profiles == ("land", "lucht")
    assert first.evidence == {
        3: Text("Een verbindingsplan dat de staf gebruikt.", "A communications plan the staff uses.")
    }
    assert [t.term for t in spec.terms] == ["DMO", "IT"]
    assert [p.key for p in spec.profiles] == ["land", "maritiem", "lucht"]


def v2_broken(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    document = yaml.safe_load(EXAMPLE_V2.read_text(encoding="utf-8"))
    change(document)
    return document


def test_a_source_must_name_a_speerpunt_of_the_file():
    document = v2_broken(lambda d: question(d)["source"].update(speerpunt="cyber"))
    assert problems_in(document) == [
        f"{Q00}.source.speerpunt: 'cyber' is geen thema van dit bestand (kies uit: data, verbinden)"
    ]


def test_a_question_profile_must_be_listed_in_the_files_profiles():
    document = v2_broken(lambda d: question(d, q=1).update(profiles=["land", "staf"]))
    assert problems_in(document) == [
        f"{Q01}.profiles: 'staf' staat niet in profiles (bekend: land, maritiem, lucht)"
    ]
    document = v2_broken(lambda d: d.pop("profiles"))
    assert problems_in(document) == [
        f"{Q01}.profiles: 'land' staat niet in profiles (bekend: geen: voeg 'profiles' toe)",
        f"{Q01}.profiles: 'lucht' staat niet in profiles (bekend: geen: voeg 'profiles' toe)",
    ]


def test_an_unknown_respondent_is_refused_with_the_choices():
    (message,) = problems_in(v2_broken(lambda d: question(d).update(respondent="logistiek")))
    assert message.startswith(
        f"{Q00}.respondent: 'logistiek' is niet toegestaan (kies uit: commandant, staf-s1,"
    )


def test_evidence_above_the_scale_and_a_term_twice_are_refused():
    def change(d: dict[str, Any]) -> None:
        question(d)["evidence"][7] = "Zevende"
        d["terms"].append({"term": "DMO", "explanation": "Nog eens."})

    assert problems_in(v2_broken(change)) == [
        "terms[2].term: begrip 'DMO' komt al voor",
        f"{Q00}.evidence: niveau 7 ligt boven het hoogste niveau (5)",
    ]
