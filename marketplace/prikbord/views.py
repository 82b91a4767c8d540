"""Routes of the 'prikbord' blueprint: the list of boards and the printable A4 board of one buurt."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for

from ..db import get_session
from ..models import Area
from ..params import page_number
from ..timeutil import local_today
from . import bp
from . import services as svc

DEFAULT_PHONE = "053 - 123 45 67"


@bp.route("/")
def index():
    return render_template("prikbord/index.html", wijken=svc.wijken_with_buurten(get_session()))


@bp.route("/<buurt_code>")
def buurt(buurt_code: str):
    session = get_session()
    area = svc.find_buurt(session, buurt_code) or abort(404)
    wijk = session.get(Area, area.parent_id) if area.parent_id else None
    found = svc.open_requests(session, area, page_number(request.args.get("page")))
    activities, more = svc.week_activities(session, area, limit=svc.BOARD_ACTIVITIES)
    return render_template("prikbord/board.html", buurt=area, wijk=wijk, today=local_today(),
                           requests=found.rows, page=found.page, pages=found.pages,
                           activities=activities, more_activities=more,
                           # printed: the whole address, from BASE_URL (never from the request's Host)
                           activities_url=current_app.config.get("BASE_URL", "").rstrip("/")
                           + url_for("activiteiten.index", wijk=wijk.id if wijk else ""),
                           phone=current_app.config.get("BOARD_PHONE", DEFAULT_PHONE))
