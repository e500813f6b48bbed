"""A unit on a closed network gets its round as a signed package, fills it in on an installation
of its own, and the central installation takes the answers back: from the command line, all or
nothing, with conflicts shown, and a second import changes nothing."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.exchange.models import TrustedKey
from assessment.questionnaires.models import Questionnaire
from assessment.rounds.models import Round
from assessment.units.models import Unit
from tests.factories import Factory, questionnaire_yaml
from tests.functional.test_cli import one_line, succeeded

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file; each installation below starts from a copy."""
    path = tmp_path_factory.mktemp("exchange") / "empty.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection)
    engine.dispose()
    return path


class Installation:
    """Another installation of the application, with a database and a key of its own."""

    def __init__(self, folder: Path, empty_database: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(empty_database, folder / "db.sqlite3")
        self.folder = folder
        self.app: Flask = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
                "SECRET_KEY": "x",
                "JOB_QUEUE": "immediate",
                "EXCHANGE_KEY_FILE": str(folder / "exchange_key.pem"),
            }
        )

    def run(self, *args: str) -> Result:
        return self.app.test_cli_runner().invoke(args=list(args))

    def session(self) -> Session:
        return Session(self.app.extensions["database"].engine, expire_on_commit=False)

    def count(self, model: type, *where: Any) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def close(self) -> None:
        self.app.extensions["database"].engine.dispose()


@pytest.fixture
def remote(tmp_path: Path, empty_database: Path) -> Iterator[Installation]:
    installation = Installation(tmp_path / "remote", empty_database)
    yield installation
    installation.close()


