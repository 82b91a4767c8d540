"""Routes of 'dashboard': the figures page and a CSV per table (``/dashboard/<naam>.csv``)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, render_template, request
from flask_login import current_user

from .. import areas, audit
from ..access import roles_required
from ..db import get_session, unit_of_work
from ..models import REFERRAL_STATUSES, TIERS
from ..params import date_in_range
from ..timeutil import local_today
from ..visibility import staff_wijk_ids
from . import bp
from . import measures
from . import services as svc
from .suppression import PRIMARY, SECONDARY

# Column heads of the referral table, on the page and in verwijzingen.csv: the words the CSV has
# always had (a municipality's spreadsheet may read them), whatever the stored values are.
REFERRAL_COLUMNS = {"referred": "verwezen", "signed_up": "aangemeld", "waiting_list": "wachtlijst",
                    "started": "gestart", "completed": "afgerond", "not_started": "niet_gestart",
                    "withdrawn": "ingetrokken"}

TABLES = ("wijken", "categorieen", "verwijzingen", "trend", "kosten", "vrijwilligers", "activiteiten", "maanden",
          "hiaten")
MORE_TABLES = ("vrijwilligers", "activiteiten", "maanden", "hiaten")


def _scope():
    """The wijken the viewer may see, the chosen wijk(s) and the period; 403 for another's wijk."""
    session = get_session()
    allowed = staff_wijk_ids(session, current_user)
    wijken = areas.wijken(session)
    if allowed is not None:
        wijken = [w for w in wijken if w.id in allowed]
    code = (request.args.get("wijk") or "").strip()
    chosen = wijken
    if code:
        chosen = [w for w in wijken if w.code == code]
        if not chosen:
            abort(403 if areas.wijk_by_code(session, code) else 404)
    tot = date_in_range(request.args.get("tot")) or local_today()
    van = date_in_range(request.args.get("van")) or tot - timedelta(days=364)
    if van > tot:
        van, tot = tot, van
    return session, wijken, chosen, code, svc.Period(van, tot)


@bp.route("/")
@roles_required("preventiemakelaar")
def index():
    session, wijken, chosen, code, period = _scope()
    figures = svc.compute(session, [w.id for w in chosen], period)
    trend = svc.monthly_posted(session, [w.id for w in chosen], period)
    more = _more(session, chosen, period)
    with unit_of_work(session):
        audit.record(session, "dashboard.view", detail=f"wijk={code or 'alle'} {period.start}..{period.end}")
    args = {"wijk": code or None, "van": period.start.isoformat(), "tot": period.end.isoformat()}
    return render_template("dashboard/index.html", f=figures, trend=trend, wijken=wijken, code=code, period=period,
                           args=args, measure_heads=[str(svc.MEASURE_WORDS[m]) for m in svc.MEASURES], tiers=TIERS,
                           statuses=[REFERRAL_COLUMNS[s] for s in REFERRAL_STATUSES], PRIMARY=PRIMARY, SECONDARY=SECONDARY,
                           max_trend=max([n for _m, _s, n in trend] or [1]) or 1,
                           max_posted=max([row[0] for row in figures.by_wijk.cells] or [1]) or 1, more=more,
                           month_heads=[str(measures.MONTH_WORDS[c]) for c in measures.MONTH_COLUMNS])


def _more(session, chosen, period) -> dict:
    scope = measures.Scope.of(session, [w.id for w in chosen], period)
    labels, by_month = measures.monthly(session, scope, period)
    return {"volunteers": measures.volunteers(session, scope), "attendance": measures.attendance(session, scope),
            "months": labels, "by_month": by_month, "gaps": measures.gaps(session, scope)}


