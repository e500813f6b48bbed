"""E-mail, only when an SMTP server is configured (``SMTP_HOST``); a closed network may have none,
and then nothing here is used. The standard library's smtplib: one message, one connection.

``SMTP_HOST``      the server (no mail at all when empty)
``SMTP_PORT``      default 25
``SMTP_FROM``      the sender, default ``dts-volwassenheidsscan@<SMTP_HOST>``
``SMTP_USER`` / ``SMTP_PASSWORD``   log in when given
``SMTP_STARTTLS``  ``1`` to encrypt with STARTTLS
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _

logger = logging.getLogger(__name__)


def configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; True when the server took it. A failure is logged, never
    raised: the caller shows the link on the page anyway."""
    config = current_app.config
    host = config.get("SMTP_HOST") or ""
    if not host:
        return False
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or f"dts-volwassenheidsscan@{host}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=10) as server:
            if config.get("SMTP_STARTTLS"):
                server.starttls()
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException):
        logger.exception("mail to %s could not be sent", to)
        return False
    return True


def send_password_link(to: str, name: str, link: str, valid_until: str, purpose: str) -> bool:
    """The one-time link to set a password (never a password itself), in the sender's language."""
    if purpose == "invite":
        subject = _("Uw account voor de DTS Volwassenheidsscan")
        first = _("Er is een account voor u gemaakt in de DTS Volwassenheidsscan.")
    else:
        subject = _("Nieuw wachtwoord voor de DTS Volwassenheidsscan")
        first = _("U kunt een nieuw wachtwoord kiezen voor de DTS Volwassenheidsscan.")
    body = "\n\n".join(
        [
            _("Beste %(name)s,", name=name),
            first,
            _("Kies uw wachtwoord met deze link. De link werkt één keer, tot %(until)s:", until=valid_until),
            link,
            _("Hebt u hier niet om gevraagd? Dan kunt u dit bericht negeren."),
        ]
    )
    return send(to, subject, body + "\n")
