"""An administrator sets the application up from the command line: questionnaires, units, rounds
and accounts. Good input is stored once; bad input gets one clear line, exit code 1, no
traceback, and nothing half-stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import db
from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role, User
from assessment.cli import COMMANDS, load_command
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, shipped_files
from assessment.questionnaires.models import Capability, Question, Questionnaire, Theme
from assessment.rounds.models import Round, RoundStatus
from assessment.units.models import Unit
from tests.factories import questionnaire_document, questionnaire_yaml
from tests.helpers import WebClient, text_of

NEW_PASSWORD = "een-lang-wachtwoord"


def run(cli: Any, *args: str, stdin: str | None = None) -> Result:
    return cli.invoke(args=list(args), input=stdin)


def succeeded(result: Result) -> list[str]:
    """The lines the command printed; fails with the command's own words if it did not succeed."""
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def refused(result: Result) -> list[str]:
    """The lines on stderr of a command that refused its input the way a user should see it."""
    # CliRunner reports an unexpected exception with exit code 1 too; only SystemExit is a refusal.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines, "refused without a word"
    assert lines[-1].startswith("Fout: "), result.output
    return lines


def one_line(result: Result) -> str:
    lines = refused(result)
    assert len(lines) == 1, lines
    assert result.stdout == ""
    return lines[0]


