"""PDF reports: the unit report a commander reads, the round report, every unit report at once
(ZIP and command line), and the safety of rendering user text.

The PDFs are read back with pypdf: what a reader (or a screen reader) gets out of the file.
Rendering takes a second or more per report, so the one rich unit report is rendered once for
the module and the other tests render as few reports as they can.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from weasyprint.document import Page

from assessment import db, formatting
from assessment.app import create_app
from assessment.assessments import services as assessment_services
from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role
from assessment.reports import jobs as report_jobs
from assessment.reports import pdf, services
from assessment.reports.pdf import STATIC_PREFIX, FetchRefused, StaticOnlyFetcher
from assessment.rounds.models import Round
from tests.conftest import rolled_back
from tests.factories import Factory
from tests.helpers import WebClient, text_of

# WeasyPrint (70) opens its sRGB profile for PDF/A output and never closes it; the leak is
# WeasyPrint's, not ours, and filterwarnings = error would turn it into a failure.
pytestmark = pytest.mark.filterwarnings(r"ignore:unclosed file .*sRGB2014\.icc:ResourceWarning")

MARKING = "DEPARTEMENTAAL VERTROUWELIJK"
REPORT_CSS = STATIC_PREFIX + "css/report.css"


def pdf_pages(data: bytes) -> list[str]:
    """The text of every page, white space folded."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def today_in_amsterdam() -> str:
    return formatting.date(dt.datetime.now(dt.UTC).astimezone(formatting.local_zone()))


@contextmanager
def own_transaction(app, engine) -> Iterator[Session]:
    """What the ``connection`` and ``db_session`` fixtures do for one test, for a fixture that
    outlives a test: the app and a session of our own work in one transaction, rolled back."""
    with rolled_back(app, engine) as connection:
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


@pytest.fixture
def marking(app):
    old = app.config["REPORT_MARKING"]
    app.config["REPORT_MARKING"] = MARKING
    yield MARKING
    app.config["REPORT_MARKING"] = old


# -- the unit report of the demo questionnaire, rendered once ------------------------------------


@dataclass(frozen=True)
class RenderedReport:
    status: int
    headers: dict[str, str]
    pdf: bytes
    pages: list[str]
    printed_on: set[str]  # today's date just before and just after rendering
    theme_titles: list[str]
    top_steps: list[str]  # the top recommendation's next steps, as the questionnaire words them
    second_question: str  # the question of the second recommendation
    question_counts: list[int]  # per speerpunt
    first_capability: int  # questions in speerpunt 1's first capability (all answered)


@pytest.fixture(scope="module")
def rich_report(app, engine) -> RenderedReport:
    """13 Lichte Brigade's report on the DTS questionnaire, marked, as its representative downloads
    it. The first question is at level 1 (gap 2 to target 3: the top recommendation); the rest of
    the first capability at target (3), so speerpunt 1 scores 2,0. Speerpunt 2: its first question
    at level 2 (gap 1), its second at 4, so it scores 3,0. Speerpunten 3, 4 and 5 are open."""
    with own_transaction(app, engine) as session:
        factory = Factory(session)
        unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
        questionnaire = factory.dts_questionnaire()
        assessment = factory.assessment(unit, factory.round(questionnaire, code="2026-1"))
        themes = questionnaire.themes
        top, *rest = themes[0].capabilities[0].questions
        factory.answer(assessment, top, 1, comment="Verbindingsplan is in de maak.")
        for question in rest:
            factory.answer(assessment, question, 3)
        second, above = themes[1].capabilities[0].questions[:2]
        factory.answer(assessment, second, 2)
        factory.answer(assessment, above, 4)
        steps = {level.level: level.text("next_step") for level in top.levels}
        rep = factory.user(Role.REPRESENTATIVE, units=[unit])

        old = app.config["REPORT_MARKING"]
        app.config["REPORT_MARKING"] = MARKING
        try:
            client = WebClient(app.test_client())
            client.login(rep.email)
            before = today_in_amsterdam()
            response = client.get(f"/reports/assessments/{assessment.id}.pdf")
            after = today_in_amsterdam()
        finally:
            app.config["REPORT_MARKING"] = old
        return RenderedReport(
            status=response.status_code,
            headers=dict(response.headers),
            pdf=response.data,
            pages=pdf_pages(response.data) if response.status_code == 200 else [],
            printed_on={before, after},
            theme_titles=[theme.text("title") for theme in themes],
            top_steps=[f"Van 1 naar 2: {steps[1]}", f"Van 2 naar 3: {steps[2]}"],
            second_question=second.text("text"),
            question_counts=[len(theme.questions) for theme in themes],
            first_capability=len(themes[0].capabilities[0].questions),
        )


