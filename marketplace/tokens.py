"""Signed, expiring links (password reset, e-mail and listing confirmation): one way to make and read them."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# One salt per purpose: a token made for one link never opens another.
PASSWORD_RESET = "buurtplein-password-reset"  # nosec B105
CONFIRM_EMAIL = "buurtplein-confirm-email"  # nosec B105
CONFIRM_LISTING = "buurtplein-confirm-listing"  # nosec B105


def make_token(secret_key: str, purpose: str, data: dict) -> str:
    return URLSafeTimedSerializer(secret_key, salt=purpose).dumps(data)


def read_token(secret_key: str, purpose: str, token: str, max_age: int, key: str) -> dict | None:
    """The token's data when it is genuine, not older than ``max_age`` seconds and carries an
    integer ``key``; None for a forged, broken, old or odd one."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        return None
    return data
