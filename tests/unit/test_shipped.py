"""An installed wheel can set itself up: the migrations and the questionnaire are found through the
package (importlib.resources), not beside a checkout. CI builds the wheel and runs it; these tests
check the same lookups and the package list in pyproject.toml, without building anything."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

from assessment import migrate
from assessment.questionnaires import fileformat
from assessment.questionnaires.fileformat import read_questionnaire

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_migrations_are_found_through_the_package():
    assert resources.files("assessment._migrations") == migrate.MIGRATIONS
    assert (migrate.MIGRATIONS / "env.py").is_file()
    assert (migrate.MIGRATIONS / "script.py.mako").is_file()
    assert any((migrate.MIGRATIONS / "versions").glob("*.py"))


def test_the_default_questionnaire_loads_from_the_package():
    assert fileformat.DEFAULT_QUESTIONNAIRE.parent == resources.files("assessment._questionnaires")
    assert read_questionnaire(fileformat.DEFAULT_QUESTIONNAIRE).key == "dts-2025"


def test_the_schema_is_found_through_the_package():
    assert fileformat.SCHEMA_PATH.parent == resources.files("assessment._questionnaires")
    assert json.loads(fileformat.SCHEMA_PATH.read_text(encoding="utf-8"))["type"] == "object"


def test_every_package_on_disk_goes_into_the_wheel():
    # The list in pyproject.toml is kept by hand: a new domain package forgotten there would be
    # missing from the wheel while every test from the checkout still passed.
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(REPOSITORY).parts)
        for init in (REPOSITORY / "assessment").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == on_disk | set(setuptools["package-dir"])
    assert setuptools["package-dir"] == {
        "assessment._migrations": "migrations",
        "assessment._questionnaires": "questionnaires",
    }