@pytest.fixture
def central_key(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "central" / "exchange_key.pem"
    monkeypatch.setitem(app.config, "EXCHANGE_KEY_FILE", str(path))
    return path


def run(cli_or_installation: Any, *args: str) -> Result:
    if isinstance(cli_or_installation, Installation):
        return cli_or_installation.run(*args)
    return cli_or_installation.invoke(args=list(args))


def key_of(cli: Any) -> str:
    (line,) = succeeded(run(cli, "exchange", "key"))
    return line


def trust_each_other(cli: Any, remote: Installation) -> None:
    succeeded(run(cli, "exchange", "trust", "schip", key_of(remote)))
    succeeded(remote.run("exchange", "trust", "centraal", key_of(cli)))


@pytest.fixture
def central(factory: Factory, central_key: Path) -> dict[str, Any]:
    """A round with two units under one parent, one of them with two answers."""
    top = factory.unit("ZEE", kind="krijgsmachtdeel")
    ship = factory.unit("ZEE-SCHIP", parent=top)
    staff = factory.unit("ZEE-STAF", parent=top)
    round_ = factory.round(code="X-2026")
    factory.target(round_, ship, round_.questionnaire.themes[0], 4)
    ship_assessment = factory.assessment(ship, round_)
    staff_assessment = factory.assessment(staff, round_)
    coordinator = factory.user(Role.COORDINATOR, email="coord@centraal.local")
    questions = factory.questions(ship_assessment)
    first = factory.answer(ship_assessment, questions[0], 2, comment="Begin gemaakt")
    first.updated_by = coordinator
    factory.answer(ship_assessment, questions[1], not_applicable=True)
    factory.session.commit()
    return {
        "round": round_,
        "ship": ship_assessment,
        "staff": staff_assessment,
        "questions": questions,
        "factory": factory,
    }


def export(cli_or_installation: Any, path: Path, *args: str) -> Path:
    succeeded(run(cli_or_installation, "exchange", "export", "--round", "X-2026", *args, "-o", str(path)))
    return path


def members_of(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# -- keys ------------------------------------------------------------------------------------------


def test_the_key_is_made_once_readable_by_the_owner_only_and_printed_as_one_line(cli, central_key):
    first = key_of(cli)
    assert first.startswith("ed25519:")
    assert stat.S_IMODE(central_key.stat().st_mode) == 0o600
    assert key_of(cli) == first


def test_a_key_file_that_cannot_be_used_is_named_in_one_line(cli, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXCHANGE_KEY_FILE", str(tmp_path))
    assert one_line(run(cli, "exchange", "key")).startswith(f"Fout: {tmp_path}: kan de sleutel niet lezen")
    garbage = tmp_path / "kapot.pem"
    garbage.write_text("geen sleutel", encoding="ascii")
    monkeypatch.setitem(app.config, "EXCHANGE_KEY_FILE", str(garbage))
    assert one_line(run(cli, "exchange", "key")) == f"Fout: {garbage}: geen leesbare sleutel"


def test_trusting_a_key_is_stored_and_audited_and_a_bad_key_is_refused(cli, db_session, central_key):
    key = key_of(cli)
    lines = succeeded(run(cli, "exchange", "trust", "schip", key))
    assert lines == ["Sleutel van schip wordt nu vertrouwd."]
    assert db_session.scalar(select(TrustedKey.name)) == "schip"
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "trusted_keys"))
    assert "Ed25519" in one_line(run(cli, "exchange", "trust", "ander", "ed25519:bm9n"))
    assert "al vertrouwd" in one_line(run(cli, "exchange", "trust", "tweede", key))


# -- export ----------------------------------------------------------------------------------------


def test_an_export_holds_the_round_its_units_and_every_answer_with_who_gave_it(cli, central, tmp_path):
    path = export(cli, tmp_path / "x.dtsx", "--unit", "ZEE-SCHIP")
    members = members_of(path)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format_version"] == 1
    assert manifest["counts"]["answers"] == 2
    units = json.loads(members["units.json"])
    assert [(u["code"], u["parent"]) for u in units] == [("ZEE", None), ("ZEE-SCHIP", "ZEE")]
    (assessment,) = json.loads(members["assessments.json"])
    answers = {a["level"] or ("n.v.t." if a["not_applicable"] else None): a for a in assessment["answers"]}
    assert answers[2]["updated_by"] == "coord@centraal.local"
    assert answers[2]["comment"] == "Begin gemaakt"
    assert "n.v.t." in answers
    questionnaire = json.loads(members["questionnaire.json"])
    assert questionnaire["yaml"].startswith("key:")
    assert json.loads(members["targets.json"])[0]["level"] == 4


def test_export_of_a_questionnaire_without_its_text_names_it(cli, central, tmp_path):
    questionnaire = central["round"].questionnaire
    questionnaire.source_yaml = None
    central["factory"].session.commit()
    line = one_line(run(cli, "exchange", "export", "--round", "X-2026", "-o", str(tmp_path / "x.dtsx")))
    assert questionnaire.label in line
    assert "questionnaire load" in line
    assert not (tmp_path / "x.dtsx").exists()


def test_export_of_an_unknown_round_or_unit_says_which(cli, central, tmp_path):
    out = str(tmp_path / "x.dtsx")
    assert "GEEN" in one_line(run(cli, "exchange", "export", "--round", "GEEN", "-o", out))
    assert "NIEMAND" in one_line(
        run(cli, "exchange", "export", "--round", "X-2026", "--unit", "NIEMAND", "-o", out)
    )


# -- the round trip ---------------------------------------------------------------------------------


def test_central_to_ship_and_back_brings_the_answers_home_and_a_second_import_changes_nothing(
    cli, central, remote, tmp_path, db_session
):
    trust_each_other(cli, remote)
    outbound = export(cli, tmp_path / "uit.dtsx", "--unit", "ZEE-SCHIP")

    plan = succeeded(remote.run("exchange", "import", str(outbound)))
    assert "Nieuwe eenheden: 2 (ZEE, ZEE-SCHIP)" in plan
    assert "Nieuwe antwoorden: 2" in plan
    assert remote.count(User) == 0, "no account is made for a person from the package"
    with remote.session() as session:
        answer = session.scalar(select(Answer).where(Answer.level == 2))
        assert answer.updated_by_email == "coord@centraal.local"

    # On board: a third answer, and the second one changed (n.v.t. → 3), then handed in.
    with remote.session() as session:
        assessment = session.scalar(select(Assessment))
        questions = {q.key: q for t in assessment.round.questionnaire.themes for q in t.questions}
        keys = [q.key for q in central["questions"]]
        by_question = {a.question.key: a for a in assessment.answers}
        by_question[keys[1]].is_not_applicable = False
        by_question[keys[1]].level = 3
        assessment.answers.append(Answer(question=questions[keys[2]], level=5, comment="Aan boord"))
        assessment.status = AssessmentStatus.SUBMITTED
        session.commit()
    inbound = export(remote, tmp_path / "terug.dtsx")

    plan = succeeded(run(cli, "exchange", "import", str(inbound)))
    assert "Ondertekend door: schip" in plan
    assert "Nieuwe antwoorden: 1" in plan
    assert "Conflicten: 1" in plan  # n.v.t. here, 3 in the package: both sides have a value
    assert any("blijft zoals hier" in line for line in plan)
    assert "Status: ZEE-SCHIP: draft → submitted" in plan
    db_session.expire_all()
    ship = db_session.get(Assessment, central["ship"].id)
    assert ship.status is AssessmentStatus.SUBMITTED
    levels = {a.question.key: (a.level, a.is_not_applicable) for a in ship.answers}
    assert levels[keys[2]] == (5, False)
    assert levels[keys[1]] == (None, True), "a conflict stays as it is here"

    again = succeeded(run(cli, "exchange", "import", str(inbound)))
    assert "Dit pakket verandert niets: alles staat er al." in again
    assert "Conflicten: 1" in again

    succeeded(run(cli, "exchange", "import", str(inbound), "--prefer", "package"))
    db_session.expire_all()
    levels = {
        a.question.key: (a.level, a.is_not_applicable) for a in db_session.get(Assessment, ship.id).answers
    }
    assert levels[keys[1]] == (3, False)


def test_an_assessment_further_along_here_is_not_overwritten(cli, central, remote, tmp_path, db_session):
    trust_each_other(cli, remote)
    succeeded(
        remote.run("exchange", "import", str(export(cli, tmp_path / "uit.dtsx", "--unit", "ZEE-SCHIP")))
    )
    inbound = export(remote, tmp_path / "terug.dtsx")
    ship = central["ship"]
    ship.status = AssessmentStatus.APPROVED
    ship.answers[0].level = 1
    central["factory"].session.commit()

    plan = succeeded(run(cli, "exchange", "import", str(inbound), "--prefer", "package"))
    assert any(line.startswith("Hier verder gevorderd, niet overschreven: ZEE-SCHIP") for line in plan)
    db_session.expire_all()
    again = db_session.get(Assessment, ship.id)
    assert again.status is AssessmentStatus.APPROVED
    assert sorted(a.level or 0 for a in again.answers) == [0, 1]


def test_dry_run_shows_the_plan_and_stores_nothing(cli, central, remote, tmp_path):
    trust_each_other(cli, remote)
    outbound = export(cli, tmp_path / "uit.dtsx")
    lines = succeeded(remote.run("exchange", "import", str(outbound), "--dry-run"))
    assert "Nieuwe antwoorden: 2" in lines
    assert lines[-1] == "Proefrun: er is niets opgeslagen."
    assert remote.count(Unit) == 0
    assert remote.count(Round) == 0
    assert remote.count(Questionnaire) == 0


def test_an_untrusted_package_is_refused_unless_imported_as_unverified_which_is_audited(
    cli, central, remote, tmp_path
):
    outbound = export(cli, tmp_path / "uit.dtsx")
    line = one_line(remote.run("exchange", "import", str(outbound)))
    assert "niet vertrouwd" in line
    assert "--unverified" in line
    assert remote.count(Assessment) == 0

    lines = succeeded(remote.run("exchange", "import", str(outbound), "--unverified"))
    assert lines[0].startswith("Ondertekend door: ONGECONTROLEERD")
    assert remote.count(Assessment) == 2
    assert remote.count(AuditEvent, AuditEvent.action == "exchange.import") == 1
    with remote.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "exchange.import"))
        assert event.new["verified"] is False


