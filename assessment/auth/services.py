from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.audit.services import record
from assessment.auth.models import ApiToken, Role, User
from assessment.db import session, utcnow
from assessment.units.models import Unit

MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash() -> str:
    """Checked when the e-mail address is unknown, so a wrong address costs as much time as a
    wrong password and the answer time does not tell which accounts exist."""
    return generate_password_hash("not-a-real-password")


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why, in Dutch."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail address and password, else None."""
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def hash_password(password: str) -> str:
    """Return a scrypt hash (Werkzeug's default: salted, memory-hard)."""
    return generate_password_hash(password)


def create_user(
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    unit_codes: Iterable[str] = (),
) -> User:
    """Return a new user; raise UserError for a taken e-mail address, a weak password, a bad unit."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise UserError(f"'{email}' is geen geldig e-mailadres")
    if get_user_by_email(email) is not None:
        raise UserError(f"er is al een account met e-mailadres {email}")
    if not display_name.strip():
        raise UserError("de naam mag niet leeg zijn")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben")
    units = []
    for code in unit_codes:
        unit = session.scalar(select(Unit).where(func.upper(Unit.code) == code.strip().upper()))
        if unit is None:
            raise UserError(f"eenheid '{code}' bestaat niet")
        units.append(unit)
    if role is Role.REPRESENTATIVE and not units:
        raise UserError("een eenheidsvertegenwoordiger moet minstens één eenheid hebben (--unit)")
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        units=units,
    )
    session.add(user)
    session.flush()
    record("user.create", user, new={"email": email, "role": role.value, "units": [u.code for u in units]})
    return user


# -- API tokens -----------------------------------------------------------------------------------

TOKEN_PREFIX = "dts_"  # noqa: S105 (a marker in front of every token, not a secret)
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)  # do not write on every API call


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str, *, created_by: User | None = None) -> tuple[ApiToken, str]:
    """Return a new token for ``user`` and its secret text (shown once, stored only as a hash)."""
    name = name.strip()
    if not name:
        raise UserError(_("geef het token een naam, zodat u later weet waarvoor het is"))
    if len(name) > 100:
        raise UserError(_("de naam van het token is langer dan 100 tekens"))
    if not user.is_active:
        raise UserError(_("het account %(email)s is niet actief", email=user.email))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:12],
        token_hash=_token_hash(secret),
        created_by_id=created_by.id if created_by else None,
    )
    session.add(token)
    session.flush()
    record(
        "api_token.issue",
        token,
        new={"user": user.email, "name": name, "prefix": token.prefix},
        actor=created_by,
    )
    return token, secret


def revoke_token(token: ApiToken, *, revoked_by: User | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        record("api_token.revoke", token, old={"active": True}, new={"active": False}, actor=revoked_by)


def display_names(user_ids: Iterable[int | None]) -> dict[int, str]:
    """The names others see, by user id, in one query (none for no ids)."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def user_for_token(secret: str) -> User | None:
    """Return the active user of an active token, else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _token_hash(secret))
        .options(joinedload(ApiToken.user).selectinload(User.units))
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        token.last_used_at = now  # committed with the request (db.py), like every change
    return token.user


def list_tokens() -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
