"""Crafted input gets a clear refusal, never a 500, and nothing is stored: a NUL byte or another
control character anywhere in a request is a 400; an id or a version the database cannot hold is
a 404 or a 400 that names the field; the command line answers each such file in one line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import ApiToken, Role, User
from assessment.input_filter import IdConverter
from assessment.questionnaires.models import Questionnaire
from assessment.rounds.models import Round
from assessment.units.models import Unit
from tests.factories import questionnaire_yaml
from tests.functional.test_cli import one_line, refused, run, write
from tests.helpers import text_of

REFUSED = "Het verzoek bevat tekens die niet zijn toegestaan. Er is niets opgeslagen."
HUGE = "99999999999999999999999"  # above 2^63: overflowed the database driver before
VERSION_MESSAGE = (
    "Het veld version (de versie van de pagina) moet een getal van 0 tot en met 2.147.483.647 zijn."
)


@pytest.fixture
def world(factory):
    unit = factory.unit("CLAS-13", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=1, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    draft = factory.assessment(unit, round_)
    other = factory.unit("CLAS-14")
    submitted = factory.assessment(other, round_, status=AssessmentStatus.SUBMITTED)
    return {
        "draft": draft,
        "submitted": submitted,
        "question": questionnaire.themes[0].questions[0],
        "rep": factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local"),
        "lead": factory.user(Role.LEAD, email="lead@test.local"),
        "coordinator": factory.user(Role.COORDINATOR, email="coordinator@test.local"),
        "admin": factory.user(Role.ADMIN, email="admin@test.local"),
    }


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def status_of(db_session, assessment) -> tuple[AssessmentStatus, int, str | None]:
    db_session.expire_all()
    stored = db_session.get(Assessment, assessment.id)
    return stored.status, stored.version, stored.return_reason


# -- control characters in forms ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x7f", "\x85", "\x0b"])
def test_a_toelichting_with_a_control_character_is_refused_and_nothing_is_stored(
    client, world, db_session, bad
):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)

    response = client.submit(
        f"/assessments/{draft.id}/speerpunten/thema-1",
        {
            "version": str(draft.version),
            f"level_{question.id}": "3",
            f"comment_{question.id}": f"Zie{bad}plan",
        },
    )

    assert response.status_code == 400
    assert REFUSED in text_of(response)
    assert count(db_session, Answer) == 0
    assert status_of(db_session, draft)[1] == draft.version


def test_a_toelichting_with_tabs_and_line_breaks_is_stored(client, world, db_session):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)

    response = client.submit(
        f"/assessments/{draft.id}/speerpunten/thema-1",
        {"version": str(draft.version), f"level_{question.id}": "3", f"comment_{question.id}": "a\tb\r\nc"},
    )

    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.scalars(select(Answer.comment)).all() == ["a\tb\nc"]


def test_autosave_with_a_nul_byte_is_refused(client, world, db_session):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)
    page = f"/assessments/{draft.id}/speerpunten/thema-1"

    response = client.submit(
        f"{page}/autosave",
        {"version": str(draft.version), f"comment_{question.id}": "Zie\x00plan"},
        page=page,
    )

    assert response.status_code == 400
    assert count(db_session, Answer) == 0


def test_a_return_reason_with_a_nul_byte_is_refused(client, world, db_session):
    submitted = world["submitted"]
    client.login(world["coordinator"].email)

    response = client.submit(
        f"/assessments/{submitted.id}/return", {"version": str(submitted.version), "reason": "Mist\x00iets"}
    )

    assert response.status_code == 400
    assert REFUSED in text_of(response)
    assert status_of(db_session, submitted) == (AssessmentStatus.SUBMITTED, submitted.version, None)


def test_a_token_name_with_a_nul_byte_is_refused(client, world, db_session):
    client.login(world["admin"].email)

    response = client.submit("/api-tokens", {"user_id": str(world["lead"].id), "name": "Power\x00BI"})

    assert response.status_code == 400
    assert REFUSED in text_of(response)
    assert count(db_session, ApiToken) == 0


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_login_with_a_nul_byte_is_refused_without_logging_in(client, world, db_session, field):
    form = {"email": world["rep"].email, "password": "wachtwoord"} | {field: "rep\x00@test.local"}

    response = client.submit("/login", form)

    assert response.status_code == 400
    assert REFUSED in text_of(response)
    assert client.get("/").status_code == 302  # still not logged in
    db_session.expire_all()
    assert db_session.get(User, world["rep"].id).last_login_at is None


def test_a_new_unit_whose_name_holds_a_nul_byte_is_refused(client, world, db_session):
    client.login(world["coordinator"].email)
    before = count(db_session, Unit)

    response = client.submit("/units/new", {"code": "NIEUW", "name": "Nieuw\x00e", "kind": "x", "parent": ""})

    assert response.status_code == 400
    assert count(db_session, Unit) == before


# -- control characters in addresses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("coordinator", "/rounds/2026%001"),
        ("coordinator", "/rounds/2026-1/targets/CLAS%00"),
        ("coordinator", "/units/CLAS%0013"),
        ("lead", "/compare/2026%00-1"),
        ("lead", "/compare/2026-1/export.csv?status=%00"),
        ("lead", "/compare/2026-1?vergelijk%00=1"),
        ("coordinator", "/audit?actie=%1b"),
    ],
)
def test_a_control_character_in_an_address_is_a_400(client, world, role, url):
    client.login(world[role].email)

    response = client.get(url)

    assert response.status_code == 400
    assert REFUSED in text_of(response)


def test_a_control_character_in_an_api_address_is_a_400_in_json(client, world):
    client.login(world["lead"].email)

    response = client.get("/api/v1/rounds/2026%00-1/scores")

    assert response.status_code == 400
    assert response.get_json() == {"status": 400, "message": REFUSED}


def test_a_control_character_in_the_address_is_refused_before_login(client):
    assert client.get("/login?next=%2F%00").status_code == 400


# -- numbers the database cannot hold ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/assessments/{HUGE}",
        "/assessments/2147483648",
        "/assessments/0",
        "/assessments/2147483647",  # a valid id that does not exist
        f"/assessments/{HUGE}/speerpunten/thema-1",
        f"/assessments/{HUGE}/results",
        f"/reports/assessments/{HUGE}.pdf",
        f"/reports/jobs/{HUGE}.json",
        f"/questionnaires/{HUGE}",
        f"/users/{HUGE}",
        "/assessments/" + "9" * 5000,  # beyond Python's own limit for int()
    ],
)
def test_an_id_out_of_range_in_an_address_is_a_404(client, world, url):
    client.login(world["admin"].email)

    response = client.get(url)

    assert response.status_code == 404


@pytest.mark.parametrize("id_", [HUGE, "2147483648", "0"])
def test_an_id_out_of_range_in_the_api_is_a_404_in_json(client, world, id_):
    client.login(world["lead"].email)

    response = client.get(f"/api/v1/assessments/{id_}")

    assert response.status_code == 404
    assert response.is_json


def test_a_post_to_an_id_out_of_range_is_a_404_and_stores_nothing(client, world, db_session):
    client.login(world["coordinator"].email)

    response = client.submit(f"/assessments/{HUGE}/approve", {"version": "1"}, page="/")

    assert response.status_code == 404
    assert status_of(db_session, world["submitted"])[0] is AssessmentStatus.SUBMITTED


def test_every_id_in_an_address_is_bounded(app):
    unbounded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for converter in (rule._converters or {}).values()
        if type(converter).__name__ in {"IntegerConverter", "NumberConverter"}
        and not isinstance(converter, IdConverter)
    ]
    assert unbounded == []


@pytest.mark.parametrize("version", [HUGE, "2147483648", "-1"])
def test_a_save_with_a_version_out_of_range_names_the_field_and_stores_nothing(
    client, world, db_session, version
):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)

    response = client.submit(
        f"/assessments/{draft.id}/speerpunten/thema-1", {"version": version, f"level_{question.id}": "3"}
    )

    assert response.status_code == 400
    assert VERSION_MESSAGE in text_of(response)
    assert count(db_session, Answer) == 0


def test_autosave_with_a_huge_version_names_the_field(client, world, db_session):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)
    page = f"/assessments/{draft.id}/speerpunten/thema-1"

    response = client.submit(f"{page}/autosave", {"version": HUGE, f"level_{question.id}": "3"}, page=page)

    assert response.status_code == 400
    assert VERSION_MESSAGE in response.get_json()["message"]
    assert count(db_session, Answer) == 0


def test_submitting_with_a_huge_version_names_the_field(client, world, db_session):
    draft = world["draft"]
    client.login(world["rep"].email)

    response = client.submit(f"/assessments/{draft.id}/submit", {"version": HUGE})

    assert response.status_code == 400
    assert VERSION_MESSAGE in text_of(response)
    assert status_of(db_session, draft)[0] is AssessmentStatus.DRAFT


@pytest.mark.parametrize("action", ["approve", "undo"])
def test_deciding_with_a_huge_version_is_a_400(client, world, db_session, action):
    submitted = world["submitted"]
    client.login(world["coordinator"].email)

    response = client.submit(
        f"/assessments/{submitted.id}/{action}",
        {"version": HUGE},
        page=f"/assessments/{submitted.id}/review",
    )

    assert response.status_code == 400
    assert status_of(db_session, submitted) == (AssessmentStatus.SUBMITTED, submitted.version, None)


def test_returning_with_a_huge_version_names_the_field(client, world, db_session):
    submitted = world["submitted"]
    client.login(world["coordinator"].email)

    response = client.submit(f"/assessments/{submitted.id}/return", {"version": HUGE, "reason": "Mist iets"})

    assert response.status_code == 400
    assert VERSION_MESSAGE in text_of(response)
    assert status_of(db_session, submitted) == (AssessmentStatus.SUBMITTED, submitted.version, None)


# -- codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ÅÆ٣", "CLAS.13", "straße", "C\u200bLAS"])
def test_a_unit_code_outside_ascii_is_refused(client, world, db_session, code):
    client.login(world["coordinator"].email)
    before = count(db_session, Unit)

    response = client.submit("/units/new", {"code": code, "name": "Nieuw", "kind": "x", "parent": ""})

    assert response.status_code == 400
    assert "de code mag alleen A–Z, 0–9, - en _ bevatten" in text_of(response)
    assert count(db_session, Unit) == before


def test_a_round_code_is_stored_in_capitals_and_found_in_any_case(client, world, db_session):
    questionnaire = db_session.scalars(select(Questionnaire)).first()
    client.login(world["coordinator"].email)
    themes = {f"theme_{theme.id}": "3" for theme in questionnaire.themes}

    created = client.submit(
        f"/rounds/new?questionnaire={questionnaire.id}",
        {
            "questionnaire": str(questionnaire.id),
            "code": "2027-voorjaar",
            "name": "Voorjaar",
            "scope": "",
            **themes,
        },
    )

    assert created.status_code == 302, text_of(created)
    db_session.expire_all()
    assert db_session.scalar(select(Round.code).where(Round.name == "Voorjaar")) == "2027-VOORJAAR"
    assert client.get("/rounds/2027-voorjaar").status_code == 200


def test_a_round_code_with_a_dot_or_other_letters_is_refused(client, world, db_session):
    questionnaire = db_session.scalars(select(Questionnaire)).first()
    client.login(world["coordinator"].email)
    themes = {f"theme_{theme.id}": "3" for theme in questionnaire.themes}
    before = count(db_session, Round)

    for code in ["2027.1", "2027-Å"]:
        response = client.submit(
            f"/rounds/new?questionnaire={questionnaire.id}",
            {"questionnaire": str(questionnaire.id), "code": code, "name": "N", "scope": "", **themes},
        )
        assert response.status_code == 400
        assert "is geen geldige code: gebruik A–Z, 0–9, - of _" in text_of(response)
    assert count(db_session, Round) == before


def test_the_database_refuses_a_code_outside_the_rule_too(db_session, factory):
    factory.unit("GOED")
    with pytest.raises(IntegrityError, match="ck_units_code_ascii"), db_session.begin_nested():
        db_session.execute(Unit.__table__.insert().values(code="ÅÆ", name="x", kind="x", is_active=True))
    assert count(db_session, Unit) == 1


# -- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [25, 700, 999])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_a_questionnaire_nested_too_deep_gets_one_line(cli, tmp_path, depth, style):
    if style == "flow":
        content = "key: diep\nversion: 1\ntitle: " + "[" * depth + "]" * depth + "\n"
    else:
        content = "key: diep\nversion: 1\ntitle:\n" + "".join("  " * i + "-\n" for i in range(1, depth))
    file = write(tmp_path, "diep.yaml", content)

    for command in ("check", "load"):
        lines = refused(run(cli, "questionnaire", command, file))
        assert "dieper genest dan 20 niveaus" in lines[0]
        assert len(lines) == 2  # the place, then the summary


@pytest.mark.parametrize("version", [int(HUGE), 2**31])
def test_a_questionnaire_version_too_large_is_refused_by_check_and_load(cli, tmp_path, db_session, version):
    file = write(tmp_path, "groot.yaml", questionnaire_yaml(key="groot", version=version))

    for command in ("check", "load"):
        lines = refused(run(cli, "questionnaire", command, file))
        assert lines[0] == f"{file}: version: mag hoogstens 2147483647 zijn"
    assert count(db_session, Questionnaire) == 0


def test_the_largest_version_is_loaded(cli, tmp_path, db_session):
    file = write(tmp_path, "grootst.yaml", questionnaire_yaml(key="grootst", version=2**31 - 1))

    result = run(cli, "questionnaire", "load", file)

    assert result.exit_code == 0, result.output
    db_session.expire_all()
    assert db_session.scalar(select(Questionnaire.version).where(Questionnaire.key == "grootst")) == 2**31 - 1


def test_a_round_for_a_questionnaire_version_too_large_gets_one_line(cli, db_session):
    result = run(
        cli, "round", "create", "--code", "2027-1", "--name", "N", "--questionnaire", f"dts-2025@{HUGE}"
    )

    assert (
        one_line(result)
        == f"Fout: --questionnaire: '{'dts-2025@' + HUGE}': de versie na @ is te groot (hoogstens 2147483647)"
    )
    assert count(db_session, Round) == 0


def test_a_unit_csv_with_a_field_over_128_kib_gets_one_line_per_problem(cli, tmp_path, db_session):
    file = write(
        tmp_path, "groot.csv", "code;name;kind;parent_code\nGOED;Goed;x;\nX;" + "a" * 140_000 + ";x;\n"
    )

    lines = refused(run(cli, "unit", "import", file))

    assert lines[0] == (
        f"{file}, regel 3: een veld is te lang (meer dan 131.072 tekens), "
        "of een aanhalingsteken wordt niet gesloten"
    )
    assert count(db_session, Unit) == 0


@pytest.mark.parametrize(
    ("row", "column"),
    [("X;Na\x00am;x;", "name"), ("X;Naam;so\x00rt;", "kind"), ("X;Naam;x;\x1b", "parent_code")],
)
def test_a_unit_csv_with_a_nul_byte_gets_a_line_that_names_the_column(cli, tmp_path, db_session, row, column):
    file = write(tmp_path, "nul.csv", f"code;name;kind;parent_code\n{row}\n")

    lines = refused(run(cli, "unit", "import", file))

    assert lines[0] == f"{file}, regel 2: {column} bevat een stuurteken (zoals NUL); dat is niet toegestaan"
    assert count(db_session, Unit) == 0


def test_a_unit_csv_with_a_code_outside_ascii_is_refused(cli, tmp_path, db_session):
    file = write(tmp_path, "uni.csv", "code;name;kind;parent_code\nÅÆ٣;Naam;x;\n")

    lines = refused(run(cli, "unit", "import", file))

    assert (
        lines[0] == f"{file}, regel 2: code 'ÅÆ٣' mag alleen A–Z, 0–9, - en _ bevatten (hoogstens 40 tekens)"
    )
    assert count(db_session, Unit) == 0


def test_a_questionnaire_text_with_a_nul_escape_is_refused_by_check_and_load(cli, tmp_path, db_session):
    content = questionnaire_yaml(key="nul").replace("nl: Testvragenlijst", 'nl: "Test\\0vragenlijst"', 1)
    assert "\\0" in content
    file = write(tmp_path, "nul.yaml", content)

    for command in ("check", "load"):
        lines = refused(run(cli, "questionnaire", command, file))
        assert lines[0] == f"{file}: title.nl: bevat een stuurteken (zoals NUL); dat is niet toegestaan"
    assert count(db_session, Questionnaire) == 0


@pytest.mark.parametrize("number", [HUGE, "9" * 5000])
def test_an_answer_field_for_a_huge_question_number_is_refused(client, world, db_session, number):
    draft, question = world["draft"], world["question"]
    client.login(world["rep"].email)

    response = client.submit(
        f"/assessments/{draft.id}/speerpunten/thema-1",
        {"version": str(draft.version), f"level_{question.id}": "3", f"level_{number}": "2"},
    )

    assert response.status_code == 400
    assert "Het formulier bevat een vraag die niet bij dit speerpunt hoort." in text_of(response)
    assert count(db_session, Answer) == 0
