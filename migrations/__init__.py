"""Alembic's environment and versions. Shipped in the wheel as ``assessment._migrations``
(see pyproject.toml); ``assessment.migrate`` finds this folder through importlib.resources."""
