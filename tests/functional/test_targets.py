"""Coordinators set a unit's own target per speerpunt for a round; everyone who reads results
sees it, and every change is in the audit log."""

from __future__ import annotations

import html as html_module
import re

import pytest
from sqlalchemy import select

from assessment.audit.models import AuditEvent
from assessment.auth.models import Role
from assessment.rounds.models import RoundStatus, Target
from tests.helpers import text_of


@pytest.fixture
def world(factory):
    """Round 2026-1 (2 speerpunten, scale 1–5, default target 3) with two units; the brigade has
    answered speerpunt 1 at levels 2 and 3 (score 2,5)."""
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    brigade = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    fleet = factory.unit("CZSK-VLOOT", name="Operationele vloot")
    assessment = factory.assessment(brigade, round_)
    factory.assessment(fleet, round_)
    q1, q2 = questionnaire.themes[0].questions
    factory.answer(assessment, q1, 2)
    factory.answer(assessment, q2, 3)
    return round_, assessment


@pytest.fixture
def coordinator(factory):
    return factory.user(Role.COORDINATOR, email="coordinator@test.local")


def theme_ids(round_) -> tuple[int, int]:
    first, second = round_.questionnaire.themes
    return first.id, second.id


def selected(html: str, name: str) -> str | None:
    """The option the browser shows as chosen in the select ``name``."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name} on the page"
    for option in re.findall(r"<option[^>]*>", match.group(1)):
        if re.search(r"\sselected(\s|>|=)", option):
            value = re.search(r'value="([^"]*)"', option)
            return value.group(1) if value else None
    return None


def target_row(html: str, unit_name: str) -> list[str]:
    """The targets table's cells for one unit, as text."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0].startswith(unit_name):
            return cells
    raise AssertionError(f"no row for {unit_name}")


def own_targets(db_session, round_, unit) -> dict[int, int]:
    db_session.expire_all()
    return {
        t.theme_id: t.level
        for t in db_session.scalars(
            select(Target).where(Target.round_id == round_.id, Target.unit_id == unit.id)
        )
    }


def target_events(db_session) -> list[AuditEvent]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "target.set").order_by(AuditEvent.id)
        )
    )


def results_row(client, assessment, theme_title: str) -> dict[str, str]:
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    table = re.search(r"<caption>Cijfers per speerpunt</caption>.*?</table>", html, re.S)
    assert table
    head = target_row(table.group(0), "Speerpunt")
    row = target_row(table.group(0), theme_title)
    return dict(zip(head[1:], row[1:], strict=False))


# -- the table -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_the_targets_with_a_link_to_change_each_unit(
    client, factory, world, role
):
    client.login(factory.user(role).email)
    response = client.get("/rounds/2026-1/targets")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert target_row(html, "Standaard") == ["Standaard", "3", "3", ""]
    assert target_row(html, "13 Lichte Brigade") == [
        "13 Lichte Brigade CLAS-13LTBRIG",
        "3",
        "3",
        "Aanpassen voor 13 Lichte Brigade",
    ]
    assert 'href="/rounds/2026-1/targets/CLAS-13LTBRIG"' in html
    assert 'href="/rounds/2026-1/targets/CZSK-VLOOT"' in html


def test_a_lead_reads_the_targets_but_has_no_link_to_change_them(client, factory, world, db_session):
    round_, assessment = world
    db_session.add(
        Target(round_id=round_.id, unit_id=assessment.unit_id, theme_id=theme_ids(round_)[1], level=5)
    )
    db_session.commit()
    client.login(factory.user(Role.LEAD).email)
    response = client.get("/rounds/2026-1/targets")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert target_row(html, "13 Lichte Brigade") == [
        "13 Lichte Brigade CLAS-13LTBRIG",
        "3",
        "5* (eigen doel)",
    ]
    assert target_row(html, "Operationele vloot") == ["Operationele vloot CZSK-VLOOT", "3", "3"]
    assert "Aanpassen" not in text_of(response)
    assert "/rounds/2026-1/targets/" not in html


