"""Home page and language choice."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from sqlmodel import select

from ..auth import safe_next
from ..db import get_session
from ..models import Category

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    categories = get_session().exec(select(Category).order_by(Category.sort_order)).all()
    return render_template("main/index.html", categories=categories)


@bp.route("/taal", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next")
    return redirect(safe_next(target) if target else url_for("main.index"))