def count(session: Session, model: type, *where: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def questions_of(session: Session, key: str) -> int:
    session.expire_all()
    query = (
        select(func.count(Question.id))
        .join(Question.capability)
        .join(Capability.theme)
        .join(Theme.questionnaire)
        .where(Questionnaire.key == key)
    )
    return session.scalar(query) or 0


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


# -- questionnaire check / load -----------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_checking_a_shipped_questionnaire_prints_a_one_line_summary(cli, db_session, version):
    path = DEFAULT_QUESTIONNAIRE.with_name("dts-2025.yaml" if version == 1 else f"dts-2025-v{version}.yaml")
    (line,) = succeeded(run(cli, "questionnaire", "check", str(path)))
    assert line.startswith(f"{path}: geldig. dts-2025 versie {version}: 5 thema's, ")
    assert line.endswith(" vragen, schaal 1–5")
    assert count(db_session, Questionnaire) == 0  # checking stores nothing


def test_checking_a_broken_file_names_each_place_without_a_traceback(cli, tmp_path):
    document = questionnaire_document(key="kapot")
    del document["themes"][0]["capabilities"][0]["questions"][1]["levels"][4]
    document["themes"][1]["key"] = document["themes"][0]["key"]
    file = write(tmp_path, "kapot.yaml", dump(document))
    result = run(cli, "questionnaire", "check", file)
    assert refused(result) == [
        f"{file}: themes[0].capabilities[0].questions[1].levels: niveau 4 ontbreekt",
        f"{file}: themes[1].key: thema-sleutel 'thema-1' komt al voor bij themes[0]",
        f"Fout: {file} is niet geldig (2 fouten)",
    ]
    assert result.stdout == ""


def test_checking_a_file_with_a_yaml_error_gives_line_and_column(cli, tmp_path):
    file = write(tmp_path, "syntax.yaml", "key: test\nversion: 1\ntitle: {nl: Test\nscale: []\n")
    first, last = refused(run(cli, "questionnaire", "check", file))
    assert first.startswith(f"{file}: regel 4, kolom 6: geen geldige YAML")
    assert last == f"Fout: {file} is niet geldig (1 fout)"


def test_checking_a_file_that_does_not_exist_says_so(cli, tmp_path):
    file = str(tmp_path / "weg.yaml")
    assert refused(run(cli, "questionnaire", "check", file)) == [
        f"{file}: bestand niet gevonden",
        f"Fout: {file} is niet geldig (1 fout)",
    ]


def test_loading_a_questionnaire_stores_it_and_loading_it_again_does_nothing(cli, tmp_path, db_session):
    file = write(tmp_path, "cli.yaml", questionnaire_yaml(key="cli-vragen", themes=3))
    (line,) = succeeded(run(cli, "questionnaire", "load", file))
    assert line == (
        f"{file}: cli-vragen@1 geladen. cli-vragen versie 1: 3 thema's, 3 capabilities, 6 vragen, schaal 1–5"
    )
    assert count(db_session, Questionnaire, Questionnaire.key == "cli-vragen") == 1
    assert questions_of(db_session, "cli-vragen") == 6

    (again,) = succeeded(run(cli, "questionnaire", "load", file))
    assert again == f"{file}: cli-vragen@1 was al geladen met dezelfde inhoud; niets gedaan."
    assert count(db_session, Questionnaire, Questionnaire.key == "cli-vragen") == 1
    assert questions_of(db_session, "cli-vragen") == 6


def test_loading_changed_content_under_the_same_version_is_refused(cli, tmp_path, db_session):
    succeeded(
        run(cli, "questionnaire", "load", write(tmp_path, "v1.yaml", questionnaire_yaml(key="cli-vast")))
    )
    changed = write(tmp_path, "v1-anders.yaml", questionnaire_yaml(key="cli-vast", questions=3))
    assert one_line(run(cli, "questionnaire", "load", changed)) == (
        f"Fout: {changed}: cli-vast versie 1 is al geladen met andere inhoud. Een geladen versie "
        "wordt nooit gewijzigd: geef het bestand een nieuw versienummer."
    )
    assert count(db_session, Questionnaire, Questionnaire.key == "cli-vast") == 1
    assert questions_of(db_session, "cli-vast") == 4  # the first content, untouched


def test_loading_a_broken_file_stores_nothing(cli, tmp_path, db_session):
    document = questionnaire_document(key="cli-kapot")
    document["themes"][0]["capabilities"][0]["questions"][0]["weight"] = 0
    file = write(tmp_path, "kapot.yaml", dump(document))
    assert refused(run(cli, "questionnaire", "load", file)) == [
        f"{file}: themes[0].capabilities[0].questions[0].weight: moet groter zijn dan 0",
        f"Fout: {file} is niet geldig (1 fout)",
    ]
    assert count(db_session, Questionnaire, Questionnaire.key == "cli-kapot") == 0


# -- unit import --------------------------------------------------------------------------------

UNITS_CSV = (
    "CLAS-13LTBRIG;13 Lichte Brigade;brigade;CLAS\n"  # a child before its parent is fine
    "CLAS;Commando Landstrijdkrachten;krijgsmachtdeel;\n"
    "CLAS-13LTBRIG-S6;S6 13 Lichte Brigade;eenheid;CLAS-13LTBRIG\n"
)


def tree(session: Session) -> dict[str, tuple[str, str, str | None]]:
    """Every unit as code → (name, kind, parent code), read back from the database."""
    session.expire_all()
    return {
        unit.code: (unit.name, unit.kind, unit.parent.code if unit.parent else None)
        for unit in session.scalars(select(Unit))
    }


EXPECTED_TREE = {
    "CLAS": ("Commando Landstrijdkrachten", "krijgsmachtdeel", None),
    "CLAS-13LTBRIG": ("13 Lichte Brigade", "brigade", "CLAS"),
    "CLAS-13LTBRIG-S6": ("S6 13 Lichte Brigade", "eenheid", "CLAS-13LTBRIG"),
}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(UNITS_CSV.encode(), id="without header"),
        pytest.param(("code;name;kind;parent_code\n" + UNITS_CSV).encode(), id="with header"),
        pytest.param(
            "\ufeffcode;name;kind;parent_code\r\n".encode() + UNITS_CSV.replace("\n", "\r\n").encode(),
            id="Excel: BOM and CRLF",
        ),
    ],
)
def test_importing_units_creates_them_with_their_parents(cli, tmp_path, db_session, content):
    file = write(tmp_path, "eenheden.csv", content)
    assert succeeded(run(cli, "unit", "import", file)) == [f"{file}: 3 nieuw, 0 bijgewerkt, 0 ongewijzigd."]
    assert tree(db_session) == EXPECTED_TREE


