"""An analyst reads the same figures from the JSON API as the pages show, with the same access
rules; every answer matches the OpenAPI description the API serves at /api/v1/openapi.json."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from assessment import db
from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import ApiToken, User
from assessment.auth.services import issue_token, revoke_token
from assessment.formatting import decimal
from tests.functional.test_compare import (
    COUNTED,
    add_unit,
    build_world,
    plain,
    table_by_first_cell,
)

API = "/api/v1"
SPEC = "urn:dts:api:openapi"

# One request per path of the OpenAPI description: the path as described → a real URL.
EXAMPLES = {
    "/rounds": lambda world: f"{API}/rounds",
    "/rounds/{code}/scores": lambda world: f"{API}/rounds/2026-1/scores",
    "/assessments/{id}": lambda world: f"{API}/assessments/{world.assessments['CLSK'].id}",
    "/rounds/{code}/benchmark": lambda world: f"{API}/rounds/2026-1/benchmark",
}


@pytest.fixture
def world(factory, db_session):
    """The comparison world, with what the formats in the description can check: round dates,
    a submission time, and an n.v.t. answer (level null) in the draft of CLSK."""
    world = build_world(factory, db_session)
    world.round.opens_on, world.round.closes_on = dt.date(2026, 1, 12), dt.date(2026, 3, 31)
    world.assessments["CLAS"].submitted_at = dt.datetime(2026, 2, 2, 9, 30, tzinfo=dt.UTC)
    db_session.commit()
    factory.answer(
        world.assessments["CLSK"], world.questions()[2], None, not_applicable=True, comment="n.v.t."
    )
    return world


@pytest.fixture
def lead(client, world):
    client.login(world.users["lead"].email)
    return client


# -- the OpenAPI description ----------------------------------------------------------------------


def _date_time(value: object) -> bool:
    """RFC 3339: a full date and time with its offset (jsonschema checks it only with an extra
    package installed, so the test brings its own)."""
    if not isinstance(value, str):
        return True
    return dt.datetime.fromisoformat(value).tzinfo is not None and "T" in value


FORMATS = FormatChecker()
FORMATS.checks("date-time", raises=ValueError)(_date_time)


def described(client) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def errors_against(document: dict, location: str, body: object) -> list[str]:
    """The ways ``body`` differs from the schema at ``location`` (a JSON pointer in the document)."""
    registry = Registry().with_resource(
        SPEC, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{SPEC}#{location}"}, registry=registry, format_checker=FORMATS
    )
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def assert_described(document: dict, path: str, response) -> None:
    """The response's status is described for the operation, and its body fits that schema;
    an error body fits #/components/schemas/Error as well."""
    status = str(response.status_code)
    responses = document["paths"][path]["get"]["responses"]
    assert status in responses, f"GET {path} answers {status}, which the description does not list"
    assert response.mimetype == "application/json"
    body = response.get_json()
    location = pointer("paths", path, "get", "responses", status, "content", "application/json", "schema")
    assert errors_against(document, location, body) == []
    if response.status_code >= 400:
        assert_error(document, response)


def assert_error(document: dict, response, status: int | None = None) -> str:
    """The body is an Error as described (status and message); returns the message."""
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert errors_against(document, "/components/schemas/Error", body) == []
    assert body["status"] == (status or response.status_code)
    assert body["message"].strip()
    return body["message"]


@pytest.mark.parametrize("path", list(EXAMPLES))
def test_every_endpoint_answers_as_its_openapi_description_says(lead, world, path):
    document = described(lead)
    response = lead.get(EXAMPLES[path](world))
    assert response.status_code == 200
    assert_described(document, path, response)


def test_every_path_in_the_description_is_exercised_and_every_api_route_is_described(app, client):
    document = described(client)
    assert set(document["paths"]) == set(EXAMPLES)
    assert document["servers"] == [{"url": API}]

    def shape(path: str) -> str:
        return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)

    routes = {
        shape(rule.rule.removeprefix(API))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/") and "GET" in rule.methods
    }
    routes -= {"/openapi.json", "/{}"}  # the description itself, and the JSON 404 for the rest
    assert routes == {shape(path) for path in document["paths"]}


def test_the_description_and_its_schemas_are_themselves_valid(client):
    document = described(client)
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in document["paths"].items():
        for status, response in item["get"]["responses"].items():
            assert response["description"], (path, status)
            assert "schema" in response["content"]["application/json"], (path, status)


def test_scores_filtered_by_status_still_match_the_description(lead, world):
    document = described(lead)
    response = lead.get(f"{API}/rounds/2026-1/scores?status=submitted&status=approved")
    assert_described(document, "/rounds/{code}/scores", response)
    assert sorted(u["unit"]["code"] for u in response.get_json()["units"]) == sorted(COUNTED)
    everything = lead.get(f"{API}/rounds/2026-1/scores").get_json()
    assert sorted(u["unit"]["code"] for u in everything["units"]) == sorted([*COUNTED, "CLSK"])


