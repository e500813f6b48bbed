"""gunicorn's settings for production, shipped in the wheel.

From an installed wheel::

    gunicorn -c python:assessment.gunicorn_conf 'assessment.app:create_app()'

From a checkout, ``gunicorn -c gunicorn.conf.py 'assessment.app:create_app()'`` (that file
re-exports this one). gunicorn reads the module's globals; ``__all__`` keeps ``os`` and friends
out of a star import.

``WEB_CONCURRENCY``  number of workers; default two per CPU plus one.
``BIND``             the address to listen on, e.g. ``0.0.0.0:8000`` or ``unix:/run/dts.sock``.
``PORT``             without ``BIND``: listen on ``127.0.0.1:PORT``. Default ``127.0.0.1:8000``.
"""

from __future__ import annotations

import multiprocessing
import os

__all__ = [
    "access_log_format",
    "accesslog",
    "bind",
    "control_socket_disable",
    "errorlog",
    "graceful_timeout",
    "keepalive",
    "preload_app",
    "reload",
    "timeout",
    "workers",
]

# The app keeps no state in its processes, so workers scale with the CPUs (gunicorn's advice).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

# Loopback unless told otherwise: a reverse proxy on the same host terminates TLS, and gunicorn
# trusts X-Forwarded-* only from loopback (forwarded_allow_ips is left at its default).
bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"]

# A sync worker that has not come back to the arbiter within a minute is killed and replaced; a
# request that runs longer is cut off (the streamed ZIP of every unit report of a round counts).
timeout = 60
graceful_timeout = 30
# Seconds a proxy's idle connection is kept open. The default sync workers ignore it; it counts
# when a threaded or async worker class is chosen on the command line.
keepalive = 5

# Both logs to standard output and error, for the service manager's journal.
accesslog = "-"
errorlog = "-"
# The combined log format, with the logged-in user's id (set by the app in the WSGI environ as
# ``dts.user_id``; ``-`` for a visitor) where the HTTP user would stand, and the time in ms.
access_log_format = '%(h)s %(l)s %({dts.user_id}e)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The default sync workers answer with ``Server: gunicorn``, without a version (the version is only
# in the WSGI environ's SERVER_SOFTWARE, which the app never sends); other worker classes (gevent)
# add theirs. tests/functional/test_hardening_headers.py starts gunicorn and checks the header.

# Each worker builds its own app (and database pool) after the fork: no connection is shared.
preload_app = False
reload = False

# gunicorn 25.1+ opens a control socket at one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl); a
# second app server on the same machine would take it from the first. Nothing here uses it.
control_socket_disable = True
