"""The municipality's dashboard (issue 11): figures against hand-counted fixtures, small-number
suppression in pages and CSV (no hidden count recoverable from a total), access, the cost model."""

from __future__ import annotations

import csv
import io
import itertools
import random
from datetime import date, datetime, timedelta, timezone

import pytest

from marketplace.dashboard import cost
from marketplace.dashboard import services as dsvc
from marketplace.dashboard.suppression import PRIMARY, SECONDARY, Table, suppress
from marketplace.models import Match, UserWijk

from .factories import add, login, make_offer, make_request, make_user, make_world

PASSWORD = "geheim-wachtwoord"
BASE = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def figures_world(app, session):
    w = make_world(session)
    resident = make_user(session, email="res@example.nl", roles=("bewoner",), name="Res Ident")
    v1 = make_user(session, email="v1@example.nl", roles=("vrijwilliger",), name="Vera Een")
    v2 = make_user(session, email="v2@example.nl", roles=("vrijwilliger",), name="Vera Twee")
    offers = [make_offer(session, v1, w.velve), make_offer(session, v2, w.velve)]
    # Velve-Lindenhof: 5 helped (answered after 2 h, matched after 10 h), 2 expired, 1 escalated, 1 open (taal).
    for i in range(5):
        r = make_request(session, resident, w.velve, status="done", created_at=BASE + timedelta(days=i))
        add(session, Match(request_id=r.id, kind="offer", offer_id=offers[i % 2].id, status="completed",
                           created_at=r.created_at + timedelta(hours=2), updated_at=r.created_at + timedelta(hours=10)))
    for status in ("expired", "expired", "escalated"):
        make_request(session, resident, w.velve, status=status, created_at=BASE + timedelta(days=8))
    make_request(session, resident, w.velve, categories=("taal",), created_at=BASE + timedelta(days=9))
    # Pathmos: 3 open requests; one outside the period.
    for _ in range(3):
        make_request(session, resident, w.pathmos, created_at=BASE + timedelta(days=3))
    make_request(session, resident, w.pathmos, created_at=BASE - timedelta(days=400))
    for key, roles in (("beheerder", ("beheerder",)), ("pm", ("preventiemakelaar",)), ("pro", ("professional",)),
                       ("aanbieder", ("aanbieder",)), ("ambassadeur", ("ambassadeur",))):
        make_user(session, email=f"{key}@example.nl", roles=roles, name=f"{key} Test")
    pm = make_user(session, email="pm2@example.nl", roles=("preventiemakelaar",), name="Pm Twee")
    from sqlmodel import select
    from marketplace.models import User
    pm_a = session.exec(select(User).where(User.email == "pm@example.nl")).one()
    add(session, UserWijk(user_id=pm_a.id, wijk_id=w.wijk.id))
    return {"world": w, "pm_none": pm}


PERIOD = dsvc.Period(date(2026, 1, 1), date(2026, 12, 31))


def test_figures_against_hand_counted_fixtures(app, session, figures_world):
    w = figures_world["world"]
    with app.test_request_context():
        f = dsvc.compute(session, [w.wijk.id, w.pathmos.parent_id], PERIOD)
    assert [x.name for x in f.wijken] == ["Pathmos", "Velve-Lindenhof"]
    # posted, answered within 48 h, matched, completed, expired, escalated
    assert f.by_wijk.cells == [[3, 0, 0, 0, 0, 0], [9, 5, 5, 5, 2, 1]]
    assert f.by_wijk.col_totals == [12, 5, 5, 5, 2, 1]
    cats = {c.slug: i for i, c in enumerate(f.categories)}
    assert f.by_category.cells[cats["boodschappen"]] == [11, 5, 5, 5, 2, 1]
    assert f.by_category.cells[cats["taal"]] == [1, 0, 0, 0, 0, 0]
    assert f.median_first_response_h == 2.0 and f.median_match_h == 10.0
    assert f.active_volunteers == 2
    # Rates per 1,000 inhabitants: Velve-Lindenhof (WK015305) has 9,900 in the default figures.
    assert f.rates == ["–", "–"]  # Pathmos' 3 are hidden, and so Velve's 9 (12 - 3): their rates too
    with app.test_request_context():
        alone = dsvc.compute(session, [w.wijk.id], PERIOD)
    assert alone.by_wijk.shown(("c", 0, 0)) == "9" and alone.rates == ["0,9"]  # 9 per 9,900 inhabitants


