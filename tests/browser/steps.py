"""Steps every browser journey shares."""

from __future__ import annotations

PASSWORD = "geheim-wachtwoord"  # the factories' password (tests/conftest.make_user)


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