def test_a_representative_downloads_his_units_report_as_a_named_pdf_attachment(rich_report):
    assert rich_report.status == 200
    assert rich_report.headers["Content-Type"] == "application/pdf"
    assert rich_report.headers["Content-Disposition"] == "attachment; filename=2026-1_CLAS-13LTBRIG.pdf"
    assert rich_report.pdf.startswith(b"%PDF-")


def test_the_unit_report_names_the_unit_and_has_a_section_per_speerpunt(rich_report):
    text = " ".join(rich_report.pages)
    assert "Volwassenheidsrapport 13 Lichte Brigade CLAS-13LTBRIG" in text
    assert len(rich_report.theme_titles) == 5
    for number, title in enumerate(rich_report.theme_titles, start=1):
        assert f"{number}. {title}" in text
    for title in rich_report.theme_titles[:2]:  # the two speerpunten with answers
        assert f"Aanbevelingen voor {title}" in text


def test_the_summary_leads_with_the_top_recommendation_from_the_questionnaires_next_steps(rich_report):
    text = " ".join(rich_report.pages)
    summary = text.split("De vijf belangrijkste aanbevelingen", 1)[1].split(
        "Verandering sinds de vorige ronde"
    )[0]
    first, second = summary.split("Vraag ")[1:3]
    assert first.startswith("1.1:")
    assert "Nu niveau 1, doel 3." in first
    for step in rich_report.top_steps:
        assert step in first
    assert rich_report.second_question in second


def test_every_page_says_pagina_x_van_y_and_carries_the_marking(rich_report):
    pages = rich_report.pages
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page
        assert MARKING in page
        assert "13 Lichte Brigade (CLAS-13LTBRIG) – ronde 2026-1" in page  # running header


def test_the_cover_gives_the_date_of_printing_in_dutch(rich_report):
    cover = rich_report.pages[0]
    assert "Gedrukt op" in cover
    assert any(date in cover for date in rich_report.printed_on), (rich_report.printed_on, cover)


# -- what a commander reads first: the summary, the ranking, the open speerpunten ------------------


def test_page_2_opens_with_a_written_summary_made_from_the_figures(rich_report):
    t1, t2, t3, t4, t5 = rich_report.theme_titles
    summary = rich_report.pages[1].split("Kerncijfers")[0]
    assert "Managementsamenvatting De totaalscore is 2,5 op een schaal van 1 tot 5." in summary
    assert (
        f"De eenheid scoort het hoogst op speerpunt 2 ({t2}) met 3,0, "
        f"en het laagst op speerpunt 1 ({t1}) met 2,0." in summary
    )
    assert "Behaald niveau: 1 (Initieel), omdat vraag 1.1 op niveau 1 staat." in summary
    assert f"Nog niet ingevuld: speerpunt 3 ({t3}), speerpunt 4 ({t4}) en speerpunt 5 ({t5})." in summary
    assert (
        "De twee stappen met de meeste winst zijn vraag 1.1 (van niveau 1 naar 3) "
        "en vraag 2.1 (van niveau 2 naar 3)." in summary
    )


def test_beside_each_attained_level_the_report_names_the_question_that_holds_it_down(rich_report):
    assert "Behaald niveau 1 · Initieel omdat vraag 1.1 op niveau 1 staat" in rich_report.pages[1]
    text = " ".join(rich_report.pages)
    section_2 = text.split(f"2. {rich_report.theme_titles[1]} Kerncijfers")[1]
    assert "Behaald niveau 2 · Herhaalbaar omdat vraag 2.1 op niveau 2 staat" in section_2


