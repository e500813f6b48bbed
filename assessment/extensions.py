"""Flask extensions, created here and bound to an app in ``create_app`` with ``init_app``."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.login_message_category = "info"
# "strong": a login cookie that arrives from another address or browser than the login's ends that
# login in this session. Flask-Login takes the address from X-Forwarded-For when it is there; the
# app removes that header before any view runs, after ProxyFix has used it as far as PROXY_COUNT
# trusts it (assessment.hardening), so a client cannot claim the owner's address. The login itself
# is guarded by its server-side record (assessment.auth.sessions): it can be ended and it expires.
login_manager.session_protection = "strong"

csrf = CSRFProtect()