def test_an_unknown_status_is_a_400_with_a_message(lead, world):
    document = described(lead)
    response = lead.get(f"{API}/rounds/2026-1/scores?status=klaar")
    assert response.status_code == 400
    assert_described(document, "/rounds/{code}/scores", response)
    assert "Onbekende status" in response.get_json()["message"]


# -- who may read ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(EXAMPLES))
def test_an_anonymous_request_gets_401_as_json(client, world, path):
    document = described(client)
    response = client.get(EXAMPLES[path](world))
    assert response.status_code == 401
    assert_described(document, path, response)
    assert "API-token" in response.get_json()["message"]


def test_a_logged_in_session_reads_the_api(client, world):
    client.login(world.users["coordinator"].email)
    assert client.get(f"{API}/rounds/2026-1/scores").status_code == 200


def issue(app, user: User, name: str = "Power BI staf CLAS") -> str:
    """A token issued by the service, as an admin would (its own app context and commit)."""
    with app.app_context():
        _token, secret = issue_token(db.session.get(User, user.id), name)
        db.session.commit()
    return secret


def revoke(app, secret: str) -> None:
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:12]))
        revoke_token(token)
        db.session.commit()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_bearer_token_reads_the_api_with_its_owners_rights(app, client, world, db_session):
    secret = issue(app, world.users["lead"])
    response = client.get(f"{API}/rounds/2026-1/scores", headers=bearer(secret))
    assert response.status_code == 200
    assert sorted(u["unit"]["code"] for u in response.get_json()["units"]) == sorted([*COUNTED, "CLSK"])
    db_session.expire_all()
    token = db_session.scalar(select(ApiToken).where(ApiToken.prefix == secret[:12]))
    assert token.last_used_at is not None


def test_a_token_works_beside_a_cookie_from_the_login_page(app, client, world):
    secret = issue(app, world.users["lead"])
    client.get("/login")  # the session now holds a CSRF token, but nobody is logged in
    response = client.get(f"{API}/rounds/2026-1/scores", headers=bearer(secret))
    assert response.status_code == 200
    assert client.get("/").status_code == 302  # and the browser is still not logged in


def test_a_revoked_token_no_longer_works(app, client, world):
    secret = issue(app, world.users["lead"])
    assert client.get(f"{API}/rounds", headers=bearer(secret)).status_code == 200
    revoke(app, secret)
    response = client.get(f"{API}/rounds", headers=bearer(secret))
    assert response.status_code == 401
    assert_error(described(client), response)


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer dts_{secrets.token_urlsafe(32)}",  # the right form, but never issued
        "Bearer not-a-token",
        "Bearer ",
        "Basic bGVhZEB0ZXN0LmxvY2FsOmNvcnJlY3QtaG9yc2UtYmF0dGVyeS1zdGFwbGU=",
    ],
)
def test_an_unknown_token_gets_401(app, client, world, header):
    issue(app, world.users["lead"])  # a token exists, but not this one
    response = client.get(f"{API}/rounds", headers={"Authorization": header})
    assert response.status_code == 401
    assert_error(described(client), response)


def test_the_token_of_a_deactivated_account_gets_401(app, client, world, db_session):
    lead = world.users["lead"]
    secret = issue(app, lead)
    lead.is_active = False
    db_session.commit()
    response = client.get(f"{API}/rounds", headers=bearer(secret))
    assert response.status_code == 401


def test_a_token_does_not_log_in_on_the_pages(app, client, world):
    secret = issue(app, world.users["admin"])
    for url in ("/", "/compare/2026-1", "/api-tokens"):
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/login", url
    # Nor does an API call with it leave a logged-in session behind in the browser.
    assert client.get(f"{API}/rounds", headers=bearer(secret)).status_code == 200
    assert client.get("/").status_code == 302
    assert client.get(f"{API}/rounds").status_code == 401


def test_a_representative_reads_rounds_the_benchmark_and_his_own_assessment_only(client, world):
    document = described(client)
    client.login(world.users["rep"].email)  # 13 Lichte Brigade
    rounds = client.get(f"{API}/rounds")
    assert rounds.status_code == 200
    assert_described(document, "/rounds", rounds)
    assert client.get(f"{API}/rounds/2026-1/benchmark").status_code == 200

    scores = client.get(f"{API}/rounds/2026-1/scores")
    assert scores.status_code == 403
    assert_described(document, "/rounds/{code}/scores", scores)

    own = client.get(f"{API}/assessments/{world.assessments['CLAS-13'].id}")
    assert own.status_code == 200
    assert own.get_json()["unit"]["code"] == "CLAS-13"

    other = client.get(f"{API}/assessments/{world.assessments['CLAS-11'].id}")
    assert other.status_code == 404
    assert_described(document, "/assessments/{id}", other)
    assert "11 Luchtmobiele" not in other.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/rounds/{code}/scores", "/rounds/{code}/benchmark"])
