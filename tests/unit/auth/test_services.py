"""Accounts: creating a user and checking a password, called directly."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from assessment import db
from assessment.audit.models import AuditEvent
from assessment.auth import services
from assessment.auth.models import Role, User
from assessment.auth.passwords import verify_password
from assessment.auth.services import UserError, authenticate, create_user, hash_password

pytestmark = pytest.mark.usefixtures("app_ctx")

PASSWORD = "lang-genoeg-wachtwoord"


@pytest.fixture
def unit_codes(factory) -> list[str]:
    factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    factory.unit("CZSK", name="Commando Zeestrijdkrachten")
    return ["CLAS-13LTBRIG", "CZSK"]


def make_user(**overrides) -> User:
    arguments = {
        "email": "piet@defensie.nl",
        "display_name": "Piet Jansen",
        "role": Role.LEAD,
        "password": PASSWORD,
    } | overrides
    return create_user(**arguments)


# -- create_user --------------------------------------------------------------------------------


def test_a_new_user_gets_a_salted_argon2id_hash_never_the_password(unit_codes):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, PASSWORD) == (True, False)
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # a fresh salt every time


def test_the_email_address_is_stored_in_lower_case_and_the_name_trimmed():
    user = make_user(email="  Piet.Jansen@MinDef.NL ", display_name="  Piet Jansen ")
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.email == "piet.jansen@mindef.nl"
    assert stored.display_name == "Piet Jansen"
    assert stored.is_active


def test_a_representative_is_linked_to_the_units_given_by_code_in_any_case(unit_codes):
    user = make_user(role=Role.REPRESENTATIVE, unit_codes=["clas-13ltbrig", " CZSK "])
    assert [unit.code for unit in user.units] == ["CLAS-13LTBRIG", "CZSK"]


def test_creating_a_user_is_recorded_without_the_password(unit_codes):
    user = make_user(role=Role.REPRESENTATIVE, unit_codes=["CZSK"])
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.create", AuditEvent.object_id == str(user.id))
    )
    assert event.new == {"email": "piet@defensie.nl", "role": "representative", "units": ["CZSK"]}
    assert PASSWORD not in json.dumps([event.old, event.new])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "geen-adres"}, "'geen-adres' is geen geldig e-mailadres"),
        ({"email": "@defensie.nl"}, "geen geldig e-mailadres"),
        ({"email": "piet@"}, "geen geldig e-mailadres"),
        ({"email": "BESTAAT@defensie.nl"}, "er is al een account met e-mailadres bestaat@defensie.nl"),
        ({"display_name": "   "}, "de naam mag niet leeg zijn"),
        ({"password": "elf tekens!"}, "het wachtwoord moet minstens 12 tekens hebben"),
        ({"unit_codes": ["BESTAATNIET"]}, "eenheid 'BESTAATNIET' bestaat niet"),
        ({"role": Role.REPRESENTATIVE}, "een eenheidsvertegenwoordiger moet minstens één eenheid hebben"),
    ],
    ids=["no @", "nothing before @", "nothing after @", "taken", "no name", "short", "no unit", "rep alone"],
)
def test_a_user_that_cannot_be_made_is_refused_with_a_reason(unit_codes, overrides, message):
    make_user(email="bestaat@defensie.nl")
    with pytest.raises(UserError, match=message):
        make_user(**overrides)
    db.session.expire_all()
    assert db.session.scalars(select(User.email)).all() == ["bestaat@defensie.nl"]


# -- authenticate -------------------------------------------------------------------------------


def test_the_right_password_gives_the_user_and_notes_the_login():
    user = make_user()
    assert user.last_login_at is None
    assert authenticate("piet@defensie.nl", PASSWORD) is user
    assert user.last_login_at is not None


@pytest.mark.parametrize("typed", ["PIET@DEFENSIE.NL", " Piet@Defensie.nl "])
def test_the_email_address_is_not_case_sensitive(typed):
    user = make_user()
    assert authenticate(typed, PASSWORD) is user


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("piet@defensie.nl", "verkeerd-wachtwoord"),
        ("piet@defensie.nl", PASSWORD.upper()),
        ("piet@defensie.nl", ""),
        ("onbekend@defensie.nl", PASSWORD),
    ],
    ids=["wrong password", "password in other case", "no password", "unknown address"],
)
def test_a_failed_login_says_nothing_about_why(email, password):
    user = make_user()
    assert authenticate(email, password) is None
    assert user.last_login_at is None


def test_an_inactive_user_is_refused_even_with_the_right_password():
    user = make_user()
    user.is_active = False
    db.session.flush()
    assert authenticate("piet@defensie.nl", PASSWORD) is None
    assert user.last_login_at is None


@pytest.mark.parametrize("email", ["piet@defensie.nl", "onbekend@defensie.nl"])
def test_an_unknown_address_costs_a_password_check_too(monkeypatch, email):
    """Otherwise the time of the answer tells which addresses have an account."""
    make_user()
    checks = []

    def counting_check(pwhash: str, password: str) -> tuple[bool, bool]:
        checks.append(pwhash)
        return verify_password(pwhash, password)

    monkeypatch.setattr(services, "verify_password", counting_check)
    assert authenticate(email, "verkeerd-wachtwoord") is None
    assert len(checks) == 1
    assert checks[0].startswith("$argon2id$")
