"""The two shipped versions of the DTS questionnaire side by side: a unit measured on version 1
and then on version 2 sees, per question whose key version 2 kept, its level then and now; and the
release note in questionnaires/README.md accounts for every key of both versions."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path
from typing import Any

import pytest

from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role
from assessment.questionnaires.fileformat import QUESTIONNAIRES, QuestionnaireSpec, read_questionnaire
from assessment.questionnaires.models import Question, Questionnaire
from assessment.questionnaires.services import build_questionnaire
from assessment.rounds.models import RoundStatus

V1 = QUESTIONNAIRES / "dts-2025.yaml"
V2 = QUESTIONNAIRES / "dts-2025-v2.yaml"
README = QUESTIONNAIRES / "README.md"


@pytest.fixture(scope="module")
def specs() -> tuple[QuestionnaireSpec, QuestionnaireSpec]:
    return read_questionnaire(V1), read_questionnaire(V2)


def keys(spec: QuestionnaireSpec) -> list[str]:
    return [question.key for question in spec.questions]


def stored(factory: Any, path: Path) -> Questionnaire:
    return factory._save(build_questionnaire(read_questionnaire(path)))


def questions_of(questionnaire: Questionnaire) -> dict[str, Question]:
    return {q.key: q for theme in questionnaire.themes for q in theme.questions}


def cells(row: str) -> list[str]:
    """The text of each cell of a table row, as a reader sees it."""
    found = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)
    return [" ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in found]


def test_version_2_is_the_same_questionnaire_and_keeps_most_keys(specs):
    v1, v2 = specs
    assert (v1.key, v1.version, v2.key, v2.version) == ("dts-2025", 1, "dts-2025", 2)
    kept = set(keys(v1)) & set(keys(v2))
    # 56 questions in version 1; the five merged pairs each lose one key, nothing else is dropped
    assert len(keys(v1)) == 56
    assert len(kept) == 51, sorted(set(keys(v1)) - kept)
    assert [t.key for t in v1.themes] == [t.key for t in v2.themes]


def test_a_round_on_version_2_shows_the_change_since_version_1_for_every_kept_key(client, factory, specs):
    v1_spec, v2_spec = specs
    v1, v2 = stored(factory, V1), stored(factory, V2)
    unit = factory.unit("CZSK-ZRFREGAT", name="Zr.Ms. Fregat")
    before = factory.assessment(
        unit, factory.round(v1, code="2025-2", status=RoundStatus.CLOSED), status=AssessmentStatus.APPROVED
    )
    for n, question in enumerate(questions_of(v1).values()):
        factory.answer(before, question, 1 + n % 4)
    now = factory.assessment(unit, factory.round(v2, code="2026-1"))
    for n, question in enumerate(questions_of(v2).values()):
        factory.answer(now, question, 1 + (n + 1) % 5)
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)

    html = client.get(f"/assessments/{now.id}/results").get_data(as_text=True)
    section = re.search(r'<details class="question-changes">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert section is not None, "no per-question change since 2025-2"
    rows = [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S)]
    texts = {q.text.nl: q.key for q in v2_spec.questions}
    shown = {texts[re.sub(r"^Vraag \d+\.\d+ ", "", row[0])]: row[1:3] for row in rows}
    kept = [key for key in keys(v2_spec) if key in set(keys(v1_spec))]
    assert list(shown) == kept  # every kept key, in version 2's order, and no new one
    old, new = questions_of(v1), questions_of(v2)
    levels = {key: (n % 4 + 1) for n, key in enumerate(old)}
    now_levels = {key: (n + 1) % 5 + 1 for n, key in enumerate(new)}
    assert shown == {key: [str(levels[key]), str(now_levels[key])] for key in kept}


# -- the release note ----------------------------------------------------------------------------

ROW = re.compile(r"^\| (`[a-z0-9-]+`|—) \| (`[a-z0-9-]+`|—) \| (.+) \|$")


def release_note() -> list[tuple[str | None, str | None, str]]:
    """(v1 key, v2 key, what happened) per row of the table "Version 2 of dts-2025, per key"."""
    section = README.read_text(encoding="utf-8").split("## Version 2 of dts-2025, per key", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if m := ROW.match(line):
            old, new = (None if k == "—" else k.strip("`") for k in m.groups()[:2])
            rows.append((old, new, m.group(3)))
    return rows


def test_the_release_note_says_what_happened_to_every_key_of_both_versions(specs):
    v1, v2 = specs
    rows = release_note()
    assert sorted(old for old, _, _ in rows if old) == sorted(keys(v1))
    assert sorted({new for _, new, _ in rows if new}) == sorted(keys(v2))
    wrong = []
    for old, new, what in rows:
        kind = re.match(r"\W*(\w+)", what).group(1).lower()  # type: ignore[union-attr]
        if kind in ("kept", "reworded", "rewritten"):
            ok = old == new
        elif kind == "merged":
            ok = old != new and new in keys(v2) and old not in keys(v2) and f"`{new}`" in what
        elif kind == "new":
            ok = old is None and new not in keys(v1)
        elif kind == "removed":
            ok = new is None and old not in keys(v2)
        else:
            ok = False
        if not ok:
            wrong.append(f"{old} → {new}: {what}")
    assert not wrong, "\n".join(wrong)