def test_importing_the_same_units_twice_changes_nothing(cli, tmp_path, db_session):
    file = write(tmp_path, "eenheden.csv", UNITS_CSV)
    succeeded(run(cli, "unit", "import", file))
    ids = {unit.code: unit.id for unit in db_session.scalars(select(Unit))}
    assert succeeded(run(cli, "unit", "import", file)) == [f"{file}: 0 nieuw, 0 bijgewerkt, 3 ongewijzigd."]
    assert tree(db_session) == EXPECTED_TREE
    assert {unit.code: unit.id for unit in db_session.scalars(select(Unit))} == ids


def test_importing_a_changed_name_and_parent_updates_the_unit(cli, tmp_path, db_session):
    succeeded(run(cli, "unit", "import", write(tmp_path, "eenheden.csv", UNITS_CSV)))
    moved = UNITS_CSV.replace("S6 13 Lichte Brigade;eenheid;CLAS-13LTBRIG", "Staf S6;eenheid;CLAS")
    file = write(tmp_path, "verhuisd.csv", moved)
    assert succeeded(run(cli, "unit", "import", file)) == [f"{file}: 0 nieuw, 1 bijgewerkt, 2 ongewijzigd."]
    assert tree(db_session)["CLAS-13LTBRIG-S6"] == ("Staf S6", "eenheid", "CLAS")


def test_a_bad_line_is_named_and_nothing_is_stored(cli, tmp_path, db_session):
    content = "code;name;kind;parent_code\nCLAS;Commando Landstrijdkrachten;krijgsmachtdeel;\nKAPOT;Alleen een naam\n"
    file = write(tmp_path, "eenheden.csv", content)
    assert refused(run(cli, "unit", "import", file)) == [
        f"{file}, regel 3: 2 kolommen, verwacht 4 (code;name;kind;parent_code, gescheiden door ;)",
        f"Fout: {file}: niets opgeslagen (1 fout(en))",
    ]
    assert tree(db_session) == {}


def test_a_unit_with_a_parent_that_does_not_exist_is_refused(cli, tmp_path, db_session):
    file = write(tmp_path, "eenheden.csv", UNITS_CSV + "CZSK-KM;Korps Mariniers;eenheid;CZSK\n")
    lines = refused(run(cli, "unit", "import", file))
    assert lines[0] == (
        f"{file}, regel 4: bovenliggende eenheid 'CZSK' bestaat niet (niet in het bestand en niet in de database)"
    )
    assert tree(db_session) == {}


def test_a_cycle_in_the_file_is_refused(cli, tmp_path, db_session):
    file = write(tmp_path, "kring.csv", "A;Eenheid A;eenheid;B\nB;Eenheid B;eenheid;A\n")
    lines = refused(run(cli, "unit", "import", file))
    assert f"{file}, regel 1: 'A' komt via 'B' weer bij zichzelf uit (een kring)" in lines
    assert tree(db_session) == {}


def test_a_cycle_through_units_already_stored_is_refused(cli, tmp_path, db_session, factory):
    top = factory.unit("TOP", name="Top")
    factory.unit("ONDER", name="Onder", parent=top)
    file = write(tmp_path, "kring.csv", "TOP;Top;krijgsmachtdeel;ONDER\n")
    lines = refused(run(cli, "unit", "import", file))
    assert f"{file}, regel 1: 'TOP' komt via 'ONDER' weer bij zichzelf uit (een kring)" in lines
    assert tree(db_session)["TOP"] == ("Top", "eenheid", None)


# -- round create -------------------------------------------------------------------------------


@pytest.fixture
def units(factory, db_session):
    """Two active units and one that is no longer active."""
    active = [factory.unit("ACTIEF-1"), factory.unit("ACTIEF-2")]
    gone = factory.unit("OPGEHEVEN")
    gone.is_active = False
    db_session.commit()
    return active, gone


def round_named(session: Session, code: str) -> Round | None:
    session.expire_all()
    return session.scalar(select(Round).where(Round.code == code))


