"""The Flask extensions, created once and bound to the app in ``create_app``."""

from flask import request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from domain.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(
    key_func=get_remote_address,
    headers_enabled=True,
    # Redis down must not take the site down: limits fall back to per-process memory.
    in_memory_fallback_enabled=True,
)

LANGUAGES = ("es", "en")


def select_locale() -> str:
    """Spanish unless the person chose English with the language switch."""
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "es"