def test_small_numbers_are_hidden_and_cannot_be_recovered(app, session, figures_world):
    w = figures_world["world"]
    with app.test_request_context():
        f = dsvc.compute(session, [w.wijk.id, w.pathmos.parent_id], PERIOD)
    t = f.by_wijk
    assert t.shown(("c", 0, 0)) == PRIMARY  # Pathmos: 3 requests
    assert t.shown(("c", 1, 0)) == SECONDARY  # Velve's 9 hidden too: else 12 - 9 = 3
    assert t.shown(("k", 0)) == "12"
    assert t.shown(("c", 1, 4)) == PRIMARY and t.shown(("k", 4)) in (PRIMARY, SECONDARY)  # expired: 2 = the total
    for table in (f.by_wijk, f.by_category, f.referrals):
        assert_unrecoverable(table)


def _brute_force_values(total, visible_sum, hidden_kinds):
    """Every assignment of the hidden cells (small: 1..4, other: 5..total) that fits the line."""
    rest = total - visible_sum
    ranges = [range(1, 5) if kind == PRIMARY else range(5, max(rest, 5) + 1) for kind in hidden_kinds]
    return [combo for combo in itertools.product(*ranges) if sum(combo) == rest]


def assert_unrecoverable(table: Table) -> None:
    for total_pos, parts in table.lines():
        if total_pos in table.hidden:
            continue
        hidden = [p for p in parts if p in table.hidden]
        if not any(table.hidden[p] == PRIMARY for p in hidden):
            continue
        visible = sum(table.value(p) for p in parts if p not in table.hidden)
        kinds = [table.hidden[p] for p in hidden]
        solutions = _brute_force_values(table.value(total_pos), visible, kinds)
        assert solutions, "the true values must fit"
        for k, kind in enumerate(kinds):
            if kind == PRIMARY:
                assert len({s[k] for s in solutions}) >= 2, f"{hidden[k]} recoverable from {total_pos}"


def test_secondary_suppression_by_hand():
    t = suppress(Table(cells=[[3, 10], [7, 12]], col_totals=[10, 22]))
    assert t.shown(("c", 0, 0)) == PRIMARY and t.shown(("c", 1, 0)) == SECONDARY and t.shown(("k", 0)) == "10"
    assert t.shown(("c", 0, 1)) == "10" and t.shown(("k", 1)) == "22"
    # Only small counts in a line and nothing to hide with them: the total goes.
    t = suppress(Table(cells=[[4], [4], [4]], col_totals=[12]))
    assert t.shown(("k", 0)) == SECONDARY
    # A lone small count equal to its total: both hidden.
    t = suppress(Table(cells=[[0], [2]], col_totals=[2]))
    assert t.shown(("c", 0, 0)) == "0" and t.shown(("k", 0)) == PRIMARY


def test_random_tables_never_leak_a_small_count():
    rng = random.Random(11)
    for _ in range(300):
        rows, cols = rng.randint(1, 4), rng.randint(1, 4)
        cells = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30]) for _ in range(cols)] for _ in range(rows)]
        col_totals = [sum(r[j] for r in cells) for j in range(cols)]
        both = rng.random() < 0.5
        table = suppress(Table(cells=cells, row_totals=[sum(r) for r in cells] if both else None,
                               col_totals=col_totals, grand_total=sum(col_totals) if both else None))
        assert all(table.shown(p) == PRIMARY for p in table.positions() if 0 < table.value(p) < 5)
        assert_unrecoverable(table)


