"""Account services: registration, authentication, password reset, roles."""

from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, db, tokens
from ..models import ROLES, User, UserOrganisation, UserRole, UserWijk, utcnow

SELF_SERVICE_ROLES = ("bewoner", "vrijwilliger")  # the rest is granted by a beheerder


class AccountError(ValueError):
    """A user-facing (Dutch) reason why an account action could not be done."""


DEFAULT_HASH_METHOD = "scrypt"  # Werkzeug's default: memory-hard and current


def hash_method() -> str:
    """PASSWORD_HASH_METHOD from the app's config (tests set a cheap one); scrypt otherwise."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_HASH_METHOD
    return DEFAULT_HASH_METHOD


def hash_password(password: str, method: str | None = None) -> str:
    return generate_password_hash(password, method=method or hash_method())


def normalise_email(email: str | None) -> str:
    """The one spelling of an address, for storage, look-up and throttling."""
    return (email or "").strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


class EmailTaken(AccountError):
    """There is already an account with this address. Views must not show this to the visitor."""


def register_user(session: Session, email: str, password: str, display_name: str,
                  roles: tuple[str, ...] = ("bewoner",), postcode: str | None = None) -> User:
    bad = set(roles) - set(SELF_SERVICE_ROLES)
    if bad:
        raise AccountError(_("Deze rol kunt u niet zelf kiezen."))
    # Hashed before the look-up: an existing address costs the same work as a new one.
    password_hash = hash_password(password)
    if find_by_email(session, email) is not None:
        raise EmailTaken(_("Er is al een account met dit e-mailadres. Wilt u inloggen?"))
    user = User(email=normalise_email(email), password_hash=password_hash,
                display_name=display_name.strip(), postcode=postcode, email_confirmed=False)
    user.roles = [UserRole(role=r) for r in sorted(set(roles) or {"bewoner"})]
    session.add(user)
    # The same address registered at the same moment: the unique index decides.
    db.flush(session, EmailTaken(_("Er is al een account met dit e-mailadres. Wilt u inloggen?")))
    audit.record(session, "account.register", "user", user.id, actor_id=user.id)
    return user


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of nothing, made with the current method: checked when the address is unknown."""
    method = hash_method()
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_by_email(session, email)
    # Always one hash check: an unknown or inactive address costs the same as a wrong password.
    stored = user.password_hash if user is not None else _dummy_hash()
    password_ok = check_password_hash(stored, password)
    if user is None or not user.is_active or not password_ok or not user.email_confirmed:
        return None
    user.last_login_at = utcnow()
    session.add(user)
    return user


MAX_BIGINT = 2**63 - 1


def _small_int(text: str) -> int | None:
    """A non-negative integer that fits a BIGINT column, or None (never raises on junk)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= MAX_BIGINT else None


def user_for_login_id(session: Session, login_id: object) -> User | None:
    """The user a session's identity ("id:session_version", from User.get_id) belongs to, if that
    session is still current: logout or a new password bumps the version and ends it."""
    if not isinstance(login_id, str) or login_id.count(":") != 1:
        return None
    user_id, version = (_small_int(part) for part in login_id.split(":"))
    if user_id is None or version is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Every session and remember-me cookie of this user stops working (the caller commits)."""
    user.session_version = (user.session_version or 0) + 1
    session.add(user)


def log_out(session: Session, user: User) -> None:
    end_all_sessions(session, user)


def make_confirm_token(user: User, secret_key: str) -> str:
    return tokens.make_token(secret_key, tokens.CONFIRM_EMAIL, {"uid": user.id})


def confirm_email(session: Session, token: str, secret_key: str, max_age: int) -> User | None:
    """The account of a valid confirmation link, now confirmed (None: a bad or old link)."""
    data = tokens.read_token(secret_key, tokens.CONFIRM_EMAIL, token, max_age, "uid")
    user = session.get(User, data["uid"]) if data else None
    if user is None or not user.is_active:
        return None
    if not user.email_confirmed:
        user.email_confirmed = True
        session.add(user)
        audit.record(session, "account.confirm", "user", user.id, actor_id=user.id)
    return user


def make_reset_token(user: User, secret_key: str) -> str:
    # Part of the current hash in the token: it stops working once the password changed.
    return tokens.make_token(secret_key, tokens.PASSWORD_RESET, {"uid": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(session: Session, token: str, secret_key: str, max_age: int) -> User | None:
    data = tokens.read_token(secret_key, tokens.PASSWORD_RESET, token, max_age, "uid")
    if data is None:
        return None
    user = session.get(User, data["uid"])
    if user is None or user.password_hash[-16:] != data.get("h"):
        return None
    return user


def set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.email_confirmed = True  # the reset link came by mail: the address is theirs
    end_all_sessions(session, user)  # whoever knew the old password is logged out everywhere
    session.add(user)
    audit.record(session, "account.password_reset", "user", user.id, actor_id=user.id)


def set_roles(session: Session, user: User, roles: set[str]) -> None:
    unknown = roles - set(ROLES)
    if unknown:
        raise AccountError(_("Onbekende rol: %(roles)s", roles=", ".join(sorted(unknown))))
    user.roles = [r for r in user.roles if r.role in roles] + [
        UserRole(role=r) for r in sorted(roles - user.role_names)]
    session.add(user)
    audit.record(session, "account.roles", "user", user.id, detail=",".join(sorted(roles)))


def set_links(session: Session, user: User, organisation_ids: set[int], wijk_ids: set[int]) -> None:
    """Which organisations an aanbieder works for and which wijken a preventiemakelaar moderates."""
    for model, key, wanted in ((UserOrganisation, "organisation_id", organisation_ids), (UserWijk, "wijk_id", wijk_ids)):
        current = {getattr(row, key): row for row in session.exec(select(model).where(model.user_id == user.id))}
        for stale in set(current) - wanted:
            session.delete(current[stale])
        for new in wanted - set(current):
            session.add(model(user_id=user.id, **{key: new}))
    audit.record(session, "account.links", "user", user.id,
                 detail=f"organisaties={sorted(organisation_ids)} wijken={sorted(wijk_ids)}")
