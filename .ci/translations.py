"""The message catalogues: ``update`` after changing texts, ``check`` in CI.

    python .ci/translations.py update   extract every message (babel.cfg), update the catalogues
                                        in assessment/translations, compile them (.mo, committed)
    python .ci/translations.py check    fail when a message is missing or empty in a catalogue,
                                        is marked fuzzy, or a compiled catalogue is stale

Dutch is the source language: the messages are Dutch, so only the other languages need a
catalogue. Run from the repository's top level.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assessment"
CATALOGUES = PACKAGE / "translations"
TEMPLATE = CATALOGUES / "messages.pot"
LANGUAGES = ("en",)


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(target: Path) -> None:
    pybabel(
        "extract",
        "-F", str(ROOT / "babel.cfg"),
        "-k", "_l",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "--width", "100",
        "-o", str(target),
        str(PACKAGE),
    )  # fmt: skip


def update() -> None:
    extract(TEMPLATE)
    for language in LANGUAGES:
        po = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            pybabel("init", "-i", str(TEMPLATE), "-d", str(CATALOGUES), "-l", language, "-w", "100")
        pybabel(
            "update", "-i", str(TEMPLATE), "-d", str(CATALOGUES), "-l", language,
            "-w", "100", "--no-fuzzy-matching", "--ignore-obsolete",
        )  # fmt: skip
    pybabel("compile", "-d", str(CATALOGUES), "--statistics")


def check() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        with fresh.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
    for language in LANGUAGES:
        po = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not po.exists():
            problems.append(f"{po}: missing")
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        present = {m.id: m for m in catalogue if m.id}
        for msgid in sorted(wanted, key=str):
            message = present.get(msgid)
            label = msgid if isinstance(msgid, str) else msgid[0]
            if message is None:
                problems.append(f"{po}: not in the catalogue: {label!r}")
            elif message.fuzzy:
                problems.append(f"{po}: fuzzy: {label!r}")
            elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                problems.append(f"{po}: no translation: {label!r}")
        for msgid in sorted(set(present) - wanted, key=str):
            label = msgid if isinstance(msgid, str) else msgid[0]
            problems.append(f"{po}: no longer used (run update): {label!r}")
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        if not mo.exists() or mo.read_bytes() != compiled.getvalue():
            problems.append(f"{mo}: stale, run `python .ci/translations.py update`")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the catalogues", file=sys.stderr)
        return 1
    print(f"catalogues complete: {len(wanted)} messages in {', '.join(LANGUAGES)}")
    return 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        return check()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