def _client(app, email):
    c = app.test_client()
    assert login(c, email, PASSWORD).status_code == 302
    return c


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_pages_and_csv_show_small_numbers_as_less_than_five(app, session, figures_world):
    admin = _client(app, "beheerder@example.nl")
    page = admin.get("/dashboard/?van=2026-01-01&tot=2026-12-31")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "&lt;5" in body and "<svg" in body and "Download deze tabel als CSV" in body
    for name in ("wijken", "categorieen", "verwijzingen", "trend", "kosten"):
        assert f"/dashboard/{name}.csv?" in body.replace("&amp;", "&")
        response = admin.get(f"/dashboard/{name}.csv?van=2026-01-01&tot=2026-12-31")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
    rows = _csv(admin.get("/dashboard/wijken.csv?van=2026-01-01&tot=2026-12-31"))
    assert rows[0][:3] == ["wijk", "posted", "answered_48h"]
    pathmos = next(r for r in rows if r[0] == "Pathmos")
    velve = next(r for r in rows if r[0] == "Velve-Lindenhof")
    total = rows[-1]
    assert pathmos[1] == "<5" and velve[1] == "•" and total[1] == "12"
    # Recoverability from the CSV alone, column by column.
    for j in range(1, 7):
        column = [pathmos[j], velve[j]]
        if "<5" not in column or not total[j].isdigit():
            continue
        visible = sum(int(v) for v in column if v.isdigit())
        kinds = [PRIMARY if v == "<5" else SECONDARY for v in column if not v.isdigit()]
        solutions = _brute_force_values(int(total[j]), visible, kinds)
        for k, kind in enumerate(kinds):
            if kind == PRIMARY:
                assert len({s[k] for s in solutions}) >= 2
    trend = _csv(admin.get("/dashboard/trend.csv?van=2026-01-01&tot=2026-12-31"))
    assert ["2026-06", "12"] in trend and ["2026-07", "0"] in trend  # all 12 of the period were posted in June


def test_dashboard_access(app, session, figures_world):
    anonymous = app.test_client().get("/dashboard/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert app.test_client().get("/dashboard/wijken.csv").status_code == 302
    make_user(session, email="res2@example.nl", roles=("bewoner",), name="Res Twee")
    make_user(session, email="vol2@example.nl", roles=("vrijwilliger",), name="Vol Twee")
    for email in ("res2@example.nl", "vol2@example.nl", "pro@example.nl", "aanbieder@example.nl",
                  "ambassadeur@example.nl"):
        c = _client(app, email)
        assert c.get("/dashboard/").status_code == 403, email
        assert c.get("/dashboard/wijken.csv").status_code == 403, email
    pm = _client(app, "pm@example.nl")
    assert pm.get("/dashboard/?wijk=WK015305").status_code == 200
    assert pm.get("/dashboard/?wijk=WK015304").status_code == 403  # not their wijk
    assert pm.get("/dashboard/wijken.csv?wijk=WK015304").status_code == 403
    rows = _csv(pm.get("/dashboard/wijken.csv?van=2026-01-01&tot=2026-12-31"))
    assert [r[0] for r in rows[1:-1]] == ["Velve-Lindenhof"]
    assert _client(app, "beheerder@example.nl").get("/dashboard/nope.csv").status_code == 404
    assert _client(app, "beheerder@example.nl").get("/dashboard/?van=2026-99-99").status_code == 200


def test_the_cost_model_arithmetic():
    lines, total = cost.estimate({"ontmoeting": 10, "administratie": 4, "boodschappen": 7})
    dag, begeleiding = lines
    # Groepsdagbesteding: 10 cases × 10 % × (52 half days × €50.67 − €500) = 1 × 2,134.84
    assert dag.cases == 10 and dag.formal_cost_per_case == 2634.84 and dag.avoided_eur == 2134.84
    # Individuele begeleiding: 4 × 10 % × (26 hours × €70.50 − €250) = 0.4 × 1,583
    assert begeleiding.cases == 4 and begeleiding.avoided_eur == 633.2
    assert total == 2768.04  # boodschappen is in no provision: not counted
    assert all("Westerveld 2023" in line.source for line in lines)
    assert "002:1228" in dag.source
    custom = [{"key": "x", "label": "X", "categories": ["taal"], "tariff_eur": 10.0, "unit": "uur",
               "units_per_case": 3, "general_cost_per_case_eur": 5.0, "share_avoided": 0.5, "source": "test"}]
    assert cost.estimate({"taal": 2}, custom)[1] == 25.0  # 2 × 0.5 × (30 − 5)