def test_an_unknown_round_is_a_404_with_a_dutch_message(lead, world, path):
    document = described(lead)
    response = lead.get(API + path.replace("{code}", "1999-9"))
    assert response.status_code == 404
    assert_described(document, path, response)
    assert response.get_json()["message"] == "Ronde '1999-9' bestaat niet."


@pytest.mark.parametrize("header", [{}, {"Accept-Language": "en-GB,en;q=0.9"}])
def test_the_api_speaks_english_with_lang_or_accept_language(lead, world, header):
    query = "" if header else "?lang=en"
    benchmark = lead.get(f"{API}/rounds/2026-1/benchmark{query}", headers=header).get_json()
    assert [t["title"] for t in benchmark["themes"]] == ["Theme 1", "Theme 2", "Theme 3"]
    missing = lead.get(f"{API}/rounds/1999-9/scores{query}", headers=header)
    assert missing.status_code == 404
    assert missing.get_json()["message"] == "Round '1999-9' does not exist."


def test_the_api_ignores_the_language_chosen_on_the_pages(lead, world):
    lead.submit("/taal", {"language": "en", "next": "/"}, page="/")
    assert "Thema 1" in [t["title"] for t in lead.get(f"{API}/rounds/2026-1/benchmark").get_json()["themes"]]
    assert '<html lang="en">' in lead.get("/compare/2026-1").text


def test_the_openapi_description_documents_the_language(client):
    document = client.get(f"{API}/openapi.json").get_json()
    assert "Accept-Language" in document["info"]["description"]
    for path, item in document["paths"].items():
        names = {p["name"] for p in item["get"].get("parameters", [])}
        assert {"lang", "Accept-Language"} <= names, path


@pytest.mark.parametrize("url", [f"{API}/assessments/999999", f"{API}/assessments/abc"])
def test_an_unknown_assessment_is_a_404_as_json(lead, world, url):
    response = lead.get(url)
    assert response.status_code == 404
    assert_error(described(lead), response)


@pytest.mark.parametrize("url", [f"{API}/x", f"{API}/rounds/2026-1/nothing", "/api/v2/rounds"])
def test_an_unknown_api_address_is_a_404_as_json(client, world, url):
    response = client.get(url)
    assert response.status_code == 404
    assert_error(described(client), response)


# -- the same numbers as the pages ----------------------------------------------------------------


def results_page(client, assessment_id: int) -> tuple[str, dict[str, str]]:
    """The results page's total score and its score per speerpunt, as printed."""
    html = client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    headline = re.search(r'<ul class="headline".*?</ul>', html, re.S)
    assert headline, "no headline on the results page"
    total = re.match(r"(\S+) Totaalscore", plain(headline.group(0)))
    assert total, plain(headline.group(0))
    rows = table_by_first_cell(html, "Cijfers per speerpunt")
    score = rows["Speerpunt"].index("Score")
    return total.group(1), {title: cells[score] for title, cells in rows.items() if title != "Speerpunt"}


def test_the_api_gives_each_unit_the_scores_of_its_results_page(lead, world):
    units = {u["unit"]["code"]: u for u in lead.get(f"{API}/rounds/2026-1/scores").get_json()["units"]}
    for code in [*COUNTED, "CLSK"]:
        total, themes = results_page(lead, world.assessments[code].id)
        listed = units[code]
        one = lead.get(f"{API}/assessments/{world.assessments[code].id}").get_json()
        assert decimal(listed["score"]) == decimal(one["score"]) == total, code
        for number, (theme, theme_of_one) in enumerate(zip(listed["themes"], one["themes"], strict=True), 1):
            title = f"{number}. {theme['title']}"
            assert decimal(theme["score"]) == decimal(theme_of_one["score"]) == themes[title], (code, title)


def test_scores_have_one_decimal_as_on_the_pages(lead, world):
    clas_11 = next(
        u
        for u in lead.get(f"{API}/rounds/2026-1/scores").get_json()["units"]
        if u["unit"]["code"] == "CLAS-11"
    )
    # 5,0 · 4,5 · 2,0 → 11,5 / 3 = 3,833…
    assert clas_11["score"] == 3.8
    assert [t["score"] for t in clas_11["themes"]] == [5.0, 4.5, 2.0]
    assert [t["gap"] for t in clas_11["themes"]] == [0.0, 0.0, 1.0]
    assert clas_11["status"] == "approved"
    assert clas_11["completeness"] == 1.0


