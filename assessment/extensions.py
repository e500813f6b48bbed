"""Flask extensions, created here and bound to an app in ``create_app`` with ``init_app``."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.login_message_category = "info"
# No session protection: Flask-Login's "basic" and "strong" checks compare a hash of the client's
# address, which it takes from a client-sent X-Forwarded-For header, so anyone could fake it, and
# which legitimately changes behind proxies. A login is guarded by its server-side record instead
# (assessment.auth.sessions): it can be ended, expires, and the cookie alone proves nothing after.
login_manager.session_protection = None

csrf = CSRFProtect()
