"""Flask extensions, created here and bound to an app in ``create_app`` with ``init_app``."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
