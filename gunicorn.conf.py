"""gunicorn reads this file when started in a checkout; the settings live in the package, so an
installed wheel has them too (``gunicorn -c python:assessment.gunicorn_conf ...``)."""

from assessment.gunicorn_conf import *  # noqa: F403 (gunicorn reads the settings as globals)