def test_a_representative_may_not_open_the_targets_table(client, factory, world):
    _, assessment = world
    rep = factory.user(Role.REPRESENTATIVE, units=[assessment.unit])
    client.login(rep.email)
    assert client.get("/rounds/2026-1/targets").status_code == 403
    assert client.get("/rounds/2026-1/targets/CLAS-13LTBRIG").status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    for url in ("/rounds/2026-1/targets", "/rounds/2026-1/targets/CLAS-13LTBRIG"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_an_unknown_round_or_a_unit_outside_the_round_is_404(client, factory, world, coordinator):
    factory.unit("CLSK", name="Commando Luchtstrijdkrachten")  # not in round 2026-1
    client.login(coordinator.email)
    assert client.get("/rounds/1999-9/targets").status_code == 404
    assert client.get("/rounds/2026-1/targets/CLSK").status_code == 404
    assert client.get("/rounds/2026-1/targets/BESTAAT-NIET").status_code == 404


# -- a unit's own targets ----------------------------------------------------------------------------


def test_the_form_is_filled_in_with_the_rounds_default(client, world, coordinator):
    round_, _ = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    response = client.get("/rounds/2026-1/targets/CLAS-13LTBRIG")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert selected(html, f"theme_{first}") == "3"
    assert selected(html, f"theme_{second}") == "3"
    assert "Standaard in deze ronde: 3." in text_of(response)


def test_a_different_level_becomes_the_units_own_target_and_its_results_show_it(
    client, other_client, factory, world, coordinator, db_session
):
    round_, assessment = world
    first, second = theme_ids(round_)
    rep = factory.user(Role.REPRESENTATIVE, units=[assessment.unit])
    other_client.login(rep.email)
    before = results_row(other_client, assessment, "1. Thema 1")
    assert (before["Doel"], before["Afstand tot doel"]) == ("3", "0,5")

    client.login(coordinator.email)
    url = "/rounds/2026-1/targets/CLAS-13LTBRIG"
    response = client.submit(url, {f"theme_{first}": "5", f"theme_{second}": "3"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/rounds/2026-1/targets"
    table = client.get("/rounds/2026-1/targets")
    assert "Doelen van 13 Lichte Brigade opgeslagen (1 gewijzigd)." in text_of(table)
    assert target_row(table.get_data(as_text=True), "13 Lichte Brigade")[1:3] == ["5* (eigen doel)", "3"]
    assert own_targets(db_session, round_, assessment.unit) == {first: 5}

    after = results_row(other_client, assessment, "1. Thema 1")
    assert (after["Score"], after["Doel"], after["Afstand tot doel"]) == ("2,5", "5", "2,5")
    assert selected(client.get(url).get_data(as_text=True), f"theme_{first}") == "5"


def test_each_change_is_written_to_the_audit_log_with_old_and_new_per_speerpunt(
    client, world, coordinator, db_session
):
    round_, _ = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    url = "/rounds/2026-1/targets/CLAS-13LTBRIG"
    client.submit(url, {f"theme_{first}": "5", f"theme_{second}": "2"})
    client.submit(url, {f"theme_{first}": "4", f"theme_{second}": "2"})
    events = target_events(db_session)
    assert [(e.object_type, e.object_id, e.old, e.new) for e in events] == [
        ("targets", "2026-1/CLAS-13LTBRIG", {"thema-1": 3, "thema-2": 3}, {"thema-1": 5, "thema-2": 2}),
        ("targets", "2026-1/CLAS-13LTBRIG", {"thema-1": 5}, {"thema-1": 4}),
    ]
    assert {e.actor_email for e in events} == {"coordinator@test.local"}


def test_saving_the_default_again_removes_the_units_own_target(client, world, coordinator, db_session):
    round_, assessment = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    url = "/rounds/2026-1/targets/CLAS-13LTBRIG"
    client.submit(url, {f"theme_{first}": "5", f"theme_{second}": "3"})
    assert own_targets(db_session, round_, assessment.unit) == {first: 5}

    response = client.submit(url, {f"theme_{first}": "3", f"theme_{second}": "3"})
    assert response.status_code == 302
    assert own_targets(db_session, round_, assessment.unit) == {}
    assert target_events(db_session)[-1].old == {"thema-1": 5}
    assert target_events(db_session)[-1].new == {"thema-1": 3}
    assert (
        target_row(client.get("/rounds/2026-1/targets").get_data(as_text=True), "13 Lichte Brigade")[1] == "3"
    )


def test_saving_without_a_change_writes_nothing(client, world, coordinator, db_session):
    round_, _ = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    response = client.submit(
        "/rounds/2026-1/targets/CLAS-13LTBRIG", {f"theme_{first}": "3", f"theme_{second}": "3"}
    )
    assert response.status_code == 302
    assert "Er was niets gewijzigd." in text_of(client.get("/rounds/2026-1/targets"))
    assert target_events(db_session) == []


@pytest.mark.parametrize("level", ["0", "6", "drie", ""])
def test_a_level_outside_the_scale_is_refused_and_nothing_stored(
    client, world, coordinator, db_session, level
):
    round_, assessment = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    response = client.submit(
        "/rounds/2026-1/targets/CLAS-13LTBRIG", {f"theme_{first}": level, f"theme_{second}": "4"}
    )
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in text_of(response)
    assert own_targets(db_session, round_, assessment.unit) == {}
    assert target_events(db_session) == []


def test_a_post_without_csrf_token_is_refused_and_nothing_stored(client, world, coordinator, db_session):
    round_, assessment = world
    first, second = theme_ids(round_)
    client.login(coordinator.email)
    response = client.post(
        "/rounds/2026-1/targets/CLAS-13LTBRIG", data={f"theme_{first}": "5", f"theme_{second}": "3"}
    )
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in text_of(response)
    assert own_targets(db_session, round_, assessment.unit) == {}
    assert target_events(db_session) == []


def test_the_targets_of_a_closed_round_cannot_be_changed(client, world, coordinator, db_session):
    round_, assessment = world
    first, second = theme_ids(round_)
    round_.status = RoundStatus.CLOSED
    db_session.commit()
    client.login(coordinator.email)
    overview = text_of(client.get("/rounds/2026-1/targets"))
    assert "Deze ronde is gesloten: de doelen liggen vast." in overview
    assert "Aanpassen" not in overview
    opened = client.get("/rounds/2026-1/targets/CLAS-13LTBRIG", follow_redirects=True)
    assert "Ronde 2026-1 is gesloten: de doelen liggen vast." in text_of(opened)
    response = client.submit(
        "/rounds/2026-1/targets/CLAS-13LTBRIG", {f"theme_{first}": "5", f"theme_{second}": "3"}, page="/"
    )
    assert response.status_code == 302
    assert own_targets(db_session, round_, assessment.unit) == {}
    assert target_events(db_session) == []


def test_a_lead_cannot_change_targets_even_with_a_valid_token(client, factory, world, db_session):
    round_, assessment = world
    first, second = theme_ids(round_)
    client.login(factory.user(Role.LEAD).email)
    response = client.submit(
        "/rounds/2026-1/targets/CLAS-13LTBRIG", {f"theme_{first}": "5", f"theme_{second}": "3"}, page="/"
    )
    assert response.status_code == 403
    assert own_targets(db_session, round_, assessment.unit) == {}
    assert target_events(db_session) == []
