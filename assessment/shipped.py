"""Folders shipped inside the package, found through importlib.resources.

``migrations/`` and ``questionnaires/`` sit at the top of the repository and go into the wheel as
``assessment._migrations`` and ``assessment._questionnaires`` (pyproject.toml). Asking the import
system for them, not ``__file__``, finds them the same way from a checkout (``pip install -e .``)
and from an installed wheel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def folder(package: str) -> Path:
    """Return the folder of ``package`` on disk; raise RuntimeError when it has none (a zip)."""
    found = resources.files(package)
    # Alembic and the CLI's messages want a real path; both a checkout and an unpacked wheel have one.
    if not isinstance(found, Path):
        raise RuntimeError(f"{package} is not a folder on disk: install the wheel unpacked")
    return found