def test_creating_a_round_gives_it_the_questionnaire_and_its_default_targets(cli, factory, db_session):
    questionnaire = factory.questionnaire(key="ronde-vragen", themes=3)
    assert succeeded(
        run(
            cli,
            "round",
            "create",
            "--code",
            "2026-1",
            "--name",
            "Eerste meting 2026",
            "--questionnaire",
            "ronde-vragen",
        )
    ) == ["Ronde 2026-1 gemaakt met ronde-vragen@1."]
    round_ = round_named(db_session, "2026-1")
    assert (round_.name, round_.status, round_.questionnaire_id) == (
        "Eerste meting 2026",
        RoundStatus.PLANNED,
        questionnaire.id,
    )
    assert sorted((t.theme.key, t.level) for t in round_.default_targets) == [
        ("thema-1", 3),
        ("thema-2", 3),
        ("thema-3", 3),
    ]
    assert count(db_session, Assessment, Assessment.round_id == round_.id) == 0


def test_a_round_takes_the_asked_version_or_else_the_highest(cli, factory, db_session):
    first = factory.questionnaire(key="versies", version=1)
    second = factory.questionnaire(key="versies", version=2)
    succeeded(run(cli, "round", "create", "--code", "R-1", "--name", "Oud", "--questionnaire", "versies@1"))
    succeeded(run(cli, "round", "create", "--code", "R-2", "--name", "Nieuw", "--questionnaire", "versies"))
    assert round_named(db_session, "R-1").questionnaire_id == first.id
    assert round_named(db_session, "R-2").questionnaire_id == second.id


def test_opening_a_new_round_gives_every_active_unit_a_draft(cli, factory, db_session, units):
    active, gone = units
    factory.questionnaire(key="open-vragen")
    lines = succeeded(
        run(
            cli,
            "round",
            "create",
            "--code",
            "2026-1",
            "--name",
            "N",
            "--questionnaire",
            "open-vragen",
            "--open",
        )
    )
    assert lines == [
        "Ronde 2026-1 gemaakt met open-vragen@1.",
        "Ronde 2026-1 is open: 2 concept-vragenlijst(en) gemaakt.",
    ]
    round_ = round_named(db_session, "2026-1")
    assert round_.status is RoundStatus.OPEN
    drafts = db_session.scalars(select(Assessment).where(Assessment.round_id == round_.id)).all()
    assert sorted(a.unit_id for a in drafts) == sorted(unit.id for unit in active)
    assert gone.id not in {a.unit_id for a in drafts}
    assert {a.status for a in drafts} == {AssessmentStatus.DRAFT}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            ["--questionnaire", "onbekend"],
            "Fout: --questionnaire: vragenlijst 'onbekend' is niet geladen "
            "(laad hem met 'assessment questionnaire load FILE')",
            id="unknown questionnaire",
        ),
        pytest.param(
            ["--questionnaire", "bekend@2"],
            "Fout: --questionnaire: vragenlijst 'bekend@2' is niet geladen "
            "(laad hem met 'assessment questionnaire load FILE')",
            id="unknown version",
        ),
        pytest.param(
            ["--questionnaire", "bekend@twee"],
            "Fout: --questionnaire: 'bekend@twee': de versie na @ moet een geheel getal zijn",
            id="version not a number",
        ),
        pytest.param(
            ["--questionnaire", "bekend", "--opens-on", "2026-13-01"],
            "Fout: --opens-on: '2026-13-01' is geen datum (gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-01)",
            id="bad date",
        ),
        pytest.param(
            ["--questionnaire", "bekend", "--opens-on", "2026-03-01", "--closes-on", "2026-02-01"],
            "Fout: --code 2026-1: de sluitdatum ligt voor de openingsdatum",
            id="closes before it opens",
        ),
    ],
)
def test_bad_round_input_gets_one_line_and_no_round(cli, factory, db_session, units, extra, expected):
    factory.questionnaire(key="bekend")
    result = run(cli, "round", "create", "--code", "2026-1", "--name", "N", "--open", *extra)
    assert one_line(result) == expected
    assert round_named(db_session, "2026-1") is None
    assert count(db_session, Assessment) == 0


def test_a_round_code_that_exists_is_refused_and_the_first_round_kept(cli, factory, db_session):
    factory.questionnaire(key="bekend")
    succeeded(
        run(cli, "round", "create", "--code", "2026-1", "--name", "Eerste", "--questionnaire", "bekend")
    )
    result = run(cli, "round", "create", "--code", "2026-1", "--name", "Tweede", "--questionnaire", "bekend")
    assert one_line(result) == "Fout: --code 2026-1: ronde 2026-1 bestaat al"
    assert count(db_session, Round) == 1
    assert round_named(db_session, "2026-1").name == "Eerste"


