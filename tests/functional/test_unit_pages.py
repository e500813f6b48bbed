"""Units in the browser: the tree and its search, create, rename, move (never into its own part of
the tree), deactivate, and the CSV import as an upload, all or nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from assessment.assessments.models import Assessment
from assessment.auth.models import Role
from assessment.rounds.models import Round
from assessment.units.models import Unit
from tests.helpers import text_of


@pytest.fixture
def tree(factory):
    clas = factory.unit("CLAS", name="Commando Landstrijdkrachten", kind="commando")
    brigade = factory.unit("CLAS-13", name="13 Lichte Brigade", kind="brigade", parent=clas)
    factory.unit("CLAS-13-1", name="Eerste bataljon", kind="bataljon", parent=brigade)
    factory.unit("CZSK", name="Commando Zeestrijdkrachten", kind="commando")
    return {"coordinator": factory.user(Role.COORDINATOR), "lead": factory.user(Role.LEAD)}


def unit(db_session, code: str) -> Unit | None:
    db_session.expire_all()
    return db_session.scalar(select(Unit).where(Unit.code == code))


def upload(client, content: bytes, name: str = "eenheden.csv"):
    token = client.token("/units/import")
    return client.post(
        "/units/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_tree_shows_every_unit_under_its_parent_and_search_finds_one_with_its_path(client, tree):
    client.login(tree["coordinator"].email)
    html = client.get("/units").text
    assert (
        html.index("Commando Landstrijdkrachten")
        < html.index("13 Lichte Brigade")
        < html.index("Eerste bataljon")
    )
    found = text_of(client.get("/units?zoek=bataljon"))
    assert "1 eenheid gevonden" in found
    assert "Eerste bataljon CLAS-13-1 · bataljon (Commando Landstrijdkrachten › 13 Lichte Brigade)" in found


def test_a_coordinator_creates_renames_and_moves_a_unit(client, tree, db_session):
    client.login(tree["coordinator"].email)
    made = client.submit(
        "/units/new", {"code": "clas-43", "name": "43 Brigade", "kind": "brigade", "parent": "CLAS"}
    )
    assert made.status_code == 302
    assert unit(db_session, "CLAS-43").parent.code == "CLAS"
    client.submit(
        "/units/CLAS-43",
        {"name": "43 Gemechaniseerde Brigade", "kind": "brigade", "parent": "CZSK", "is_active": "y"},
    )
    moved = unit(db_session, "CLAS-43")
    assert (moved.name, moved.parent.code) == ("43 Gemechaniseerde Brigade", "CZSK")


@pytest.mark.parametrize(
    ("url", "form", "message"),
    [
        ("/units/new", {"code": "CZSK", "name": "Dubbel", "kind": "commando", "parent": ""}, "er is al een eenheid met code CZSK"),
        ("/units/new", {"code": "A B", "name": "Spatie", "kind": "x", "parent": ""}, "mag alleen A–Z, 0–9, - en _ bevatten"),
        ("/units/CLAS", {"name": "CLAS", "kind": "commando", "parent": "CLAS-13-1", "is_active": "y"},
         "een eenheid kan niet onder zichzelf of onder een eigen onderdeel vallen"),
        ("/units/CLAS", {"name": "", "kind": "commando", "parent": "", "is_active": "y"}, "Vul een naam in."),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_changes(client, tree, db_session, url, form, message):
    client.login(tree["coordinator"].email)
    before = db_session.scalar(select(func.count()).select_from(Unit))
    refused = client.submit(url, form)
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert db_session.scalar(select(func.count()).select_from(Unit)) == before
    clas = unit(db_session, "CLAS")
    assert (clas.name, clas.parent) == ("Commando Landstrijdkrachten", None)


def test_a_deactivated_unit_takes_part_in_no_new_round(client, tree, factory, db_session):
    client.login(tree["coordinator"].email)
    client.submit(
        "/units/CZSK", {"name": "Commando Zeestrijdkrachten", "kind": "commando", "parent": ""}
    )  # not active
    assert unit(db_session, "CZSK").is_active is False
    assert "niet actief" in text_of(client.get("/units"))
    questionnaire = factory.questionnaire()
    page = client.get("/rounds/new")
    form = {"questionnaire": str(questionnaire.id), "code": "2027-1", "name": "Meting", "scope": ""}
    form |= dict.fromkeys(re.findall(r'name="(theme_\d+)"', page.text), "3")
    client.submit("/rounds/new", form, page="/rounds/new")
    client.submit("/rounds/2027-1/open", page="/rounds/2027-1")
    round_id = db_session.scalar(select(Round.id).where(Round.code == "2027-1"))
    codes = db_session.scalars(
        select(Unit.code)
        .join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.round_id == round_id)
    ).all()
    assert sorted(codes) == ["CLAS", "CLAS-13", "CLAS-13-1"]  # not CZSK


def test_the_import_reads_a_good_file_and_names_every_bad_line_of_a_bad_one(client, tree, db_session):
    client.login(tree["coordinator"].email)
    good = b"code;name;kind;parent_code\nCLAS-11;11 Luchtmobiele Brigade;brigade;CLAS\n"
    done = upload(client, good)
    assert done.status_code == 302
    assert "eenheden.csv: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd." in text_of(client.get("/units"))
    assert unit(db_session, "CLAS-11").parent.code == "CLAS"

    bad = b"CLAS-12;12 Brigade;brigade;BESTAAT-NIET\nCLAS-14;;brigade;CLAS\nalleen;twee\n"
    refused = upload(client, bad)
    assert refused.status_code == 400
    text = text_of(refused)
    assert "Niets opgeslagen: 2 fouten in het bestand" in text
    assert "eenheden.csv, regel 2: name is leeg" in text
    assert "eenheden.csv, regel 3: 2 kolommen, verwacht 4" in text
    assert unit(db_session, "CLAS-12") is None


def test_a_file_that_is_not_utf8_or_too_large_is_refused(app, client, tree, db_session, monkeypatch):
    client.login(tree["coordinator"].email)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20_000)  # 2 MB in production
    latin = upload(
        client, "CLAS-15;Bataljon Zuid-Ĳsselmeer;bataljon;CLAS\n".encode("cp1252", errors="replace") + b"\xe9"
    )
    assert latin.status_code == 400 and "is geen UTF-8" in text_of(latin)
    too_large = upload(client, b"x" * 30_000)
    assert too_large.status_code == 413


def test_a_lead_does_not_manage_units(client, tree):
    client.login(tree["lead"].email)
    assert client.get("/units").status_code == 403
    assert (
        client.submit(
            "/units/new", {"code": "X", "name": "X", "kind": "x", "parent": ""}, page="/"
        ).status_code
        == 403
    )


def test_the_units_pages_in_english(client, tree):
    client.login(tree["coordinator"].email)
    text = text_of(client.get("/units?lang=en"))
    assert "New unit" in text and "Import units (CSV)" in text
