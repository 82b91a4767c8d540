"""Finding 5 in a real browser: with the Content-Security-Policy on, pages show no CSP
violation, the map (Leaflet) and the print button still work, and the moved styles apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace import db
from .factories import make_activity, make_organisation, make_request, make_user, make_voorziening, make_world


pytestmark = pytest.mark.browser


@pytest.fixture
def csp_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def test_pages_work_under_the_csp_without_violations(live_server, page, csp_errors):
    with live_server.app_context(), db.session_scope() as s:
        world = make_world(s)
        org = make_organisation(s)
        make_voorziening(s, org, world.velve, name="Taalcafé De Velve")
        anna = make_user(s, email="anna@example.nl")
        request_id = make_request(s, anna, world.velve, description="Eerste regel.\nTweede regel.").id
        make_activity(s, world.velve, org=org, title="Eettafel")
        code = world.velve.code
    base = live_server.live_url

    page.goto(base + "/voorzieningen/?weergave=kaart")
    page.wait_for_selector("#kaart .leaflet-interactive", state="attached")  # Leaflet drew the marker
    assert page.locator("#kaart .leaflet-interactive").count() == 1
    background = page.eval_on_selector("#kaart", "el => getComputedStyle(el).backgroundColor")
    assert background != "rgb(221, 221, 221)"  # .map--plain, not Leaflet's grey

    page.goto(f"{base}/prikbord/{code}")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # static/js/print-button.js ran

    page.goto(f"{base}/hulpvragen/{request_id}")
    white_space = page.eval_on_selector("p.lead.pre-line", "el => getComputedStyle(el).whiteSpace")
    assert white_space == "pre-line"

    page.goto(base + "/activiteiten/")
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill("anna@example.nl")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(base + "/profiel")
    page.goto(base + "/hulpvragen/nieuw")
    border = page.eval_on_selector("section.step", "el => getComputedStyle(el).borderTopWidth")
    assert border == "3px"  # the step style moved from an inline <style> to buurtplein.css
    assert csp_errors == []


def test_an_inline_script_would_be_blocked(live_server, page, csp_errors):
    """The policy really is enforced: a script injected into the page does not run."""
    page.goto(live_server.live_url + "/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")
    assert page.evaluate("() => window.injected === undefined")
    assert any("script-src" in e for e in csp_errors)
