"""Routes of the 'mijn' blueprint: one overview page of everything that is mine."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from .. import notifications
from ..db import get_session
from ..hulpvragen.forms import ConfirmForm
from ..hulpvragen.services import STATUS_BADGE
from . import bp
from . import services as svc


@bp.route("/")
@login_required
def index():
    session = get_session()
    return render_template("mijn/index.html", asked=svc.my_requests(session, current_user),
                           offered=svc.my_offers(session, current_user),
                           joined=svc.my_signups(session, current_user),
                           matches=svc.my_matches(session, current_user),
                           listings=svc.my_voorzieningen(session, current_user),
                           unread=notifications.unread_by_match(session, current_user.id),
                           request_badge=STATUS_BADGE, confirm=ConfirmForm())