def test_the_stored_version_1_package_still_imports_and_its_signature_verifies(remote):
    """A package made by the first release (format version 1) opens in this one: see
    ``assessment.exchange.package.UPGRADERS`` for how a later format keeps it readable."""
    path = DATA / "exchange-v1.dtsx"
    signer = json.loads(members_of(path)["signature"])["public_key"]
    succeeded(remote.run("exchange", "trust", "eerste-release", signer))
    lines = succeeded(remote.run("exchange", "import", str(path)))
    assert "Ondertekend door: eerste-release" in lines
    assert "Meetronde X-2026: nieuw" in lines
    assert remote.count(Unit) == 2
    assert remote.count(Answer, Answer.updated_by_email == "coord@centraal.local") == 1
    assert remote.count(Answer, Answer.is_not_applicable) == 1


# -- bad packages: one line naming the reason, nothing stored ---------------------------------------

V1 = DATA / "exchange-v1.dtsx"


def repack(members: dict[str, bytes], extra: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*members.items(), *extra]:
            archive.writestr(name, data)
    return buffer.getvalue()


def changed_json(members: dict[str, bytes], name: str, change: Any) -> dict[str, bytes]:
    document = json.loads(members[name])
    change(document)
    return {**members, name: json.dumps(document).encode()}


def truncated(members: dict[str, bytes]) -> bytes:
    data = V1.read_bytes()
    return data[: len(data) // 2]


def bomb(members: dict[str, bytes]) -> bytes:
    # 50 MB of spaces pack into about 50 kB: far past the ratio a JSON member can have.
    return repack({**members, "assessments.json": b" " * (50 * 1024 * 1024)})


def traversal(members: dict[str, bytes]) -> bytes:
    return repack(members, [("../x", b"boo")])


def tampered(members: dict[str, bytes]) -> bytes:
    return repack({**members, "units.json": members["units.json"].replace(b"ZEE-SCHIP", b"ZEE-BOOT")})


def forged(members: dict[str, bytes]) -> bytes:
    return repack(
        changed_json(members, "manifest.json", lambda m: m.update(created_at="2020-01-01T00:00:00"))
    )


def future(members: dict[str, bytes]) -> bytes:
    return repack(changed_json(members, "manifest.json", lambda m: m.update(format_version=99)))


def too_large(members: dict[str, bytes]) -> bytes:
    return V1.read_bytes() + b"\0" * (20 * 1024 * 1024)


BAD_PACKAGES = {
    "truncated": (truncated, "afgekapt of beschadigd"),
    "zip bomb": (bomb, "ZIP-bom"),
    "path traversal": (traversal, "onveilige naam in het pakket: '../x'"),
    "hash mismatch": (tampered, "de controlesom van units.json klopt niet"),
    "wrong signature": (forged, "de handtekening van het pakket klopt niet"),
    "unknown format version": (future, "onbekende formaatversie 99"),
    "larger than the limit": (too_large, "groter dan de grens van 20 MB"),
}


@pytest.mark.parametrize("make, reason", BAD_PACKAGES.values(), ids=BAD_PACKAGES.keys())
def test_a_bad_package_is_refused_in_one_line_naming_the_reason_and_nothing_is_stored(
    remote, tmp_path, make, reason
):
    succeeded(
        remote.run(
            "exchange", "trust", "eerste-release", json.loads(members_of(V1)["signature"])["public_key"]
        )
    )
    events = remote.count(AuditEvent)
    path = tmp_path / "slecht.dtsx"
    path.write_bytes(make(members_of(V1)))
    line = one_line(remote.run("exchange", "import", str(path)))
    assert reason in line
    assert line.startswith(f"Fout: {path}: ")
    for model in (Questionnaire, Round, Unit, Assessment, Answer):
        assert remote.count(model) == 0, model
    assert remote.count(AuditEvent) == events


def test_a_package_for_a_questionnaire_version_loaded_here_with_other_content_is_refused(remote, tmp_path):
    document = json.loads(members_of(V1)["questionnaire.json"])
    other = tmp_path / "anders.yaml"
    other.write_text(document["yaml"].replace("Testvragenlijst", "Andere vragenlijst"), encoding="utf-8")
    succeeded(remote.run("questionnaire", "load", str(other)))
    line = one_line(remote.run("exchange", "import", str(V1), "--unverified"))
    assert f"vragenlijst {document['key']}@1 staat hier al met andere inhoud" in line
    assert remote.count(Round) == 0
    assert remote.count(Unit) == 0
    assert remote.count(AuditEvent, AuditEvent.action == "exchange.import") == 0


# -- lossless: export, import into an empty database, export again ----------------------------------

ANSWER = st.one_of(st.none(), st.integers(1, 5), st.just("n.v.t."))
UNIT_CONTENT = st.fixed_dictionaries(
    {
        "status": st.sampled_from(list(AssessmentStatus)),
        "answers": st.lists(st.tuples(ANSWER, st.text(max_size=30)), max_size=4),
        "target": st.one_of(st.none(), st.integers(1, 5)),
        "event": st.one_of(
            st.none(), st.dictionaries(st.text(min_size=1, max_size=8), st.integers() | st.text(max_size=8))
        ),
        "by_email": st.booleans(),
    }
)


def fill(installation: Installation, units: list[dict[str, Any]]) -> None:
    with installation.session() as session:
        factory = Factory(session)
        parent = factory.unit("TOP", kind="krijgsmachtdeel")
        round_ = factory.round(code="X-2026")
        person = factory.user(Role.REPRESENTATIVE, email="rep@schip.local")
        for number, content in enumerate(units):
            unit = factory.unit(f"U-{number}", parent=parent)
            assessment = factory.assessment(unit, round_, status=content["status"])
            for question, (value, comment) in zip(
                factory.questions(assessment), content["answers"], strict=False
            ):
                answer = factory.answer(
                    assessment,
                    question,
                    None if value == "n.v.t." else value,
                    not_applicable=value == "n.v.t.",
                    comment=comment,
                )
                if content["by_email"]:
                    answer.updated_by = person
                else:
                    answer.updated_by_email = "weg@elders.local"
            if content["target"]:
                factory.target(round_, unit, round_.questionnaire.themes[-1], content["target"])
            if content["event"] is not None:
                session.flush()
                session.add(
                    AuditEvent(
                        actor_email="rep@schip.local",
                        action="assessment.answers",
                        object_type="assessments",
                        object_id=str(assessment.id),
                        old=None,
                        new=content["event"],
                    )
                )
        session.commit()


def content_of(path: Path) -> dict[str, Any]:
    """Every member but the signature; the manifest without its time."""
    members = {name: json.loads(data) for name, data in members_of(path).items() if name != "signature"}
    del members["manifest.json"]["created_at"]
    return members


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(units=st.lists(UNIT_CONTENT, min_size=1, max_size=3))
def test_export_import_into_an_empty_database_and_export_again_gives_the_same_content(empty_database, units):
    with tempfile.TemporaryDirectory() as folder:
        source = Installation(Path(folder) / "bron", empty_database)
        target = Installation(Path(folder) / "doel", empty_database)
        try:
            fill(source, units)
            first = export(source, Path(folder) / "een.dtsx")
            succeeded(target.run("exchange", "import", str(first), "--unverified"))
            second = export(target, Path(folder) / "twee.dtsx")
            assert content_of(second) == content_of(first)
            again = succeeded(target.run("exchange", "import", str(first), "--unverified"))
            assert "Dit pakket verandert niets: alles staat er al." in again
        finally:
            source.close()
            target.close()


# -- the web pages ----------------------------------------------------------------------------------


def test_a_coordinator_downloads_a_units_package_from_the_round_page(client, central, tmp_path):
    coordinator = central["factory"].user(Role.COORDINATOR)
    client.login(coordinator.email)
    page = client.get("/rounds/X-2026").get_data(as_text=True)
    assert 'action="/exchange/rounds/X-2026/package"' in page
    assert '<option value="ZEE-SCHIP">' in page
    response = client.get("/exchange/rounds/X-2026/package?unit=ZEE-SCHIP")
    assert response.status_code == 200
    assert "filename=X-2026-ZEE-SCHIP.dtsx" in response.headers["Content-Disposition"]
    path = tmp_path / "x.dtsx"
    path.write_bytes(response.data)
    assert [a["unit"] for a in json.loads(members_of(path)["assessments.json"])] == ["ZEE-SCHIP"]


def test_an_admin_uploads_a_package_sees_the_plan_and_only_the_confirmation_stores_it(
    client, factory, db_session
):
    admin = factory.user(Role.ADMIN)
    client.login(admin.email)
    page = client.submit(
        "/exchange/import",
        {"file": (io.BytesIO(V1.read_bytes()), "x.dtsx"), "unverified": "y", "check": "Controleren"},
        page="/exchange",
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Wat het pakket verandert" in html
    assert "ZEE, ZEE-SCHIP" in html
    assert db_session.scalar(select(func.count()).select_from(Unit)) == 0

    confirmed = client.submit(
        "/exchange/import",
        {"package": hidden_field(html, "package"), "prefer": "here", "unverified": "y", "confirm": "Inlezen"},
        page="/exchange",
    )
    assert confirmed.status_code == 302
    db_session.expire_all()
    assert sorted(db_session.scalars(select(Unit.code))) == ["ZEE", "ZEE-SCHIP"]
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "exchange.import"))
    assert event.actor_id == admin.id
    assert event.new["verified"] is False


