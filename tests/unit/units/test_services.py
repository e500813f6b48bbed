"""Importing units from a ``code;name;kind;parent_code`` file: every problem named by its line,
all or nothing, and a second run changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import db
from assessment.audit.models import AuditEvent
from assessment.units.models import Unit
from assessment.units.services import (
    ImportResult,
    UnitImportError,
    UnitRow,
    import_units,
    parse_unit_csv,
)

pytestmark = pytest.mark.usefixtures("app_ctx")

SOURCE = "eenheden.csv"

TREE = """code;name;kind;parent_code
CLAS;Commando Landstrijdkrachten;commando;
CLAS-11LMB;11 Luchtmobiele Brigade;brigade;CLAS
CLAS-13LTBRIG;13 Lichte Brigade;brigade;CLAS
CZSK;Commando Zeestrijdkrachten;commando;
"""


def parse(text: str) -> list[UnitRow]:
    return parse_unit_csv(text.encode("utf-8"), source=SOURCE)


def load(text: str) -> ImportResult:
    """What ``assessment unit import`` does: parse, then import."""
    return import_units(parse(text), source=SOURCE)


def messages_for(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(UnitImportError) as caught:
        import_units(parse_unit_csv(data, source=SOURCE), source=SOURCE)
    return caught.value.messages


def units() -> dict[str, tuple[str, str, str | None]]:
    """{code: (name, kind, parent code)} as stored."""
    db.session.expire_all()
    return {
        unit.code: (unit.name, unit.kind, unit.parent.code if unit.parent else None)
        for unit in db.session.scalars(select(Unit))
    }


def import_events() -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == "unit.import")) or 0


# -- reading the file ---------------------------------------------------------------------------


def test_a_file_is_read_into_rows_that_know_their_line():
    rows = parse(TREE)
    assert rows[0] == UnitRow(2, "CLAS", "Commando Landstrijdkrachten", "commando", None)
    assert rows[1] == UnitRow(3, "CLAS-11LMB", "11 Luchtmobiele Brigade", "brigade", "CLAS")
    assert [row.line for row in rows] == [2, 3, 4, 5]


def test_codes_are_trimmed_and_upper_case_and_a_header_blank_lines_and_a_bom_are_skipped():
    data = "\ufeffcode;name;kind;parent_code\r\n\r\n  clas-13ltbrig ; 13 Lichte Brigade ;brigade; clas \r\n"
    (row,) = parse_unit_csv(data.encode("utf-8"), source=SOURCE)
    assert row == UnitRow(3, "CLAS-13LTBRIG", "13 Lichte Brigade", "brigade", "CLAS")


def test_a_file_without_header_starts_at_line_one():
    (row,) = parse("CZSK;Commando Zeestrijdkrachten;commando;\n")
    assert row.line == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("CZSK;Commando Zeestrijdkrachten;commando", "regel 3: 3 kolommen, verwacht 4"),
        ("CZSK;Commando;commando;;extra", "regel 3: 5 kolommen, verwacht 4"),
        ("CZSK,Commando Zeestrijdkrachten,commando,", "regel 3: 1 kolommen, verwacht 4"),
        (";Naamloos;eenheid;", "regel 3: code is leeg"),
        ("CZ SK;Spatie;eenheid;", "regel 3: code 'CZ SK' mag alleen A–Z, 0–9, - en _ bevatten"),
        ("X" * 41 + ";Lang;eenheid;", "(hoogstens 40 tekens)"),
        ("CZSK;;commando;", "regel 3: name is leeg"),
        ("CZSK;" + "n" * 201 + ";commando;", "regel 3: name is langer dan 200 tekens"),
        ("CZSK;Commando;;", "regel 3: kind is leeg"),
        ("CLAS;Nog eens;commando;", "regel 3: code 'CLAS' staat ook al op regel 2"),
        ("clas-11lmb;Eigen ouder;brigade;CLAS-11LMB", "regel 3: een eenheid kan niet haar eigen"),
    ],
)
def test_a_bad_line_is_named_with_its_number(line, message):
    (found,) = messages_for(
        f"code;name;kind;parent_code\nCLAS;Commando Landstrijdkrachten;commando;\n{line}\n"
    )
    assert found.startswith(f"{SOURCE}, regel 3: ")
    assert message in found


def test_every_bad_line_is_reported_at_once_and_nothing_is_stored():
    before = units()
    found = messages_for(
        "code;name;kind;parent_code\n"
        "CLAS;Commando Landstrijdkrachten;commando;\n"
        ";Naamloos;eenheid;\n"
        "CZSK;Commando Zeestrijdkrachten;commando;\n"
        "KMAR;Koninklijke Marechaussee\n"
    )
    assert [message.split(":")[0] for message in found] == [f"{SOURCE}, regel 3", f"{SOURCE}, regel 5"]
    assert units() == before


def test_a_file_that_is_not_utf8_is_refused_in_one_line():
    (found,) = messages_for("CZSK;Zeestrijdkr\u00e4fte;commando;\n".encode("latin-1"))
    assert found.startswith(f"{SOURCE}: het bestand is geen UTF-8")


# -- storing ------------------------------------------------------------------------------------


def test_importing_builds_the_tree():
    assert load(TREE) == ImportResult(created=4, updated=0, unchanged=0)
    assert units() == {
        "CLAS": ("Commando Landstrijdkrachten", "commando", None),
        "CLAS-11LMB": ("11 Luchtmobiele Brigade", "brigade", "CLAS"),
        "CLAS-13LTBRIG": ("13 Lichte Brigade", "brigade", "CLAS"),
        "CZSK": ("Commando Zeestrijdkrachten", "commando", None),
    }


def test_a_child_may_come_before_its_parent_in_the_file():
    load("CLAS-13LTBRIG;13 Lichte Brigade;brigade;CLAS\nCLAS;Commando Landstrijdkrachten;commando;\n")
    assert units()["CLAS-13LTBRIG"][2] == "CLAS"


def test_a_parent_may_be_a_unit_that_is_already_stored(factory):
    factory.unit("DMO", name="Defensie Materieel Organisatie", kind="commando")
    load("DMO-COMMIT;Joint IV Commando;eenheid;DMO\n")
    assert units()["DMO-COMMIT"] == ("Joint IV Commando", "eenheid", "DMO")


def test_importing_the_same_file_twice_changes_nothing():
    load(TREE)
    first = units()
    assert load(TREE) == ImportResult(created=0, updated=0, unchanged=4)
    assert units() == first
    assert import_events() == 1  # the second run did nothing worth recording


def test_a_changed_name_kind_or_parent_is_updated():
    load(TREE)
    changed = TREE.replace("13 Lichte Brigade;brigade;CLAS", "13 Lichte Brigade;eenheid;CZSK").replace(
        "11 Luchtmobiele Brigade", "11 Luchtmobiele Brigade (Air Assault)"
    )
    assert load(changed) == ImportResult(created=0, updated=2, unchanged=2)
    assert units()["CLAS-13LTBRIG"] == ("13 Lichte Brigade", "eenheid", "CZSK")
    assert units()["CLAS-11LMB"][0] == "11 Luchtmobiele Brigade (Air Assault)"
    assert import_events() == 2


def test_an_unknown_parent_is_named_by_its_line_and_nothing_of_the_file_is_stored():
    found = messages_for(TREE + "KMAR-BRIG;Brigade;brigade;KMAR\n")
    assert found == [
        f"{SOURCE}, regel 6: bovenliggende eenheid 'KMAR' bestaat niet (niet in het bestand en niet in de database)"
    ]
    assert units() == {}
    assert import_events() == 0


def test_a_circle_of_parents_is_refused_and_nothing_is_stored():
    found = messages_for("A;Een;eenheid;B\nB;Twee;eenheid;C\nC;Drie;eenheid;A\nD;Vier;eenheid;\n")
    assert found[0].startswith(f"{SOURCE}, regel 1: 'A' komt via 'B' weer bij zichzelf uit")
    assert len(found) == 3
    assert units() == {}


def test_a_file_that_closes_a_circle_through_stored_units_is_refused():
    load(TREE)
    found = messages_for("CLAS;Commando Landstrijdkrachten;commando;CLAS-11LMB\n")
    assert found == [f"{SOURCE}, regel 1: 'CLAS' komt via 'CLAS-11LMB' weer bij zichzelf uit (een kring)"]
    assert units()["CLAS"][2] is None
