"""Form helpers a writer sees: the character counter (static/js/counter.js)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_a_one_line_field_counts_only_near_its_limit(live_server, page):
    """'Nog 254 tekens' under an e-mail address is noise; near the limit it tells the writer in time."""
    page.goto(live_server.live_url + "/login")
    email = page.get_by_label("E-mailadres")
    counter = page.locator("#" + email.get_attribute("id") + "-teller")
    expect(counter).to_be_hidden()
    limit = int(email.get_attribute("data-max"))
    email.fill("a" * (limit - 4))
    expect(counter).to_be_visible()
    expect(counter).to_have_text("Nog 4 tekens")
    email.fill("a" * (limit + 2))
    expect(counter).to_have_text("2 tekens te veel")
