"""The footer's language chooser in a real browser: two links, the current one marked, the choice
kept on the next page, each language its own cached page (page_cache) for every visitor."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace import db
from tests.factories import make_organisation, make_voorziening, make_world

pytestmark = pytest.mark.browser


def test_the_language_links_switch_and_stick(live_server, page, browser):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        make_voorziening(s, make_organisation(s), world.velve, name="Taalcafé De Velve")
    page.goto(f"{live_server.live_url}/voorzieningen/?q=taal")
    chooser = page.get_by_role("navigation", name="Taal")
    expect(chooser.get_by_role("listitem")).to_have_count(2)
    expect(chooser.get_by_role("link", name="Nederlands")).to_have_attribute("aria-current", "true")
    chooser.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "q=taal" in page.url  # the same page, the same search
    chooser = page.get_by_role("navigation", name="Language / Taal")
    expect(chooser.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    expect(chooser.get_by_role("link", name="Nederlands")).not_to_have_attribute("aria-current", "true")
    page.locator("a.brand").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice sticks
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # also from the cache
    other = browser.new_context(locale="en-GB").new_page()  # another visitor: Dutch, whatever the browser says
    other.goto(f"{live_server.live_url}/")
    expect(other.locator("html")).to_have_attribute("lang", "nl")
    other.context.close()