def test_recommendations_give_their_place_in_the_ranking_instead_of_a_priority_figure(rich_report):
    text = " ".join(rich_report.pages)
    assert "prioriteit" not in text.lower()
    assert (
        text.count(
            "De vijf belangrijkste aanbevelingen Alle aanbevelingen in dit rapport staan op volgorde van winst"
        )
        == 1
    )
    first, second = rich_report.theme_titles[:2]
    section_1 = text.split(f"Aanbevelingen voor {first}")[1].split(f"2. {second}")[0]
    assert "Nu niveau 1, doel 3. Van alle 2 aanbevelingen staat deze op plaats 1." in section_1
    section_2 = text.split(f"Aanbevelingen voor {second}")[1]
    assert "Nu niveau 2, doel 3. Van alle 2 aanbevelingen staat deze op plaats 2." in section_2


def test_a_speerpunt_without_answers_is_one_line_and_the_three_share_a_page(rich_report):
    titles, counts = rich_report.theme_titles, rich_report.question_counts
    lines = [
        f"{n}. {titles[n - 1]} Nog niet ingevuld: geen van de {counts[n - 1]} vragen is beantwoord."
        for n in (3, 4, 5)
    ]
    assert any(all(line in page for line in lines) for page in rich_report.pages)
    appendix = " ".join(rich_report.pages).split("Bijlage: alle vragen en antwoorden Per vraag")[1]
    for n in (3, 4, 5):
        assert (
            f"{n}. {titles[n - 1]} Nog niet ingevuld: geen van de {counts[n - 1]} vragen is beantwoord."
            in appendix
        )
    # Only the open questions of speerpunten 1 and 2 are listed one by one.
    open_questions = (counts[0] - rich_report.first_capability) + (counts[1] - 2)
    assert appendix.count("Niet beantwoord") == open_questions
    assert "Gap" not in " ".join(rich_report.pages)


