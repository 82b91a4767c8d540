"""The printable neighbourhood board: public fields only, codes, 404."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from marketplace.models import ActivityOccurrence
from marketplace.timeutil import local_datetime, local_today

from .factories import add, make_activity, make_organisation, make_request, make_user, make_world


@pytest.fixture
def world(session):
    return make_world(session)


def test_board_index_lists_wijken_and_buurten(client, world):
    page = client.get("/prikbord/").get_data(as_text=True)
    assert "Velve-Lindenhof" in page and "Pathmos" in page
    assert f'href="/prikbord/{world.velve.code}"' in page


def test_board_shows_open_approved_requests_with_public_fields_only(client, session, world):
    ambassadeur = make_user(session, email="amb@example.nl", name="Ahmed Ambassadeur", roles=("ambassadeur",))
    request = make_request(session, ambassadeur, world.velve, title="Wie haalt mijn medicijnen?",
                           description="Ik ben slecht ter been. " + "Heel lang verhaal. " * 30,
                           on_behalf=True, contact_name="Gerda Geheim", contact_phone="06-99887766",
                           address="Geheimstraat 7", public_name="Gerda", urgency="deze week")
    make_request(session, ambassadeur, world.velve, title="Nog niet goedgekeurd", moderation="pending")
    make_request(session, ambassadeur, world.velve, title="Verborgen vraag", moderation="hidden")
    make_request(session, ambassadeur, world.velve, title="Al geholpen", status="done")
    make_request(session, ambassadeur, world.pathmos, title="Vraag uit Pathmos")
    response = client.get(f"/prikbord/{world.velve.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Prikbord Velve" in page and page.count("<h1") == 1
    assert "Wie haalt mijn medicijnen?" in page and f"H-{request.id}" in page
    assert "Gerda" in page and "deze week" in page
    assert "053 - 123 45 67" in page and "noem de code" in page
    for secret in ("Geheim", "06-99887766", "Ahmed", "amb@example.nl"):
        assert secret not in page
    for other in ("Nog niet goedgekeurd", "Verborgen vraag", "Al geholpen", "Vraag uit Pathmos"):
        assert other not in page
    assert "Heel lang verhaal. " * 12 not in page  # the text is cut short


def test_board_shows_this_weeks_activities_of_the_wijk_with_codes(client, session, world):
    org = make_organisation(session)
    here = make_activity(session, world.velve, org=org, title="Eettafel De Velve", weeks=3)
    far = make_activity(session, world.pathmos, org=org, title="Wandelen in Pathmos")
    later = make_activity(session, world.velve, org=org, title="Later dit jaar", weeks=0)
    add(session, ActivityOccurrence(activity_id=later.id,
                                    starts_at=local_datetime(local_today() + timedelta(days=20), time(10)),
                                    ends_at=local_datetime(local_today() + timedelta(days=20), time(11))))
    make_activity(session, world.velve, org=org, title="Nog niet goedgekeurd", moderation="pending")
    page = client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)
    assert "Eettafel De Velve" in page and f"A-{here.id}" in page
    assert page.count("12:00") == 1  # only this week's occurrence, in local time
    for other in ("Wandelen in Pathmos", "Later dit jaar", "Nog niet goedgekeurd"):
        assert other not in page
    assert f"A-{far.id}" not in page


def test_board_with_print_button_and_print_size(client, world):
    page = client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)
    # Script and print styles are static files (the Content-Security-Policy forbids inline ones).
    assert 'id="afdrukken"' in page and "/static/js/print-button.js" in page
    assert "window.print()" in client.get("/static/js/print-button.js").get_data(as_text=True)
    assert "size: A4" in client.get("/static/css/buurtplein.css").get_data(as_text=True)
    assert "Er staan nu geen open hulpvragen" in page


@pytest.mark.parametrize("code", ["BU99999999", "onzin"])
def test_unknown_buurt_is_404(client, world, code):
    assert client.get(f"/prikbord/{code}").status_code == 404


def test_a_wijk_code_is_not_a_board(client, world):
    assert client.get(f"/prikbord/{world.wijk.code}").status_code == 404


def test_a_busy_wijk_shows_the_buurts_own_activities_first_and_links_to_the_rest(client, session, world,
                                                                                  monkeypatch):
    from marketplace.models import Area
    from marketplace.prikbord import services
    monkeypatch.setattr(services, "BOARD_ACTIVITIES", 3)
    neighbour = add(session, Area(kind="buurt", name="Lindenhof", code="BU01530502", parent_id=world.velve.parent_id,
                                  lat=world.velve.lat + 0.003, lon=world.velve.lon))
    org = make_organisation(session)
    elsewhere = [make_activity(session, neighbour, org=org, title=f"Elders {n}") for n in range(2)]
    here = [make_activity(session, world.velve, org=org, title=f"Hier {n}") for n in range(2)]
    page = client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)
    shown = [a for a in (*here, *elsewhere) if f"A-{a.id}" in page]
    assert shown[:2] == here and len(shown) == 3  # the buurt's own first, then the wijk, at most 3
    assert "andere activiteiten in uw wijk" in page
    assert f"/activiteiten/?wijk={world.velve.parent_id}" in page
    monkeypatch.setattr(services, "BOARD_ACTIVITIES", 10)
    client.application.config["PAGE_CACHE"] = "off"  # the same page at the same version: else the stored one
    page = client.get(f"/prikbord/{world.velve.code}").get_data(as_text=True)
    assert all(f"A-{a.id}" in page for a in (*here, *elsewhere)) and "andere activiteiten in uw wijk" not in page