# -- user create --------------------------------------------------------------------------------


def create_user(cli: Any, *args: str, password: str = NEW_PASSWORD) -> Result:
    return run(
        cli, "user", "create", "--name", "Nieuwe Gebruiker", *args, "--password-stdin", stdin=password + "\n"
    )


def test_a_created_representative_can_log_in_and_sees_his_unit(cli, client, factory, db_session):
    factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    result = create_user(
        cli, "--email", "Nieuw@Test.Local", "--role", "representative", "--unit", "clas-13ltbrig"
    )
    assert succeeded(result) == ["Account nieuw@test.local (eenheidsvertegenwoordiger) gemaakt."]
    db_session.expire_all()
    user = db_session.scalar(select(User).where(User.email == "nieuw@test.local"))
    assert (user.role, [u.code for u in user.units]) == (Role.REPRESENTATIVE, ["CLAS-13LTBRIG"])
    assert NEW_PASSWORD not in user.password_hash
    client.login("nieuw@test.local", NEW_PASSWORD)
    assert "13 Lichte Brigade" in text_of(client.get("/"))


def test_a_wrong_password_does_not_log_the_new_user_in(cli, client):
    succeeded(create_user(cli, "--email", "lead@test.local", "--role", "lead"))
    response = client.submit("/login", {"email": "lead@test.local", "password": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    assert client.get("/").headers["Location"].startswith("/login")  # still sent to the login page


@pytest.mark.parametrize(
    ("args", "password", "expected"),
    [
        pytest.param(
            ["--role", "baas"],
            NEW_PASSWORD,
            "Fout: --role: 'baas' is geen rol; kies uit representative, lead, coordinator, admin",
            id="bad role",
        ),
        pytest.param(
            ["--role", "representative", "--unit", "GEEN"],
            NEW_PASSWORD,
            "Fout: eenheid 'GEEN' bestaat niet",
            id="unknown unit",
        ),
        pytest.param(
            ["--role", "representative"],
            NEW_PASSWORD,
            "Fout: een eenheidsvertegenwoordiger moet minstens één eenheid hebben",
            id="representative without unit",
        ),
        pytest.param(
            ["--role", "admin"],
            "elf tekens.",
            "Fout: het wachtwoord moet minstens 12 tekens hebben",
            id="short password",
        ),
        pytest.param(
            ["--role", "admin"],
            "password1234",
            "Fout: dit wachtwoord is te makkelijk te raden; kies bijvoorbeeld een zin van een paar woorden",
            id="common password",
        ),
        pytest.param(
            ["--role", "admin"],
            " " * 12,
            "Fout: dit wachtwoord is te makkelijk te raden; kies bijvoorbeeld een zin van een paar woorden",
            id="twelve spaces",
        ),
    ],
)
def test_bad_user_input_gets_one_line_and_no_account(cli, db_session, args, password, expected):
    result = create_user(cli, "--email", "nieuw@test.local", *args, password=password)
    assert one_line(result) == expected
    assert count(db_session, User, User.email == "nieuw@test.local") == 0


def test_an_email_address_that_is_taken_is_refused_whatever_its_case(cli, factory, db_session):
    existing = factory.user(Role.LEAD, email="bezet@test.local")
    result = create_user(cli, "--email", "Bezet@Test.Local", "--role", "admin")
    assert one_line(result) == "Fout: er is al een account met e-mailadres bezet@test.local"
    assert count(db_session, User, User.email == "bezet@test.local") == 1
    db_session.expire_all()
    assert db_session.get(User, existing.id).role is Role.LEAD


# -- init --demo on a fresh database -----------------------------------------------------------


def demo_counts(app: Any) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Unit, User, Questionnaire, Round, Assessment, Answer)
        }