def test_an_untrusted_upload_is_refused_on_the_page_and_nothing_is_stored(client, factory, db_session):
    client.login(factory.user(Role.ADMIN).email)
    page = client.submit(
        "/exchange/import",
        {"file": (io.BytesIO(V1.read_bytes()), "x.dtsx"), "check": "Controleren"},
        page="/exchange",
    )
    assert page.status_code == 400
    assert "niet vertrouwd" in page.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Unit)) == 0


def test_an_admin_trusts_a_key_on_the_page_and_sees_it_listed(client, factory):
    client.login(factory.user(Role.ADMIN).email)
    key = "ed25519:" + "A" * 43 + "="
    assert (
        client.submit("/exchange/keys", {"name": "Zr.Ms. Karel Doorman", "public_key": key}).status_code
        == 302
    )
    page = client.get("/exchange").get_data(as_text=True)
    assert "Zr.Ms. Karel Doorman" in page
    assert key in page
    refused = client.submit(
        "/exchange/keys", {"name": "tweede", "public_key": "geen sleutel"}, page="/exchange"
    )
    assert refused.status_code == 400
    assert "ed25519:" in refused.get_data(as_text=True)


def hidden_field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def test_a_package_for_a_round_that_uses_another_questionnaire_here_is_refused(remote, tmp_path):
    other = tmp_path / "ander.yaml"
    other.write_text(questionnaire_yaml(key="ander"), encoding="utf-8")
    succeeded(remote.run("questionnaire", "load", str(other)))
    succeeded(remote.run("round", "create", "--code", "X-2026", "--name", "Hier", "--questionnaire", "ander"))
    line = one_line(remote.run("exchange", "import", str(V1), "--unverified"))
    assert "meetronde X-2026 gebruikt hier vragenlijst ander@1" in line
    assert remote.count(Unit) == 0