def _more_rows(name: str, more: dict) -> list[list[str]]:
    if name == "vrijwilligers":
        t = more["volunteers"]
        return [["nieuw", "terugkerend", "actief"], [t.shown(("c", 0, 0)), t.shown(("c", 0, 1)), t.shown(("r", 0))]]
    if name == "activiteiten":
        t = more["attendance"]
        return [["aanwezig", "niet_aanwezig", "niet_bijgehouden", "aanmeldingen"],
                [*(t.shown(("c", 0, j)) for j in range(3)), t.shown(("r", 0))]]
    if name == "maanden":
        t = more["by_month"]
        rows = [["maand", *measures.MONTH_COLUMNS]]
        rows += [[m, *(t.shown(("c", i, j)) for j in range(len(measures.MONTH_COLUMNS)))]
                 for i, m in enumerate(more["months"])]
        return rows + [["totaal", *(t.shown(("k", j)) for j in range(len(measures.MONTH_COLUMNS)))]]
    g = more["gaps"]
    rows = [["categorie", "gevraagd", "zonder_antwoord", "aanbod_nu", "opvallend"]]
    rows += [[c.name_nl, *(g.table.shown(("c", i, j)) for j in range(3)), g.notes[i]]
             for i, c in enumerate(g.categories)]
    return rows + [["totaal", *(g.table.shown(("k", j)) for j in range(3)), ""]]


def _rows(name: str, f: svc.Figures, trend) -> list[list[str]]:
    if name in ("wijken", "categorieen"):
        table = f.by_wijk if name == "wijken" else f.by_category
        labels = [w.name for w in f.wijken] if name == "wijken" else [c.name_nl for c in f.categories]
        head = ["wijk" if name == "wijken" else "categorie", *svc.MEASURES]
        if name == "wijken":
            head.append("gevraagd_per_1000_inwoners")
        rows = [head]
        for i, label in enumerate(labels):
            row = [label, *(table.shown(("c", i, j)) for j in range(len(svc.MEASURES)))]
            if name == "wijken":
                row.append(f.rates[i])
            rows.append(row)
        total = ["Totaal", *(table.shown(("k", j)) for j in range(len(svc.MEASURES)))]
        rows.append(total + ([""] if name == "wijken" else []))
        return rows
    if name == "verwijzingen":
        t = f.referrals
        rows = [["lijn", *(REFERRAL_COLUMNS[s] for s in REFERRAL_STATUSES), "totaal"]]
        for i, tier in enumerate(TIERS):
            rows.append([tier, *(t.shown(("c", i, j)) for j in range(len(REFERRAL_STATUSES))), t.shown(("r", i))])
        rows.append(["totaal", *(t.shown(("k", j)) for j in range(len(REFERRAL_STATUSES))), t.shown(("g",))])
        return rows
    if name == "trend":
        return [["maand", "gevraagd"], *([m, shown] for m, shown, _n in trend)]
    rows = [["voorziening", "gevallen", "aandeel_vermeden", "kosten_formeel_per_geval_eur",
             "kosten_algemeen_per_geval_eur", "vermeden_eur", "bron"]]
    for line in f.cost_lines:
        rows.append([line.label, svc_show(line.cases), line.share_avoided, line.formal_cost_per_case,
                     line.general_cost_per_case, line.avoided_eur if line.cases >= 5 else "–", line.source])
    rows.append(["Totaal", "", "", "", "", f.cost_total if all(x.cases >= 5 or x.cases == 0 for x in f.cost_lines)
                 else "–", ""])
    return rows


def svc_show(n: int) -> str:
    from .suppression import show
    return show(n)


@bp.route("/<naam>.csv")
@roles_required("preventiemakelaar")
def table_csv(naam: str):
    if naam not in TABLES:
        abort(404)
    session, _wijken, chosen, code, period = _scope()
    figures = svc.compute(session, [w.id for w in chosen], period)
    trend = svc.monthly_posted(session, [w.id for w in chosen], period)
    rows = _more_rows(naam, _more(session, chosen, period)) if naam in MORE_TABLES else _rows(naam, figures, trend)
    with unit_of_work(session):
        audit.record(session, "dashboard.export", detail=f"{naam} wijk={code or 'alle'} {period.start}..{period.end}")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={naam}.csv"})
