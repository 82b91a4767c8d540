"""Extension singletons, initialised in the app factory."""

import hashlib

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from .ratelimit import counted_by_api_limit

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def account_key(email: str | None) -> str:
    """A throttling key for an e-mail address, whether or not an account exists for it (so a
    limit or lock reveals nothing). Hashed: no addresses in the limiter's storage (e.g. redis)."""
    from .account.services import normalise_email
    return "account:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def per_account() -> str:
    """key_func: the e-mail address in the submitted form (login, register, reset request)."""
    email = request.form.get("email", "").strip()
    return account_key(email) if email else "ip:" + get_remote_address()


def per_user() -> str:
    """key_func: the signed-in user (posting); the IP for a visitor."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "ip:" + get_remote_address()


# No default limits: each write route states its own (posting, login, the public API); most
# have one limit per IP and one per account or user, so one busy address (a community centre's
# shared connection) does not lock everyone out, and one account is not attacked from many IPs.
# headers_enabled here, not from config: the singleton reads that setting only once.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
# The public API's limit is counted by ratelimit.api_limit (one pass, one store call): the limiter skips those views.
limiter.request_filter(counted_by_api_limit)

# Limits of the account routes (per IP generous, per account tight).
LOGIN_PER_IP = "60 per minute; 300 per hour"
LOGIN_PER_ACCOUNT = "10 per minute; 50 per hour"
REGISTER_PER_IP = "10 per minute; 60 per hour"
REGISTER_PER_ACCOUNT = "3 per hour"
RESET_PER_IP = "10 per minute; 60 per hour"
RESET_PER_ACCOUNT = "3 per hour"  # also stops anyone flooding one inbox with reset mail
# Posting a request, offer or activity.
POSTING_PER_USER = "20 per hour"
POSTING_PER_IP = "100 per hour"


def posting_limits(view):
    """Limits of a 'new request, offer or activity' route: per account, and per IP behind it."""
    return limiter.limit(POSTING_PER_USER, key_func=per_user, methods=["POST"])(
        limiter.limit(POSTING_PER_IP, methods=["POST"])(view))
