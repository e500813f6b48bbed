"""Glossary terms in questionnaire texts: the first use of each term marked with ``<abbr>``, its
explanation in the title, so that a reader can look up DMO or C2 where it stands. Built on the
server, escaped here, once per question and language (the fill-in page caches the result)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape


def mark_terms(texts: Iterable[str | None], terms: Mapping[str, str]) -> list[Markup | None]:
    """Return ``texts`` escaped, with the first occurrence of each term of ``terms`` (term →
    explanation) over all of them, in order, wrapped in ``<abbr title="explanation">``.

    A term matches as a whole word, case as written (DMO, not "dmo" inside a word)."""
    texts = list(texts)
    if not terms:
        return [None if text is None else escape(text) for text in texts]
    # Longer terms first, so that "APP-6" wins over a term "APP".
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")(?![\w-])"
    )
    used: set[str] = set()
    marked: list[Markup | None] = []
    for text in texts:
        if text is None:
            marked.append(None)
            continue
        out = Markup()
        last = 0
        for match in pattern.finditer(text):
            term = match.group(1)
            if term in used:
                continue
            used.add(term)
            out += escape(text[last : match.start()])
            out += Markup('<abbr title="{}">{}</abbr>').format(terms[term], term)
            last = match.end()
        out += escape(text[last:])
        marked.append(out)
    return marked