def test_the_report_is_pdf_a_3a_with_title_author_and_language(rich_report):
    reader = PdfReader(io.BytesIO(rich_report.pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "A")
    assert reader.metadata.title == "Volwassenheidsrapport 13 Lichte Brigade – 2026-1"
    assert reader.metadata.author == "Ministerie van Defensie – DTS Volwassenheidsscan"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl"
    # Level A: tagged, so that a screen reader can read it aloud in order.
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog


# -- in English ----------------------------------------------------------------------------------


def english_today() -> str:
    local = dt.datetime.now(dt.UTC).astimezone(formatting.local_zone())
    return formatting.date(local, locale="en")


def test_a_user_who_chose_english_gets_the_unit_report_in_english(client, factory, small_round):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    assessment = factory.assessment(unit, small_round)
    first = factory.questions(assessment)[0]
    factory.answer(assessment, first, 1, comment="Plan in de maak.")
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
    client.submit("/taal", {"language": "en", "next": "/"}, page="/")

    before = english_today()
    response = client.get(f"/reports/assessments/{assessment.id}.pdf")
    after = english_today()
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Maturity report 13 Lichte Brigade – 2026-1"
    assert reader.metadata.author == "Ministry of Defence – DTS Maturity Scan"
    assert reader.xmp_metadata.dc_title == {"x-default": "Maturity report 13 Lichte Brigade – 2026-1"}
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    for heading in (
        "Management summary",
        "Key figures",
        "Recommendations for Theme 1",
        "Appendix: all questions and answers",
    ):
        assert heading in text
    assert "Question 1.1: Question 1.1.1?" in text  # the questionnaire's English text
    assert "From 1 to 2: Volgende stap 1.1.1 vanaf niveau 1" in text  # no English in the file: Dutch
    assert before in pages[0] or after in pages[0]  # "Printed on 3 December 2026"
    assert f"page 1 of {len(pages)}" in pages[0]
    assert "13 Lichte Brigade (CLAS-13LTBRIG) – round 2026-1" in pages[0]
    for dutch in ("Managementsamenvatting", "Aanbevelingen", "Gedrukt op", "pagina", "Toelichting"):
        assert dutch not in text


def test_lang_en_on_the_command_line_gives_an_english_report(cli, factory, small_round, tmp_path):
    factory.assessment(factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade"), small_round)
    output = tmp_path / "brigade.pdf"
    args = [
        "report",
        "unit",
        "--unit",
        "CLAS-13LTBRIG",
        "--round",
        "2026-1",
        "-o",
        str(output),
        "--lang",
        "en",
    ]
    result = cli.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "rapport van 13 Lichte Brigade" in result.stdout  # the command line itself speaks Dutch
    reader = PdfReader(output)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Maturity report 13 Lichte Brigade CLAS-13LTBRIG" in pdf_text(output.read_bytes())


def test_the_command_line_refuses_a_language_it_does_not_have(cli, factory, small_round, tmp_path):
    result = cli.invoke(
        args=["report", "round", "--round", "2026-1", "-o", str(tmp_path / "x.pdf"), "--lang", "de"]
    )
    assert result.exit_code == 2
    assert "--lang" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


# -- rendering a report by hand --------------------------------------------------------------------


@pytest.fixture
def small_round(factory):
    """Round 2026-1 of a small questionnaire (2 speerpunten, 4 questions, target 3)."""
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    return factory.round(questionnaire, code="2026-1")


def test_a_report_for_a_unit_that_answered_nothing_still_renders(client, factory, small_round):
    unit = factory.unit("CZSK-VLOOT", name="Operationele vloot")
    assessment = factory.assessment(unit, small_round)
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
    response = client.get(f"/reports/assessments/{assessment.id}.pdf")
    assert response.status_code == 200
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert "Operationele vloot" in text
    assert "Totaalscore – op een schaal van 1 tot 5" in text
    assert "Er is nog geen vraag met een niveau beantwoord" in text
    # Each speerpunt says it is open in one line, in its section and in the appendix; no
    # question is listed one by one as unanswered.
    assert text.count("Nog niet ingevuld: geen van de 2 vragen is beantwoord.") == 4
    assert "Niet beantwoord" not in text
    assert len(pages) == 4  # cover, summary, both speerpunten on one page, appendix
    assert f"pagina {len(pages)} van {len(pages)}" in pages[-1]
    assert MARKING not in text  # no marking unless one is set


def test_html_in_a_toelichting_is_printed_as_text_and_nothing_is_fetched(app, app_ctx, factory, small_round):
    unit = factory.unit("CLAS-OOCL", name="Operationeel Ondersteuningscommando Land")
    assessment = factory.assessment(unit, small_round)
    question = factory.questions(assessment)[0]
    comment = 'Zie <img src="file:///etc/passwd"> en <link href="http://example.invalid/x.css"> hier.'
    factory.answer(assessment, question, 2, comment=comment)

    fetcher = StaticOnlyFetcher(app.static_folder)
    pdf = services.render_unit_report(assessment_services.get_assessment(assessment.id), fetcher=fetcher)
    assert f"Toelichting: {comment}" in pdf_text(pdf)
    assert fetcher.requested == [REPORT_CSS]


# -- nothing outside the page ---------------------------------------------------------------------

LONG_LINK = "https://intranet.mindef.nl/sites/dts/" + "verbindingsplanversie" * 8  # one word, no breaks
LONG_NAME = "Operationeel Ondersteuningscommando Land, staf en eenheden"


@pytest.fixture
def crowded_round(factory):
    """Round 2026-1 with what pushes at a page's edges: a unit name of 58 characters, a toelichting
    that is one long link, and a speerpunt that one unit left open. Three units submitted."""
    questionnaire = factory.questionnaire(themes=3, capabilities=2, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    crowded = None
    for i, (code, name) in enumerate(
        [("CLAS-OOCL", LONG_NAME), ("CZSK-KM", "Korps Mariniers"), ("DMO-COMMIT", "Commando IT (COMMIT)")]
    ):
        assessment = factory.assessment(
            factory.unit(code, name=name), round_, status=AssessmentStatus.SUBMITTED
        )
        for n, question in enumerate(factory.questions(assessment)):
            if i == 0 and question.key.startswith("vraag-3-"):
                continue  # speerpunt 3 open
            factory.answer(assessment, question, 1 + (i + n) % 5, comment=LONG_LINK if n == 0 else "")
        crowded = crowded or assessment
    return round_, crowded


def outside_the_text_area(page: Page) -> list[str]:
    """Every box of the page's content that WeasyPrint placed (partly) outside the area between
    the page margins, where a reader's eye, a printer or a binding would lose it."""
    box = page._page_box  # the laid-out page: WeasyPrint's own tests read it too
    left, top = box.margin_left, box.margin_top
    right, bottom = page.width - box.margin_right, page.height - box.margin_bottom
    found = []
    for child in box.children[0].descendants():  # the root element's boxes; not the header or footer
        x, y = child.position_x, child.position_y
        if (
            x < left - 1
            or y < top - 1
            or x + child.border_width() > right + 1
            or y + child.border_height() > bottom + 1
        ):
            found.append(f"{type(child).__name__} <{child.element_tag}> {getattr(child, 'text', '')[:40]!r}")
    return found


def page_images(data: bytes, folder: Path) -> list[Image.Image]:
    """Every page as a grey-scale image, made by poppler's pdftoppm as a PDF viewer would draw it."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm is not installed (Debian: poppler-utils); .ci/run installs it")
    (folder / "report.pdf").write_bytes(data)
    command = [tool, "-r", "50", "-gray", "-png", str(folder / "report.pdf"), str(folder / "page")]
    subprocess.run(command, check=True)  # noqa: S603 (our own file, our own tool)
    images = []
    for path in sorted(folder.glob("page-*.png")):
        with Image.open(path) as image:
            images.append(image.convert("L"))
    return images


def ink_beside_the_text_area(image: Image.Image) -> list[tuple[int, int]]:
    """Dark pixels in the left and right page margins (1 to 15 mm from the edge; the text area
    starts at 17 mm), between the running header and footer."""
    width, height = image.size
    mm = width / 210
    xs = [*range(round(1 * mm), round(15 * mm)), *range(width - round(15 * mm), width - round(1 * mm))]
    ys = range(round(22 * mm), height - round(20 * mm))
    pixels = image.load()
    return [(x, y) for x in xs for y in ys if pixels[x, y] < 200]


@pytest.mark.parametrize("report", ["unit", "round"])
def test_nothing_lies_outside_the_page_box_on_any_page(app_ctx, crowded_round, caplog, tmp_path, report):
    round_, crowded = crowded_round
    if report == "unit":
        html = services.unit_report_html(assessment_services.get_assessment(crowded.id))
    else:
        html = services.round_report_html(round_)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        document = pdf.lay_out(html)
        data = pdf.write_pdf(document)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    for number, page in enumerate(document.pages, start=1):
        assert outside_the_text_area(page) == [], f"page {number}"
    # Every link inside the report ("omdat vraag 1.1 …", the contents) leads to a place in it.
    anchors = {name for page in document.pages for name in page.anchors}
    targets = {target for page in document.pages for kind, target, *_ in page.links if kind == "internal"}
    assert targets and targets <= anchors
    images = page_images(data, tmp_path)
    assert len(images) == len(document.pages)
    for number, image in enumerate(images, start=1):
        assert ink_beside_the_text_area(image) == [], f"page {number}"
        assert image.getextrema()[0] < 100, f"page {number} is empty"
    text = pdf_text(data)
    if report == "unit":
        assert LONG_LINK[:30] in text
        assert "3. Thema 3 Nog niet ingevuld: geen van de 4 vragen is beantwoord." in text
    else:  # the heat map names the units (its text is drawn, so read it from the figure itself)
        figure = html.split('class="chart heatmap"')[1].split("</svg>")[0]
        assert ">Korps Mariniers<" in figure and "CZSK-KM" not in figure
        assert ">Operationeel Ondersteuningscommando<" in figure and ">Land, staf en eenheden<" in figure
        assert ">meer dan een half niveau onder het doel<" in figure


# -- the fetcher -------------------------------------------------------------------------------------


@pytest.fixture
def fetcher(app):
    return StaticOnlyFetcher(app.static_folder)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.invalid/x.css",
        "https://example.invalid/static/css/report.css",
        "http://report.invalid/static/css/report.css",
        STATIC_PREFIX + "../../../../../../etc/passwd",
        STATIC_PREFIX + "css/../../app.py",  # a real file, but outside the static folder
        STATIC_PREFIX + "css/bestaat-niet.css",
    ],
)
def test_the_fetcher_refuses_everything_but_the_apps_own_static_files(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.requested == [url]


def test_the_fetcher_serves_a_static_file(fetcher, app):
    response = fetcher.fetch(REPORT_CSS)
    assert response.read() == (Path(app.static_folder) / "css" / "report.css").read_bytes()
    assert response.headers.get_content_type() == "text/css"


# -- who may download what ---------------------------------------------------------------------------


@pytest.fixture
def quick_rendering(monkeypatch):
    """Access tests need the view, not the layout: rendering is replaced by a stub PDF."""
    monkeypatch.setattr(services, "render_unit_report", lambda assessment, **kwargs: b"%PDF-stub unit")
    monkeypatch.setattr(services, "render_round_report", lambda round_, **kwargs: b"%PDF-stub round")


@pytest.fixture
def two_units(factory, small_round):
    own = factory.assessment(factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade"), small_round)
    other = factory.assessment(factory.unit("CZSK-KM", name="Korps Mariniers"), small_round)
    return own, other


@pytest.mark.usefixtures("quick_rendering")
def test_a_representative_gets_only_his_own_units_report_and_no_round_reports(client, factory, two_units):
    own, other = two_units
    client.login(factory.user(Role.REPRESENTATIVE, units=[own.unit]).email)
    assert client.get(f"/reports/assessments/{own.id}.pdf").data == b"%PDF-stub unit"
    assert client.get(f"/reports/assessments/{other.id}.pdf").status_code == 404
    assert client.get("/reports/assessments/999999999.pdf").status_code == 404
    assert client.get("/reports/rounds/2026-1.pdf").status_code == 403
    assert client.get("/reports/rounds/2026-1/eenheidsrapporten.zip").status_code == 403


@pytest.mark.usefixtures("quick_rendering")
@pytest.mark.parametrize("role", [Role.LEAD, Role.COORDINATOR, Role.ADMIN])
def test_leads_coordinators_and_admins_get_every_report(client, factory, two_units, role):
    own, other = two_units
    client.login(factory.user(role).email)
    for assessment in (own, other):
        assert client.get(f"/reports/assessments/{assessment.id}.pdf").data == b"%PDF-stub unit"
    response = client.get("/reports/rounds/2026-1.pdf")
    assert response.data == b"%PDF-stub round"
    assert response.headers["Content-Disposition"] == "attachment; filename=ronderapport_2026-1_alle.pdf"
    # The old address of the ZIP leads to the round's reports page, where a job makes it.
    old = client.get("/reports/rounds/2026-1/eenheidsrapporten.zip")
    assert (old.status_code, old.headers["Location"]) == (302, "/reports/rounds/2026-1")
    assert client.get("/reports/rounds/2026-1").status_code == 200
    assert client.get("/reports/rounds/1999-9.pdf").status_code == 404
    assert client.get("/reports/rounds/1999-9/eenheidsrapporten.zip").status_code == 404


@pytest.mark.usefixtures("quick_rendering")
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, two_units):
    own, _ = two_units
    for url in (
        f"/reports/assessments/{own.id}.pdf",
        "/reports/rounds/2026-1.pdf",
        "/reports/rounds/2026-1/eenheidsrapporten.zip",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


# -- the round report and the ZIP --------------------------------------------------------------------


def answer_all(factory, assessment, level: int) -> None:
    for question in factory.questions(assessment):
        factory.answer(assessment, question, level)


def test_the_round_report_gives_participation_every_speerpunt_and_the_marking(client, factory, marking):
    questionnaire = factory.questionnaire(themes=3, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    for code, level, status in [
        ("CLAS-11LMB", 2, AssessmentStatus.SUBMITTED),
        ("CLAS-13LTBRIG", 4, AssessmentStatus.APPROVED),
        ("CZSK-KM", 1, AssessmentStatus.DRAFT),
    ]:
        assessment = factory.assessment(factory.unit(code), round_, status=status)
        answer_all(factory, assessment, level)
    client.login(factory.user(Role.LEAD).email)
    response = client.get("/reports/rounds/2026-1.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert "2 van 3 eenheden ingediend of goedgekeurd" in text
    for number in (1, 2, 3):
        assert f"{number}. Thema {number}" in text
    assert "CLAS-11LMB" in text and "CLAS-13LTBRIG" in text
    for number, page in enumerate(pages, start=1):
        assert marking in page
        assert f"pagina {number} van {len(pages)}" in page


def test_the_round_reports_heat_map_marks_only_scores_more_than_half_a_level_below_target(app_ctx, factory):
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")  # target 3 on every speerpunt
    for code, levels in [("CLAS-11LMB", (1, 2)), ("CLAS-13LTBRIG", (2, 3)), ("CZSK-KM", (4, 4))]:
        assessment = factory.assessment(factory.unit(code), round_, status=AssessmentStatus.SUBMITTED)
        for n, question in enumerate(factory.questions(assessment)):
            factory.answer(assessment, question, levels[n % 2])
    figure = services.round_report_html(round_).split('class="chart heatmap"')[1].split("</svg>")[0]
    # 1,5 lies 1,5 under the target: marked; 2,5 lies exactly half a level under it: not marked.
    assert figure.count("1,5 ▼<") == 2
    assert "2,5<" in figure and "2,5 ▼" not in figure
    assert ">meer dan een half niveau onder het doel<" in figure


def make_all_unit_reports(client, round_code: str = "2026-1", scope: str = ""):
    """Start the round's report job as a coordinator does; the test queue runs it at once.
    Return the job page's response and the ZIP's."""
    started = client.submit(f"/reports/rounds/{round_code}", {"scope": scope, "language": "nl"})
    assert started.status_code == 302, started.get_data(as_text=True)
    job_page = client.get(started.headers["Location"])
    return job_page, client.get(started.headers["Location"] + ".zip")


def test_the_zip_holds_one_named_unit_report_per_unit_of_the_round(client, factory, small_round):
    names = {"CLAS-11LMB": "11 Luchtmobiele Brigade", "CZSK-KM": "Korps Mariniers"}
    for code, name in names.items():
        factory.assessment(factory.unit(code, name=name), small_round)
    client.login(factory.user(Role.COORDINATOR).email)
    job_page, response = make_all_unit_reports(client)
    assert "Klaar: 2 van 2 rapporten gemaakt." in text_of(job_page)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == "attachment; filename=2026-1_alle_eenheidsrapporten.zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["2026-1_CLAS-11LMB.pdf", "2026-1_CZSK-KM.pdf"]
        for code, name in names.items():
            assert name in pdf_text(archive.read(f"2026-1_{code}.pdf"))


def test_a_unit_whose_report_fails_is_listed_in_the_zip_and_the_others_are_in_it(
    client, factory, small_round, monkeypatch
):
    for code in ("CLAS-11LMB", "CZSK-KM"):
        factory.assessment(factory.unit(code), small_round)
    fail_for(monkeypatch, "CLAS-11LMB")
    client.login(factory.user(Role.COORDINATOR).email)
    job_page, response = make_all_unit_reports(client)
    page = text_of(job_page)
    assert "Klaar: 1 van 2 rapporten gemaakt." in page
    assert "1 rapport niet gemaakt" in page
    assert "Eenheid CLAS-11LMB (CLAS-11LMB) RuntimeError: printer in brand" in page
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["2026-1_CZSK-KM.pdf", "FOUTEN.txt"]
        assert (
            "CLAS-11LMB (Eenheid CLAS-11LMB): RuntimeError: printer in brand"
            in archive.read("FOUTEN.txt").decode()
        )


# -- the command line --------------------------------------------------------------------------------


def fail_for(monkeypatch, unit_code: str) -> None:
    """Make rendering the unit report of ``unit_code`` fail; the others render as usual."""
    real = services.render_unit_report

    def render(assessment, **kwargs):
        if assessment.unit.code == unit_code:
            raise RuntimeError("printer in brand")
        return real(assessment, **kwargs)

    monkeypatch.setattr(services, "render_unit_report", render)


def refused_in_one_line(result) -> str:
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Fout: ")
    return lines[0]


def test_report_unit_writes_the_units_pdf(cli, factory, small_round, tmp_path):
    factory.assessment(factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade"), small_round)
    output = tmp_path / "rapporten" / "brigade.pdf"
    result = cli.invoke(
        args=["report", "unit", "--unit", "CLAS-13LTBRIG", "--round", "2026-1", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert f"{output}: rapport van 13 Lichte Brigade (CLAS-13LTBRIG), ronde 2026-1." in result.stdout
    assert "Volwassenheidsrapport 13 Lichte Brigade CLAS-13LTBRIG" in pdf_text(output.read_bytes())
    assert [p.name for p in output.parent.iterdir()] == ["brigade.pdf"]  # no partial file left


def test_report_round_writes_the_round_pdf(cli, factory, small_round, tmp_path):
    factory.assessment(factory.unit("CLAS-13LTBRIG"), small_round, status=AssessmentStatus.SUBMITTED)
    output = tmp_path / "ronde.pdf"
    result = cli.invoke(args=["report", "round", "--round", "2026-1", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert f"{output}: ronderapport 2026-1." in result.stdout
    assert "1 van 1 eenheden ingediend of goedgekeurd" in pdf_text(output.read_bytes())


def test_report_batch_writes_one_file_per_unit(cli, factory, small_round, tmp_path):
    codes = ["CLAS-11LMB", "CLAS-13LTBRIG", "CZSK-KM"]
    for code in codes:
        factory.assessment(factory.unit(code), small_round)
    out = tmp_path / "batch"
    result = cli.invoke(args=["report", "batch", "--round", "2026-1", "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"2026-1_{code}.pdf" for code in codes]
    assert "3 van 3 rapporten geschreven" in result.stdout
    assert all((out / f"2026-1_{code}.pdf").read_bytes().startswith(b"%PDF-") for code in codes)


def test_a_failing_unit_in_a_batch_is_reported_and_the_others_are_still_written(
    cli, factory, small_round, tmp_path, monkeypatch
):
    for code in ("CLAS-11LMB", "CLAS-13LTBRIG", "CZSK-KM"):
        factory.assessment(factory.unit(code), small_round)
    fail_for(monkeypatch, "CLAS-13LTBRIG")
    out = tmp_path / "batch"
    result = cli.invoke(args=["report", "batch", "--round", "2026-1", "--out", str(out), "--jobs", "1"])
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["2026-1_CLAS-11LMB.pdf", "2026-1_CZSK-KM.pdf"]
    assert "2 van 3 rapporten geschreven" in result.stdout
    assert result.stderr.splitlines() == [
        "Mislukt: CLAS-13LTBRIG: RuntimeError: printer in brand",
        "Fout: 1 rapport niet gemaakt; de andere staan klaar",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["unit", "--unit", "BESTAAT-NIET", "--round", "2026-1"],
            "Fout: --unit: eenheid 'BESTAAT-NIET' bestaat niet",
        ),
        (["unit", "--unit", "CLAS-13LTBRIG", "--round", "1999-9"], "Fout: ronde '1999-9' bestaat niet"),
        (
            ["unit", "--unit", "CLSK", "--round", "2026-1"],
            "Fout: eenheid CLSK doet niet mee aan ronde 2026-1",
        ),
        (["round", "--round", "1999-9"], "Fout: ronde '1999-9' bestaat niet"),
        (["batch", "--round", "1999-9"], "Fout: ronde '1999-9' bestaat niet"),
    ],
)
def test_bad_codes_get_one_line_and_no_file(cli, factory, small_round, tmp_path, args, expected):
    factory.assessment(factory.unit("CLAS-13LTBRIG"), small_round)
    factory.unit("CLSK")  # exists, but not in the round
    where = (
        ["--out", str(tmp_path / "uit")] if args[0] == "batch" else ["-o", str(tmp_path / "uit" / "x.pdf")]
    )
    result = cli.invoke(args=["report", *args, *where])
    assert refused_in_one_line(result) == expected
    assert not (tmp_path / "uit").exists()


def test_a_batch_in_two_worker_processes_writes_every_demo_units_report(scratch_database_url, tmp_path):
    # Worker processes open their own connections, so they cannot see a test transaction: this
    # test sets up a database of its own with the demo data.
    app = create_app(
        {
            "DATABASE_URL": scratch_database_url,
            "SECRET_KEY": "x",
            "REPORT_MARKING": "",
            "JOB_QUEUE": "immediate",
        }
    )
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init", "--demo"]).exit_code == 0
        with app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.code == "2026-1"))
            codes = [code for _, code, _name in report_jobs.assessments_in_scope(round_, None)]
        assert len(codes) == 16
        out = tmp_path / "batch"
        result = runner.invoke(
            args=["report", "batch", "--round", "2026-1", "--out", str(out), "--jobs", "2", "--lang", "en"]
        )
        assert result.exit_code == 0, result.output
        assert "16 van 16 rapporten geschreven" in result.stdout
        assert "2 processen" in result.stdout
        assert sorted(p.name for p in out.iterdir()) == sorted(f"2026-1_{code}.pdf" for code in codes)
        assert all(p.read_bytes().startswith(b"%PDF-") for p in out.iterdir())
        # Each worker process renders in the language asked for.
        assert {PdfReader(p).trailer["/Root"]["/Lang"] for p in out.iterdir()} == {"en"}
        assert "Management summary" in pdf_text((out / f"2026-1_{codes[0]}.pdf").read_bytes())
    finally:
        app.extensions["database"].engine.dispose()
