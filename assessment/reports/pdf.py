"""The one place that turns HTML into a PDF (WeasyPrint), and the only thing it may fetch.

WeasyPrint fetches through ``StaticOnlyFetcher``: the app's own static files and nothing else (no
``file:`` URLs, no network, no redirects). Imported on first use, so that commands and app
workers that make no PDF do not pay for loading WeasyPrint.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from flask import current_app
from weasyprint import DEFAULT_OPTIONS, HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3a"  # archival (PDF/A-3) and tagged for screen readers (level A)
BASE_URL = "https://report.invalid/"  # a name that cannot resolve: only the fetcher answers it
STATIC_PREFIX = BASE_URL + "static/"


class FetchRefused(ValueError):
    """WeasyPrint asked for something other than one of the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://report.invalid/static/<file>`` from the app's static folder; refuses
    everything else. Every request is recorded in ``requested`` (tests read it)."""

    def __init__(self, static_folder: str | Path) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.static_folder = Path(static_folder).resolve()
        self.requested: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        self.requested.append(url)
        if not url.startswith(STATIC_PREFIX):
            logger.warning("PDF: fetch refused: %s", url[:200])
            raise FetchRefused(f"refused: {url[:200]}")
        relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
        path = (self.static_folder / relative).resolve()
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            logger.warning("PDF: no such static file: %s", relative[:200])
            raise FetchRefused(f"no such static file: {relative[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


OPTIONS = {**DEFAULT_OPTIONS, "pdf_variant": PDF_VARIANT, "uncompressed_pdf": False}


def lay_out(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> Document:
    """Return ``html`` laid out in pages (A4 and fonts come from the report's CSS and the
    system): every box with its place on its page, before it is written as a PDF."""
    fetcher = fetcher or StaticOnlyFetcher(current_app.static_folder or "static")
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**OPTIONS)


def write_pdf(document: Document) -> bytes:
    """Return the PDF of a laid-out ``document``."""
    return document.write_pdf(**OPTIONS)  # type: ignore[no-any-return]


def render_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Return the PDF for ``html``."""
    return write_pdf(lay_out(html, fetcher=fetcher))
