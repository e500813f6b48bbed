from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import secrets
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from assessment import db, formatting
from assessment.audit.services import record
from assessment.auth import sessions
from assessment.auth.models import ApiToken, Invitation, Role, User
from assessment.auth.passwords import MAX_PASSWORD_LENGTH, dummy_hash, hash_password, verify_password
from assessment.db import session, utcnow
from assessment.units.models import Unit

MIN_PASSWORD_LENGTH = 12
INVITATION_VALID = dt.timedelta(hours=72)


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why, for the user."""


class WrongPassword(UserError):
    """The current password given is not the user's."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this e-mail address and password, else None."""
    user = get_user_by_email(email)
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        verify_password(dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    matches, needs_rehash = verify_password(user.password_hash, password)
    if not matches or not user.is_active:
        return None
    if needs_rehash:  # a hash of before Argon2id, or of older parameters: replaced now we can
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


@cache
def _common_passwords() -> frozenset[str]:
    """The 20,000 most common passwords (Royce Williams' list, as Django ships it, BSD licence)."""
    with gzip.open(Path(__file__).with_name("common-passwords.txt.gz"), "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` may not be used, or None. The same rule for the pages and the CLI:
    at least 12 characters, not one of the common passwords, not the e-mail address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("het wachtwoord moet minstens %(n)s tekens hebben", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("het wachtwoord mag hoogstens %(n)s tekens hebben", n=MAX_PASSWORD_LENGTH)
    simple = password.strip().lower()
    if len(set(simple)) < 4 or simple in _common_passwords() or (email and email.lower() in simple):
        return _("dit wachtwoord is te makkelijk te raden; kies bijvoorbeeld een zin van een paar woorden")
    return None


def _set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email)
    if problem:
        raise UserError(problem)
    user.password_hash = hash_password(password)


def change_password(user: User, *, current: str, new: str, keep_session: str | None = None) -> None:
    """The user's own change: his current password first. His other sessions end (someone who
    knew the old password is logged out); ``keep_session`` is the secret of the one he is in."""
    if not verify_password(user.password_hash, current)[0]:
        raise WrongPassword(_("het huidige wachtwoord klopt niet"))
    _set_password(user, new)
    session.flush()
    sessions.end_sessions(user, keep=keep_session)
    record("user.password_change", user, actor=user)


def issue_invitation(user: User, *, purpose: str, created_by: User | None) -> str:
    """Return a new one-time link secret for ``user`` (valid 72 hours); earlier open links of
    the user stop working."""
    now = utcnow()
    for earlier in session.scalars(
        select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    ):
        earlier.expires_at = min(earlier.expires_at, now)
    secret = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(secret),
            expires_at=now + INVITATION_VALID,
            created_by_id=created_by.id if created_by else None,
        )
    )
    session.flush()
    record(
        f"user.{purpose}", user, new={"valid_until": (now + INVITATION_VALID).isoformat()}, actor=created_by
    )
    return secret


def invitation_for(secret: str) -> Invitation | None:
    """The open invitation with this secret, or None (unknown, used, expired, inactive user)."""
    if not secret or len(secret) > 100:
        return None
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == _token_hash(secret))
        .options(joinedload(Invitation.user))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation if invitation.user.is_active else None


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Set the user's password from a one-time link; the link is used up."""
    user = invitation.user
    _set_password(user, password)
    invitation.used_at = utcnow()
    session.flush()
    sessions.end_sessions(user)  # a reset is often because someone else may know the old one
    record("user.password_set", user, new={"via": invitation.purpose}, actor=user)
    return user


def invite_user(
    *, email: str, display_name: str, role: Role, unit_codes: Iterable[str], created_by: User
) -> tuple[User, str]:
    """A new account without a password, and the secret of the link with which the user sets it."""
    user = create_user(
        email=email,
        display_name=display_name,
        role=role,
        password=None,
        unit_codes=unit_codes,
        created_by=created_by,
    )
    return user, issue_invitation(user, purpose="invite", created_by=created_by)


