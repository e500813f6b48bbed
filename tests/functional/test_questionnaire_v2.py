"""Questionnaire format version 2 as a user sees it: why a question matters and who answers it
best on the fill-in page, a list per colleague, the letter's passage per speerpunt, a glossary,
questions meant for other kinds of unit, and the trend from a round on version 1 to a round on
version 2 of the same questionnaire."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role
from assessment.questionnaires.fileformat import read_questionnaire
from assessment.questionnaires.models import Question, Questionnaire
from assessment.questionnaires.services import build_questionnaire
from assessment.rounds.models import RoundStatus
from tests.helpers import text_of

pytestmark = pytest.mark.filterwarnings(r"ignore:unclosed file .*sRGB2014\.icc:ResourceWarning")

DATA = Path(__file__).parents[1] / "data"


def stored(factory: Any, name: str) -> Questionnaire:
    return factory._save(build_questionnaire(read_questionnaire(DATA / name)))


def by_key(questionnaire: Questionnaire) -> dict[str, Question]:
    return {q.key: q for t in questionnaire.themes for q in t.questions}


@pytest.fixture
def versions(factory):
    """Version 1 and version 2 of the example questionnaire "voorbeeld"."""
    return stored(factory, "voorbeeld-v1.yaml"), stored(factory, "voorbeeld-v2.yaml")


@pytest.fixture
def rep_on_v2(factory, client, versions):
    """A representative of a unit with a draft on version 2, logged in."""
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    assessment = factory.assessment(unit, factory.round(versions[1], code="2026-1"))
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
    return assessment


# -- the fill-in page --------------------------------------------------------------------------


def test_the_fill_in_page_says_why_a_question_matters_and_who_knows_best(client, rep_on_v2):
    page = client.get(f"/assessments/{rep_on_v2.id}/speerpunten/verbinden")
    text = text_of(page)
    assert "Zonder veilige verbinding kan de commandant niet leiden." in text
    assert "Wie weet dit het best: S6 (verbindingen en IT)" in text
    assert "Wie weet dit het best: S3 (operaties)" in text
    assert "Bewijs: Een verbindingsplan dat de staf gebruikt." in text


def test_a_glossary_term_is_explained_at_its_first_use_on_the_fill_in_page(client, rep_on_v2):
    html = client.get(f"/assessments/{rep_on_v2.id}/speerpunten/data").get_data(as_text=True)
    assert html.count('<abbr title="Informatietechnologie.">IT</abbr>') == 1
    assert "Via een vaste dienst van de <abbr" in html


def test_in_english_the_page_uses_the_english_why_and_glossary(client, rep_on_v2):
    client.submit("/taal", {"language": "en", "next": "/"}, page="/")
    html = client.get(f"/assessments/{rep_on_v2.id}/speerpunten/data").get_data(as_text=True)
    assert "Whoever shares data decides faster and better." in html
    assert '<abbr title="Information technology.">IT</abbr>' in html


def test_a_version_1_questionnaire_shows_no_why_or_respondent(client, factory, versions):
    unit = factory.unit()
    assessment = factory.assessment(unit, factory.round(versions[0]))
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
    text = text_of(client.get(f"/assessments/{assessment.id}/speerpunten/verbinden"))
    assert "Wie weet dit het best" not in text
    assert "Vragen per functie" not in text_of(client.get(f"/assessments/{assessment.id}"))


def test_a_question_meant_for_other_kinds_of_unit_says_so_and_allows_not_applicable(
    client, factory, versions
):
    ship = factory.unit("CZSK-VLOOT", name="Operationele vloot")
    ship.profile = "maritiem"
    brigade = factory.unit("CLAS-11LMB", name="11 Luchtmobiele Brigade")
    brigade.profile = "land"
    round_ = factory.round(versions[1])
    hint = "Vraag 1.2 geldt meestal niet voor uw soort eenheid."
    for unit, shown in ((ship, True), (brigade, False)):
        assessment = factory.assessment(unit, round_)
        client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
        page = client.get(f"/assessments/{assessment.id}/speerpunten/verbinden")
        assert (hint in text_of(page)) is shown
        drones = by_key(versions[1])["vb-drone-data"]
        assert f'name="level_{drones.id}" type="radio" value="nvt"' in page.get_data(as_text=True)
        client.logout()


# -- the list per colleague --------------------------------------------------------------------


def test_the_overview_lists_the_questions_for_one_colleague(client, rep_on_v2):
    overview = f"/assessments/{rep_on_v2.id}"
    form = text_of(client.get(overview))
    assert "Vragen per functie" in form
    assert "S6 (verbindingen en IT)" in form and "Informatiemanager" in form
    assert "Cyberspecialist" not in form  # no question names it

    text = text_of(client.get(f"{overview}?wie=staf-s6"))
    assert "Vragen voor S6 (verbindingen en IT)" in text
    assert "Vraag 1.1 Heeft de eenheid ontplooid of op zee een veilige verbinding?" in text
    assert "Kan de eenheid de data van haar drones snel verwerken?" not in text
    assert "Deelt de eenheid haar data veilig met anderen?" not in text

    unknown = text_of(client.get(f"{overview}?wie=%3Cscript%3E"))
    assert "Vragen voor" not in unknown


# -- results and the PDF -------------------------------------------------------------------------


def test_the_results_page_cites_the_letter_per_speerpunt(client, rep_on_v2):
    text = text_of(client.get(f"/assessments/{rep_on_v2.id}/results"))
    assert "Wat de DTS vraagt" in text
    assert "Eenheden moeten overal veilig kunnen communiceren." in text
    # the drone question cites speerpunt "data", although it stands under "verbinden"
    data = text.split("Drones op grote schaal")[0]
    assert data.rindex("Data") > data.rindex("Eenheden moeten overal")


def test_the_unit_pdf_cites_the_letter_and_ends_with_the_glossary(client, factory, versions, rep_on_v2):
    factory.answer(rep_on_v2, by_key(versions[1])["vb-data-delen"], 2)
    response = client.get(f"/reports/assessments/{rep_on_v2.id}.pdf")
    assert response.status_code == 200
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(response.data)).pages]
    text = " ".join(pages)
    assert "Uit de brief over de Digitale Transformatie Strategie:" in text
    assert "Data is de brandstof van de informatiegestuurde krijgsmacht." in text
    assert "Begrippen DMO Defensie Materieel Organisatie, die materieel en IT koopt en beheert." in pages[-1]
    assert "IT Informatietechnologie." in pages[-1]


# -- the trend across versions -------------------------------------------------------------------


def test_a_round_on_version_2_shows_the_trend_since_a_round_on_version_1_for_the_kept_keys(
    client, factory, versions
):
    v1, v2 = versions
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    closed = factory.round(v1, code="2025-2", status=RoundStatus.CLOSED)
    before = factory.assessment(unit, closed, status=AssessmentStatus.APPROVED)
    for key, level in {"vb-verbinding": 2, "vb-oefenen": 3, "vb-data-delen": 1, "vb-opslag": 4}.items():
        factory.answer(before, by_key(v1)[key], level)
    now = factory.assessment(unit, factory.round(v2, code="2026-1"))
    for key, level in {"vb-verbinding": 4, "vb-drone-data": 5, "vb-data-delen": 2}.items():
        factory.answer(now, by_key(v2)[key], level)
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)

    text = text_of(client.get(f"/assessments/{now.id}/results"))
    # speerpunten by key: verbinden was 2.5 (2 and 3), now 4.5 (4 and 5); data 2.5 → 2
    assert "Verschil met 2025-2" in text
    assert re.search(r"1\. Verbinden 4,5 [^▲▼]* ▲ 2,0 hoger 2\. Data 2,0 [^▲▼]* ▼ 0,5 lager Totaal", text)
    # per question, only the keys both versions have
    rows = text.split("Per vraag: verschil met 2025-2")[-1].split("Per onderdeel")[0]
    assert re.search(
        r"Vraag 1\.1 Heeft de eenheid ontplooid of op zee een veilige verbinding\? 2 4 ▲ 2,0 hoger", rows
    )
    assert re.search(r"Vraag 2\.1 Deelt de eenheid haar data veilig met anderen\? 1 2 ▲ 1,0 hoger", rows)
    assert "drones" not in rows


def test_a_coordinator_gives_a_unit_its_kind_from_the_questionnaires_profiles(
    client, factory, versions, db_session
):
    ship = factory.unit("CZSK-VLOOT", name="Operationele vloot")
    client.login(factory.user(Role.COORDINATOR).email)
    form = client.get("/units/CZSK-VLOOT").get_data(as_text=True)
    assert '<option value="maritiem">Maritieme eenheid (schip of vloot)</option>' in form
    fields = {"name": ship.name, "kind": ship.kind, "parent": "", "is_active": "y"}
    done = client.submit("/units/CZSK-VLOOT", {**fields, "profile": "maritiem"})
    assert done.status_code == 302
    db_session.refresh(ship)
    assert ship.profile == "maritiem"
    refused = client.submit("/units/CZSK-VLOOT", {**fields, "profile": "ruimte"})
    assert refused.status_code == 400
    db_session.refresh(ship)
    assert ship.profile == "maritiem"
    client.submit("/units/CZSK-VLOOT", {**fields, "profile": ""})
    db_session.refresh(ship)
    assert ship.profile is None
