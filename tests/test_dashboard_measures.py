"""Dashboard measures of issue 11 beyond the first tables: volunteers new and returning, sign-ups and
attendance (ticked by the organiser), the trend per month, and the gaps between demand and supply."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlmodel import select

from marketplace import db
from marketplace.dashboard import measures
from marketplace.dashboard.suppression import PRIMARY
from marketplace.models import ActivitySignup, Area, Match

from .factories import add, login, make_activity, make_offer, make_request, make_user
from .test_dashboard import BASE, PERIOD, figures_world  # noqa: F401  (the hand-counted fixture)


def scope_of(session, world):
    return measures.Scope.of(session, [world.wijk.id], PERIOD)


def test_new_and_returning_volunteers(app, session, figures_world):  # noqa: F811
    w = figures_world["world"]
    # v1 also helped last year: returning; v2 helped for the first time this year: new.
    helped_before = session.exec(select(Match).where(Match.kind == "offer")).first()
    old = make_request(session, make_user(session, email="oud@example.nl"), w.velve, status="done",
                       created_at=BASE - timedelta(days=300))
    add(session, Match(request_id=old.id, kind="offer", offer_id=helped_before.offer_id, status="completed"))
    table = measures.volunteers(session, scope_of(session, w))
    assert table.cells == [[1, 1]] and table.row_totals == [2]
    assert table.shown(("r", 0)) == PRIMARY  # two people: never shown as a number


def test_attendance_is_ticked_by_the_organiser_and_counted(app, client, session, figures_world):  # noqa: F811
    w = figures_world["world"]
    organiser = make_user(session, email="org@example.nl", name="Olga Organisator")
    activity = make_activity(session, w.velve, owner=organiser)
    people = [make_user(session, email=f"p{i}@example.nl", name=f"Piet{i} Jansen") for i in range(3)]
    signups = [add(session, ActivitySignup(activity_id=activity.id, user_id=p.id, created_at=BASE)) for p in people]

    login(client, "p0@example.nl")  # a participant may not tick attendance
    assert client.post(f"/activiteiten/{activity.id}/aanwezig", data={"aanwezig": [signups[0].id]}).status_code == 403
    client.post("/logout")
    login(client, "org@example.nl")
    page = client.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "Wie was er?" in page and "Piet1" in page and "Jansen" not in page  # first names only
    response = client.post(f"/activiteiten/{activity.id}/aanwezig", data={"aanwezig": [signups[0].id, signups[2].id]})
    assert response.status_code == 302
    with app.app_context():
        s = db.get_session()
        assert [s.get(ActivitySignup, x.id).attended for x in signups] == [True, False, True]
        table = measures.attendance(s, scope_of(s, w))
    assert table.cells == [[2, 1, 0]] and table.row_totals == [3]


def test_month_trend_counts_by_the_month_posted(app, session, figures_world):  # noqa: F811
    w = figures_world["world"]
    labels, table = measures.monthly(session, scope_of(session, w), PERIOD)
    assert labels[0] == "2026-01" and labels[-1] == "2026-12" and len(labels) == 12
    june = table.cells[labels.index("2026-06")]
    assert june == [9, 5, 5, 0]  # Velve: 9 posted in June, 5 of them helped and done
    assert sum(row[0] for row in table.cells) == 9


def test_gaps_show_demand_without_supply_and_supply_without_demand(app, session, figures_world):  # noqa: F811
    w = figures_world["world"]
    volunteer = make_user(session, email="klusser@example.nl", roles=("vrijwilliger",))
    make_offer(session, volunteer, w.velve, title="Ik klus graag", categories=("klussen",))
    gaps = measures.gaps(session, scope_of(session, w))
    row = {c.slug: (gaps.table.cells[i], gaps.notes[i]) for i, c in enumerate(gaps.categories)}
    assert row["boodschappen"] == ([8, 3, 2], "")  # 8 asked, the 2 expired and 1 escalated never answered
    assert row["taal"] == ([1, 1, 0], "Gevraagd, maar geen aanbod in de wijk")
    assert row["klussen"] == ([0, 0, 1], "Aanbod, maar niemand vroeg erom")


def test_the_new_tables_are_on_the_page_and_in_csv_with_small_numbers_hidden(app, client, session,
                                                                              figures_world):  # noqa: F811
    login(client, "beheerder@example.nl")
    page = client.get("/dashboard/?van=2026-01-01&tot=2026-12-31").get_data(as_text=True)
    for heading in ("Vrijwilligers, nieuw en terugkerend", "Aanmeldingen en aanwezigheid", "Verloop per maand",
                    "Vraag en aanbod per onderwerp"):
        assert heading in page
    for name in ("vrijwilligers", "activiteiten", "maanden", "hiaten"):
        response = client.get(f"/dashboard/{name}.csv?van=2026-01-01&tot=2026-12-31")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert len(rows) >= 2
        for row in rows[1:]:
            assert not any(cell in {"1", "2", "3", "4"} for cell in row[1:]), (name, row)
    assert client.get("/dashboard/hiaten.csv?wijk=WK015304").status_code == 200
    pm = make_user(session, email="pm3@example.nl", roles=("preventiemakelaar",))
    client.post("/logout")
    login(client, pm.email)
    other = session.exec(select(Area).where(Area.code == "WK015305")).one()
    assert client.get(f"/dashboard/hiaten.csv?wijk={other.code}").status_code == 403
