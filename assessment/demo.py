"""Demo data for ``assessment init --demo``: a realistic unit tree, two rounds, four accounts.

The closed round uses the first questionnaire version and the open round the newest one, so the
results show the trend across versions (questions and speerpunten matched by key).

Answers follow a profile per unit (strong and weak speerpunten), vary per question and improve a
little between rounds, so results and comparisons look like a real organisation, not noise.
Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.auth.services import create_user, get_user_by_email
from assessment.db import session, utcnow
from assessment.questionnaires.models import Question, Questionnaire
from assessment.rounds.models import RoundStatus, Target
from assessment.rounds.services import create_round, get_round, open_round
from assessment.units.models import Unit

DEMO_PASSWORD = "demo-dts-2026"  # noqa: S105 (documented demo password, demo data only)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    parent: str | None
    profile: dict[str, float]  # base level per theme key; missing keys use "*"


UNITS = [
    DemoUnit("CLAS", "Commando Landstrijdkrachten", "krijgsmachtdeel", None, {"*": 2.6}),
    DemoUnit(
        "CLAS-11LMB",
        "11 Luchtmobiele Brigade",
        "brigade",
        "CLAS",
        {"*": 2.7, "communicatie": 3.1, "aanpassingsvermogen": 3.2},
    ),
    DemoUnit(
        "CLAS-13LTBRIG",
        "13 Lichte Brigade",
        "brigade",
        "CLAS",
        {"*": 2.2, "data-ai": 1.8, "communicatie": 2.6},
    ),
    DemoUnit(
        "CLAS-43MECHBRIG",
        "43 Gemechaniseerde Brigade",
        "brigade",
        "CLAS",
        {"*": 2.6, "communicatie": 3.3, "ems-cyber": 2.9},
    ),
    DemoUnit(
        "CLAS-OOCL",
        "Operationeel Ondersteuningscommando Land",
        "commando",
        "CLAS",
        {"*": 2.4, "fundament": 2.9},
    ),
    DemoUnit("CZSK", "Commando Zeestrijdkrachten", "krijgsmachtdeel", None, {"*": 2.8}),
    DemoUnit(
        "CZSK-KM",
        "Korps Mariniers",
        "eenheid",
        "CZSK",
        {"*": 2.5, "aanpassingsvermogen": 3.4, "communicatie": 2.9},
    ),
    DemoUnit(
        "CZSK-VLOOT", "Operationele vloot", "eenheid", "CZSK", {"*": 2.9, "ems-cyber": 3.3, "fundament": 2.4}
    ),
    DemoUnit("CLSK", "Commando Luchtstrijdkrachten", "krijgsmachtdeel", None, {"*": 3.0, "data-ai": 3.2}),
    DemoUnit("CLSK-DHC", "Defensie Helikopter Commando", "commando", "CLSK", {"*": 2.7, "ems-cyber": 3.0}),
    DemoUnit(
        "CLSK-VBLW",
        "Vliegbasis Leeuwarden",
        "eenheid",
        "CLSK",
        {"*": 3.0, "ems-cyber": 3.5, "aanpassingsvermogen": 2.5},
    ),
    DemoUnit(
        "KMAR",
        "Koninklijke Marechaussee",
        "krijgsmachtdeel",
        None,
        {"*": 2.7, "data-ai": 3.1, "ems-cyber": 2.3},
    ),
    DemoUnit(
        "DMO",
        "Defensie Materieel Organisatie",
        "dienst",
        None,
        {"*": 2.9, "fundament": 3.2, "aanpassingsvermogen": 2.2},
    ),
    DemoUnit(
        "DMO-COMMIT",
        "Commando IT (COMMIT)",
        "commando",
        "DMO",
        {"*": 3.3, "fundament": 3.8, "data-ai": 3.4, "communicatie": 3.5},
    ),
    DemoUnit(
        "DCC", "Defensie Cyber Commando", "commando", None, {"*": 3.2, "ems-cyber": 4.1, "data-ai": 3.5}
    ),
    DemoUnit("DOSCO", "Defensie Ondersteuningscommando", "commando", None, {"*": 2.3, "fundament": 2.7}),
]

# The kind of unit that a questionnaire's questions can be tagged with (its `profiles`); units
# not named here are asked every question.
PROFILES = {
    "CLAS-11LMB": "land",
    "CLAS-13LTBRIG": "land",
    "CLAS-43MECHBRIG": "land",
    "CZSK-KM": "land",
    "CZSK-VLOOT": "maritiem",
    "CLSK-DHC": "lucht",
    "CLSK-VBLW": "lucht",
    "CLAS": "staf",
    "CZSK": "staf",
    "CLSK": "staf",
    "DMO-COMMIT": "ondersteuning",
    "DOSCO": "ondersteuning",
}

# 2026-1: how far each unit got. Units not named are untouched drafts.
OPEN_ROUND_STATE = {
    "CLAS-13LTBRIG": ("draft", 0.45),
    "CLAS-11LMB": ("submitted", 1.0),
    "CLAS-43MECHBRIG": ("draft", 0.8),
    "CZSK-KM": ("submitted", 1.0),
    "CZSK-VLOOT": ("approved", 1.0),
    "CLSK-VBLW": ("draft", 0.25),
    "KMAR": ("submitted", 0.95),
    "DMO-COMMIT": ("approved", 1.0),
    "DCC": ("submitted", 1.0),
    "DOSCO": ("draft", 0.6),
}
# 2026-1: units whose commander set a higher bar than the round's default.
OWN_TARGETS = {
    "DCC": {"ems-cyber": 4, "data-ai": 4},
    "DMO-COMMIT": {"fundament": 4},
    "CLSK-VBLW": {"ems-cyber": 4},
}
# 2025-2 (closed): every unit submitted or approved, but for these two.
CLOSED_ROUND_MISSING = {"CLAS-OOCL", "DOSCO"}

COMMENTS = {
    1: [
        "Hangt nu af van twee mensen in de staf.",
        "Nog geen afspraken over; gebeurt per oefening anders.",
        "Geen eigenaar benoemd, wel bekend als probleem.",
    ],
    2: [
        "Eigenaar is de S6; afspraken staan in de eenheidsinstructie.",
        "Werkt bij de meeste oefeningen, nog niet vastgelegd volgens het Defensiebrede kader.",
        "Afspraak binnen de staf, nog niet getraind bij de compagnieën.",
    ],
    3: [
        "Vastgelegd in de SOP en getraind tijdens de laatste oefening.",
        "Standaard volgens Defensiebreed kader; evaluatie na elke oefening.",
        "Rollen en opleiding geregeld; toepassing gecontroleerd door de staf.",
    ],
    4: [
        "Kwartaalrapportage aan de commandant met meetbare doelen.",
        "Aangetoond in een NAVO-oefening met partners.",
        "Risico's en doelen staan in het jaarplan en worden gemeten.",
    ],
    5: [
        "Verbetercyclus na elke inzet; aanpassingen binnen weken ingevoerd.",
        "Lessen uit oefeningen en dreigingsbeeld leiden direct tot aanpassing.",
    ],
}


def load_demo(
    questionnaire: Questionnaire, newest: Questionnaire | None = None
) -> list[tuple[str, Role, list[str]]]:
    """Create what is missing of the demo; return the accounts as (e-mail, role, unit codes).

    The closed round 2025-2 is on ``questionnaire``, the open round 2026-1 on ``newest`` (the
    same when not given)."""
    units = _ensure_units()
    accounts = [
        ("rep@demo.local", "Sanne de Vries", Role.REPRESENTATIVE, ["CLAS-13LTBRIG"]),
        ("lead@demo.local", "Kolonel Mark Jansen", Role.LEAD, []),
        ("coordinator@demo.local", "Esther Bakker", Role.COORDINATOR, []),
        ("admin@demo.local", "Beheer Demo", Role.ADMIN, []),
    ]
    for email, name, role, codes in accounts:
        if get_user_by_email(email) is None:
            create_user(email=email, display_name=name, role=role, password=DEMO_PASSWORD, unit_codes=codes)
    questions, theme_of = _questions_of(questionnaire)
    if get_round("2025-2") is None:
        closed = create_round(
            code="2025-2",
            name="Tweede meting 2025",
            questionnaire=questionnaire,
            opens_on=dt.date(2025, 9, 1),
            closes_on=dt.date(2025, 11, 30),
        )
        open_round(closed)
        for assessment in _assessments(closed.id):
            unit = units[assessment.unit_id]
            if unit.code in CLOSED_ROUND_MISSING:
                continue
            _fill(assessment, unit, questions, theme_of, round_offset=-0.3, share=1.0)
            status = "approved" if hash_of(unit.code) % 3 else "submitted"
            _finish(assessment, status, dt.datetime(2025, 11, 14, 10, tzinfo=dt.UTC))
        closed.status = RoundStatus.CLOSED
    if get_round("2026-1") is None:
        questionnaire = newest or questionnaire
        questions, theme_of = _questions_of(questionnaire)
        current = create_round(
            code="2026-1",
            name="Eerste meting 2026",
            questionnaire=questionnaire,
            opens_on=dt.date(2026, 10, 1),
            closes_on=dt.date(2026, 12, 18),
        )
        open_round(current)
        for assessment in _assessments(current.id):
            unit = units[assessment.unit_id]
            status, share = OPEN_ROUND_STATE.get(unit.code, ("draft", 0.0))
            if share:
                _fill(assessment, unit, questions, theme_of, round_offset=0.0, share=share)
            if status != "draft":
                _finish(assessment, status, utcnow() - dt.timedelta(days=3))
        themes = {theme.key: theme for theme in questionnaire.themes}
        for unit in units.values():
            for key, level in OWN_TARGETS.get(unit.code, {}).items():
                if key not in themes:  # a speerpunt the newest version renamed
                    continue
                session.add(
                    Target(round_id=current.id, unit_id=unit.id, theme_id=themes[key].id, level=level)
                )
    session.flush()
    return [(email, role, codes) for email, _, role, codes in accounts]


def _questions_of(questionnaire: Questionnaire) -> tuple[list[Question], dict[int, str]]:
    """The questions in order, and the speerpunt key of each by question id."""
    questions = [
        question
        for theme in questionnaire.themes
        for capability in theme.capabilities
        for question in capability.questions
    ]
    return questions, {q.id: q.capability.theme.key for q in questions}


def hash_of(text: str) -> int:
    """A stable number for a text (Python's hash() changes per process)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(text))


def _ensure_units() -> dict[int, Unit]:
    by_code = {u.code: u for u in session.scalars(select(Unit))}
    for spec in UNITS:
        if spec.code not in by_code:
            unit = Unit(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                profile=PROFILES.get(spec.code),
                parent=by_code[spec.parent] if spec.parent else None,
            )
            session.add(unit)
            by_code[spec.code] = unit
    session.flush()
    return {u.id: u for u in by_code.values()}


def _assessments(round_id: int) -> list[Assessment]:
    return list(
        session.scalars(select(Assessment).where(Assessment.round_id == round_id).order_by(Assessment.id))
    )


def _fill(
    assessment: Assessment,
    unit: Unit,
    questions: list[Question],
    theme_of: dict[int, str],
    *,
    round_offset: float,
    share: float,
) -> None:
    profile = next(u.profile for u in UNITS if u.code == unit.code)
    rng = random.Random(f"{unit.code}:{assessment.round_id}")  # noqa: S311 (demo data)
    answered = questions[: round(len(questions) * share)] if share < 1 else questions
    top = max(level.level for level in questions[0].levels)
    for question in answered:
        base = profile.get(theme_of[question.id], profile["*"]) + round_offset
        meant_for_others = unit.profile is not None and unit.profile not in (
            question.profiles or [unit.profile]
        )
        if meant_for_others or (question.allow_not_applicable and rng.random() < 0.25):
            session.add(
                Answer(
                    assessment_id=assessment.id,
                    question_id=question.id,
                    is_not_applicable=True,
                    comment="Deze eenheid heeft deze taak niet.",
                )
            )
            continue
        # The same question scores alike in both rounds: its offset depends on unit + question.
        offset = random.Random(f"{unit.code}:{question.key}").gauss(0, 0.7)  # noqa: S311
        level = min(top, max(1, round(base + offset + rng.uniform(-0.2, 0.2))))
        comment = rng.choice(COMMENTS[level]) if rng.random() < 0.4 else ""
        session.add(
            Answer(assessment_id=assessment.id, question_id=question.id, level=level, comment=comment)
        )
    assessment.version += 1


def _finish(assessment: Assessment, status: str, when: dt.datetime) -> None:
    assessment.status = AssessmentStatus(status)
    assessment.submitted_at = when
    if status == "approved":
        assessment.decided_at = when + dt.timedelta(days=2)
