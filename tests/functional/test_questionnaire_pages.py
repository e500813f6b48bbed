"""Questionnaire versions in the browser: an admin uploads a file, which is checked exactly as the
command line checks it (nothing stored when it fails), and previews a version before a round
uses it."""

from __future__ import annotations

import io

import pytest
import yaml
from sqlalchemy import func, select

from assessment.auth.models import Role
from assessment.questionnaires.models import Questionnaire
from tests.factories import questionnaire_document, questionnaire_yaml
from tests.helpers import text_of


@pytest.fixture
def admin(factory):
    return factory.user(Role.ADMIN)


def upload(client, content: bytes, name: str = "vragenlijst.yaml"):
    token = client.token("/questionnaires")
    return client.post(
        "/questionnaires",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def versions(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Questionnaire))


def test_an_admin_loads_a_version_previews_it_and_sees_where_it_is_used(client, admin, factory, db_session):
    client.login(admin.email)
    loaded = upload(client, questionnaire_yaml(key="nieuw", version=2).encode())
    assert loaded.status_code == 302
    preview = client.get(loaded.headers["Location"])
    text = text_of(preview)
    assert "nieuw@2 is geladen." in text
    assert "Speerpunt 1: Thema 1" in text and "Vraag 1.1: Vraag 1.1.1?" in text
    assert (
        "Beschrijving 1.1.1 op niveau 3" in text
        and "Volgende stap: Volgende stap 1.1.1 vanaf niveau 3" in text
    )

    questionnaire = db_session.scalar(select(Questionnaire).where(Questionnaire.key == "nieuw"))
    factory.round(questionnaire, code="2027-1")
    assert "nieuw@2" in text_of(client.get("/questionnaires")) and "2027-1" in text_of(
        client.get("/questionnaires")
    )

    again = upload(client, questionnaire_yaml(key="nieuw", version=2).encode())
    assert "was al geladen met dezelfde inhoud" in text_of(client.get(again.headers["Location"]))
    assert versions(db_session) == 1


BAD = {
    "aliases": (b"a: &x [1]\nb: *x\n", "alias"),
    "python tag": (b"key: !!python/object/apply:os.system ['true']\n", "YAML"),
    "not utf-8": (b"key: caf\xe9\n", "geen UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_with_the_checkers_messages_and_nothing_is_stored(
    client, admin, db_session, case
):
    content, expected = BAD[case]
    client.login(admin.email)
    refused = upload(client, content)
    assert refused.status_code == 400
    assert "Niets opgeslagen" in text_of(refused) and expected in text_of(refused)
    assert versions(db_session) == 0


def test_every_problem_of_a_file_is_named_on_its_own_line(client, admin, db_session):
    document = questionnaire_document()
    del document["themes"][0]["capabilities"][0]["questions"][0]["levels"][4]
    document["themes"][1]["key"] = "thema-1"
    client.login(admin.email)
    refused = upload(client, yaml.safe_dump(document, allow_unicode=True).encode())
    assert refused.status_code == 400
    items = refused.text.split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0].count("<li>")
    assert items >= 2
    assert "vragenlijst.yaml: " in text_of(refused)
    assert versions(db_session) == 0


def test_a_file_over_the_limit_is_refused(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20_000)
    client.login(admin.email)
    assert upload(client, b"# " + b"x" * 30_000).status_code == 413


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.LEAD, Role.REPRESENTATIVE])
def test_only_an_admin_loads_questionnaires(client, factory, role):
    unit = factory.unit()
    client.login(factory.user(role, units=[unit]).email)
    assert client.get("/questionnaires").status_code == 403


def test_the_questionnaire_pages_in_english(client, admin, factory):
    questionnaire = factory.questionnaire()
    client.login(admin.email)
    text = text_of(client.get(f"/questionnaires/{questionnaire.id}?lang=en"))
    assert "Spearhead 1: Theme 1" in text and "Question 1.1: Question 1.1.1?" in text
