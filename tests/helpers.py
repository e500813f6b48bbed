"""A test client that behaves like a person with a browser: it reads the CSRF token from the
page it is on and sends it with the form, as a browser would."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "correct-horse-battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token_in(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class WebClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def token(self, page: str = "/login") -> str:
        return csrf_token_in(self.client.get(page).get_data(as_text=True))

    def submit(
        self, url: str, data: dict[str, Any] | None = None, *, page: str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Post ``data`` to ``url`` with the CSRF token of ``page`` (default: ``url`` itself)."""
        form = dict(data or {})
        form.setdefault("csrf_token", self.token(page or url))
        return self.client.post(url, data=form, **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        """A raw post: no token unless the test gives one."""
        return self.client.post(url, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> TestResponse:
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, f"login as {email} failed"
        return response

    def logout(self) -> TestResponse:
        return self.submit("/logout", page="/logout")


def text_of(response: TestResponse) -> str:
    """The page's text without tags and with white space folded, as a reader sees it."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    plain = re.sub(r"<[^>]+>", " ", html)
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(plain)).strip()


def checked_choice(html: str, question_id: int) -> str | None:
    """The value of the radio button that is checked for a question, as the browser shows it."""
    for tag in re.findall(rf'<input[^>]*name="level_{question_id}"[^>]*>', html):
        if re.search(r"\schecked(\s|>|=)", tag):
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None