def test_a_package_with_missing_content_is_refused_in_one_line(remote, tmp_path):
    members = members_of(V1)
    units = json.dumps([{"code": "ZEE"}]).encode()  # no name, no kind, no parent
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["units.json"] = hashlib.sha256(units).hexdigest()
    path = tmp_path / "kaal.dtsx"
    path.write_bytes(repack({**members, "units.json": units, "manifest.json": json.dumps(manifest).encode()}))
    line = one_line(remote.run("exchange", "import", str(path), "--unverified"))
    assert "de inhoud van het pakket is niet volledig of niet geldig" in line
    assert remote.count(Questionnaire) == 0


def test_the_upload_page_shows_the_conflicts_of_a_package_from_the_ship(
    cli, central, remote, tmp_path, client
):
    trust_each_other(cli, remote)
    succeeded(
        remote.run("exchange", "import", str(export(cli, tmp_path / "uit.dtsx", "--unit", "ZEE-SCHIP")))
    )
    with remote.session() as session:
        answer = session.scalar(select(Answer).where(Answer.level == 2))
        answer.level = 4
        session.commit()
    inbound = export(remote, tmp_path / "terug.dtsx")
    client.login(central["factory"].user(Role.ADMIN).email)
    page = client.submit(
        "/exchange/import",
        {"file": (io.BytesIO(inbound.read_bytes()), "terug.dtsx"), "check": "Controleren"},
        page="/exchange",
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    first = central["questions"][0].key
    assert f'<th scope="row">ZEE-SCHIP</th><td>{first}</td><td>2</td><td>4</td>' in html
    assert "wat hier staat blijft" in html