def test_init_demo_on_a_fresh_database_sets_up_the_demo_and_a_second_run_changes_nothing(
    scratch_database_url,
):
    app = create_app({"DATABASE_URL": scratch_database_url, "SECRET_KEY": "x"})
    try:
        first = app.test_cli_runner().invoke(args=["init", "--demo"])
        lines = succeeded(first)
        for email in ("rep@demo.local", "lead@demo.local", "coordinator@demo.local", "admin@demo.local"):
            assert any(line.strip().startswith(email) for line in lines), first.stdout
        assert "  wachtwoord voor alle accounts: demo-dts-2026" in lines

        counts = demo_counts(app)
        assert counts["Unit"] >= 12
        assert counts["User"] == 4
        assert counts["Questionnaire"] == len(shipped_files())
        with app.app_context():
            rounds = {r.code: r.status for r in db.session.scalars(select(Round))}
            assert rounds == {"2025-2": RoundStatus.CLOSED, "2026-1": RoundStatus.OPEN}
            rep = db.session.scalar(select(User).where(User.email == "rep@demo.local"))
            drafts = db.session.scalars(
                select(Assessment)
                .join(Assessment.round)
                .where(
                    Round.code == "2026-1",
                    Assessment.status == AssessmentStatus.DRAFT,
                    Assessment.unit_id.in_(rep.unit_ids),
                )
            ).all()
            assert drafts, "the demo representative has no open draft"
            unit_names = [d.unit.name for d in drafts]

        browser = WebClient(app.test_client())
        browser.login("rep@demo.local", "demo-dts-2026")
        home = text_of(browser.get("/"))
        assert "Eerste meting 2026 (2026-1)" in home
        assert all(name in home for name in unit_names)

        second = app.test_cli_runner().invoke(args=["init", "--demo"])
        assert "Vragenlijst dts-2025@1 was al geladen." in succeeded(second)
        assert demo_counts(app) == counts
    finally:
        app.extensions["database"].engine.dispose()


def test_init_loads_every_shipped_version_and_the_demo_puts_its_open_round_on_the_newest(
    scratch_database_url,
):
    # questionnaires/ holds dts-2025.yaml (version 1) and dts-2025-v2.yaml (version 2)
    app = create_app({"DATABASE_URL": scratch_database_url, "SECRET_KEY": "x"})
    try:
        lines = succeeded(app.test_cli_runner().invoke(args=["init", "--demo"]))
        assert "Vragenlijst dts-2025@1 geladen." in lines
        assert "Vragenlijst dts-2025@2 geladen." in lines
        with app.app_context():
            on = {r.code: r.questionnaire.label for r in db.session.scalars(select(Round))}
            assert on == {"2025-2": "dts-2025@1", "2026-1": "dts-2025@2"}
        again = succeeded(app.test_cli_runner().invoke(args=["init"]))
        assert "Vragenlijst dts-2025@2 was al geladen." in again
    finally:
        app.extensions["database"].engine.dispose()


def test_init_names_a_broken_shipped_file_in_one_line(scratch_database_url, tmp_path, monkeypatch):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("key: kapot\n", encoding="utf-8")
    monkeypatch.setattr("assessment.setup_cli.shipped_files", lambda: [DEFAULT_QUESTIONNAIRE, broken])
    app = create_app({"DATABASE_URL": scratch_database_url, "SECRET_KEY": "x"})
    try:
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code != 0
        assert f"{broken}: (bovenste niveau): 'version' ontbreekt" in result.output
        assert "Traceback" not in result.output
    finally:
        app.extensions["database"].engine.dispose()


# -- the console entry point ---------------------------------------------------------------------


def test_the_command_list_shows_each_commands_own_help_line():
    for name in COMMANDS:
        command = load_command(name)
        assert command.name == name
        assert COMMANDS[name][1] == command.get_short_help_str(limit=200), name


def test_help_lists_the_commands_without_loading_the_app_or_the_database_layer():
    """``assessment --help`` answers at once: it imports neither the app nor SQLAlchemy."""
    probe = (
        "import sys\n"
        "from assessment.cli import main\n"
        "try:\n"
        "    main(args=['--help'], standalone_mode=False)\n"
        "finally:\n"
        "    print('LOADED', sorted(m for m in ('sqlalchemy', 'assessment.app') if m in sys.modules))\n"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, our own probe)
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in done.stdout, done.stdout + done.stderr
    for name in COMMANDS:
        assert f"  {name} " in done.stdout