def test_an_assessment_has_its_answers_with_numbers_levels_and_toelichting(lead, world):
    body = lead.get(f"{API}/assessments/{world.assessments['CLSK'].id}").get_json()
    assert body["status"] == "draft"
    assert body["round"]["code"] == "2026-1"
    assert [(a["number"], a["level"], a["not_applicable"]) for a in body["answers"]] == [
        ("1.1", 5, False),
        ("1.2", 5, False),
        ("2.1", None, True),
    ]
    assert body["answers"][2]["comment"] == "n.v.t."
    assert body["completeness"] == 0.5


# -- benchmark ------------------------------------------------------------------------------------


def test_the_benchmark_gives_the_distribution_of_submitted_and_approved_units(lead, world):
    body = lead.get(f"{API}/rounds/2026-1/benchmark").get_json()
    assert body["assessments"] == 4  # the draft of CLSK does not count
    assert body["minimum_units"] == 3
    assert body["overall"] == {"n": 4, "min": 2.2, "q1": 2.5, "median": 2.8, "q3": 3.2, "max": 3.8}
    first = body["themes"][0]
    # Speerpunt 1: 1,0 2,5 3,5 5,0 → Q1 2,125, median 3,0, Q3 3,875 (see test_compare).
    assert {k: v for k, v in first.items() if k not in ("title", "capabilities")} == {
        "key": "thema-1",
        "n": 4,
        "min": 1.0,
        "q1": 2.1,
        "median": 3.0,
        "q3": 3.9,
        "max": 5.0,
    }
    assert [c["key"] for c in first["capabilities"]] == ["cap-1-1", "cap-1-2"]
    assert first["capabilities"][0]["median"] == 2.5  # answers 2, 5, 1, 3 → (2 + 3) / 2


@pytest.mark.parametrize("role", ["rep", "lead", "coordinator", "admin"])
def test_only_who_reads_every_unit_gets_the_lowest_and_highest_score(client, world, role):
    """A minimum or maximum is one unit's own score; a representative sees the median and the
    quartiles (from three units on), as on his results page."""
    client.login(world.users[role].email)
    document = described(client)
    response = client.get(f"{API}/rounds/2026-1/benchmark")
    assert_described(document, "/rounds/{code}/benchmark", response)
    body = response.get_json()
    scopes = [body["overall"], *body["themes"], *(c for t in body["themes"] for c in t["capabilities"])]
    if role == "rep":
        assert body["overall"] == {"n": 4, "min": None, "q1": 2.5, "median": 2.8, "q3": 3.2, "max": None}
        assert all(scope["min"] is None and scope["max"] is None for scope in scopes)
        assert all(scope["median"] is not None for scope in scopes)
    else:
        assert body["overall"] == {"n": 4, "min": 2.2, "q1": 2.5, "median": 2.8, "q3": 3.2, "max": 3.8}
        assert all(scope["min"] is not None and scope["max"] is not None for scope in scopes)


def test_with_fewer_than_three_counted_units_the_benchmark_gives_only_the_count(client, world, factory):
    quiet = factory.round(world.questionnaire, code="2026-2")
    for code in ("CLAS", "CZSK"):
        assessment = factory.assessment(world.units[code], quiet, status=AssessmentStatus.SUBMITTED)
        for question in world.questions():
            factory.answer(assessment, question, 4)
    factory.assessment(world.units["CLAS-13"], quiet, status=AssessmentStatus.DRAFT)
    client.login(world.users["lead"].email)
    document = described(client)
    response = client.get(f"{API}/rounds/2026-2/benchmark")
    assert_described(document, "/rounds/{code}/benchmark", response)
    body = response.get_json()
    assert body["assessments"] == 2
    empty = {"min": None, "q1": None, "median": None, "q3": None, "max": None}
    assert body["overall"] == {"n": 2, **empty}
    for theme in body["themes"]:
        assert {k: theme[k] for k in ("n", *empty)} == {"n": 2, **empty}
        for capability in theme["capabilities"]:
            assert {k: capability[k] for k in ("n", *empty)} == {"n": 2, **empty}


def test_a_unit_added_to_the_round_changes_the_benchmark(client, world, factory):
    add_unit(factory, world, "KMAR", "Koninklijke Marechaussee", AssessmentStatus.SUBMITTED, [5] * 6)
    client.login(world.users["lead"].email)
    body = client.get(f"{API}/rounds/2026-1/benchmark").get_json()
    # Totals 13/6, 16/6, 18/6, 23/6 and 5: the median is the middle one, 3,0.
    assert body["overall"]["n"] == 5
    assert body["overall"]["median"] == 3.0
    assert body["overall"]["max"] == 5.0