def update_user(user: User, *, role: Role, units: list[Unit], is_active: bool, changed_by: User) -> bool:
    """Change role, represented units and whether the account works; True when anything changed.
    A deactivated user's sessions and API tokens stop working at his next request."""
    if role is Role.REPRESENTATIVE and not units:
        raise UserError(_("een eenheidsvertegenwoordiger moet minstens één eenheid hebben"))
    old = {"role": user.role.value, "units": [u.code for u in user.units], "active": user.is_active}
    user.role, user.units, user.is_active = role, sorted(units, key=lambda u: u.code), is_active
    new = {"role": role.value, "units": [u.code for u in user.units], "active": is_active}
    if old == new:
        return False
    session.flush()
    if not is_active:
        sessions.end_sessions(user)
    record("user.update", user, old=old, new=new, actor=changed_by)
    return True


def create_user(
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str | None,
    unit_codes: Iterable[str] = (),
    created_by: User | None = None,
) -> User:
    """Return a new user; raise UserError for a taken e-mail address, a weak password, a bad unit.
    Without a password nobody can log in as the user until he sets one (see ``invite_user``)."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 254:
        raise UserError(_("'%(email)s' is geen geldig e-mailadres", email=email[:254]))
    if get_user_by_email(email) is not None:
        raise UserError(_("er is al een account met e-mailadres %(email)s", email=email))
    if not display_name.strip():
        raise UserError(_("de naam mag niet leeg zijn"))
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            raise UserError(problem)
    units = []
    for code in unit_codes:
        unit = session.scalar(select(Unit).where(func.upper(Unit.code) == code.strip().upper()))
        if unit is None:
            raise UserError(_("eenheid '%(code)s' bestaat niet", code=code))
        units.append(unit)
    if role is Role.REPRESENTATIVE and not units:
        raise UserError(_("een eenheidsvertegenwoordiger moet minstens één eenheid hebben"))
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        # No password yet: a random one that nobody knows, until the user sets his own.
        password_hash=hash_password(password if password is not None else secrets.token_urlsafe(32)),
        units=units,
    )
    session.add(user)
    session.flush()
    record(
        "user.create",
        user,
        new={"email": email, "role": role.value, "units": [u.code for u in units]},
        actor=created_by,
    )
    return user


# -- API tokens -----------------------------------------------------------------------------------

TOKEN_PREFIX = "dts_"  # noqa: S105 (a marker in front of every token, not a secret)
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)  # do not write on every API call


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class BadExpiry(UserError):
    """The chosen last day of a token is not a day to come."""


def token_expiry(last_day: dt.date) -> dt.datetime:
    """The moment a token with ``last_day`` as its last valid day stops working: the end of that
    day in Dutch time (so the day shown is the local day, whatever the server's zone)."""
    return dt.datetime.combine(
        last_day + dt.timedelta(days=1), dt.time(), formatting.local_zone()
    ).astimezone(dt.UTC)


def issue_token(
    user: User, name: str, *, valid_through: dt.date | None = None, created_by: User | None = None
) -> tuple[ApiToken, str]:
    """Return a new token for ``user`` and its secret text (shown once, stored only as a hash).
    With ``valid_through`` the token stops working after that day; without, when revoked."""
    expires_at = token_expiry(valid_through) if valid_through else None
    if expires_at is not None and expires_at <= utcnow():
        raise BadExpiry(_("kies vandaag of een dag in de toekomst"))
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
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    new = {"user": user.email, "name": name, "prefix": token.prefix}
    if expires_at is not None:
        new["expires_at"] = expires_at.isoformat()
    record(
        "api_token.issue",
        token,
        new=new,
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
    """Return the active user of an active token (not revoked, not expired), else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _token_hash(secret))
        .options(joinedload(ApiToken.user).selectinload(User.units))
    )
    now = utcnow()
    if token is None or token.revoked_at is not None or token.has_expired(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        db.begin_writing()
        token.last_used_at = now  # committed with the request (db.py), like every change
    return token.user


def list_tokens() -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))
