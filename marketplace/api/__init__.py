"""Public JSON API, version 1. Public information only; rate-limited; 400 with a JSON error on bad input."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from .. import matching_service, suggest_answers
from ..db import get_session
from ..extensions import csrf
from ..ratelimit import api_limit
from ..geocoding import OfflineGeocoder, normalise_postcode
from ..models import utcnow
from ..params import bounded_int, finite_float
from . import openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# The document lives beside the versions (/api/openapi.json), not inside one.
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")

MAX_TEXT = 1000
MAX_LIMIT = 50


class BadParameter(ValueError):
    pass


def _where(args) -> tuple:
    """The place asked about, its form checked: ("postcode", "7511AB") or ("point", lat, lon)."""
    postcode, lat, lon = args.get("postcode"), args.get("lat"), args.get("lon")
    if postcode:
        normalised = normalise_postcode(postcode)
        if normalised is None:
            raise BadParameter("postcode: gebruik een Nederlandse postcode zoals 7511AB of 7511.")
        return "postcode", normalised
    if lat is None or lon is None:
        raise BadParameter("Geef een postcode, of lat en lon.")
    lat_f, lon_f = finite_float(lat, -90, 90), finite_float(lon, -180, 180)  # no nan, inf or 1e400
    if lat_f is None or lon_f is None:
        raise BadParameter("lat en lon moeten getallen zijn: lat tussen -90 en 90, lon tussen -180 en 180.")
    return "point", lat_f, lon_f


def _point(where: tuple) -> tuple[float, float]:
    """(lat, lon) of the place: a postcode from the gazetteer."""
    if where[0] == "point":
        return where[1], where[2]
    place = OfflineGeocoder(get_session()).locate(where[1])
    if place is None:
        raise BadParameter("postcode: deze postcode kennen we niet.")
    return place.lat, place.lon


def _limit(args) -> int:
    limit = bounded_int(args.get("limit", "10"), 1, MAX_LIMIT)
    if limit is None:
        raise BadParameter(f"limit moet een heel getal zijn van 1 tot {MAX_LIMIT}.")
    return limit


def _complete(args) -> bool:
    """alle=1: every suggestion up to ``limit``, not only the first answer (the best of each need)."""
    value = bounded_int(args.get("alle", "0"), 0, 1)
    if value is None:
        raise BadParameter("alle moet 0 of 1 zijn.")
    return value == 1


def _text(args) -> str:
    text = (args.get("text") or "").strip()
    if not text:
        raise BadParameter("text is verplicht: beschrijf de hulpvraag.")
    if len(text) > MAX_TEXT:
        raise BadParameter(f"text mag hoogstens {MAX_TEXT} tekens lang zijn.")
    return text


@bp.get("/suggest")
@api_limit("API_RATE_LIMIT", "60 per minute")
def suggest():
    try:
        text, where = _text(request.args), _where(request.args)
        try:
            limit, complete = _limit(request.args), _complete(request.args)
        except BadParameter:
            _point(where)  # an unknown postcode is said first
            raise
    except BadParameter as error:
        return jsonify({"error": str(error)}), 400
    session, minute = get_session(), utcnow().replace(second=0, microsecond=0)

    def answer() -> str:
        lat, lon = _point(where)
        return current_app.json.response(_answer(session, text, lat, lon, limit, minute, complete)).get_data(as_text=True)

    # Public answers, cached for anonymous callers only (suggest_answers says what the key holds).
    try:
        body = suggest_answers.answer(session, text, where, limit, minute, answer,
                                      signed_in=current_user.is_authenticated, complete=complete)
    except BadParameter as error:  # an unknown postcode (never cached)
        return jsonify({"error": str(error)}), 400
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _answer(session, text: str, lat: float, lon: float, limit: int, now, complete: bool = False) -> dict:
    result = matching_service.suggest_for_text(session, text, lat, lon, limit, now=now, complete=complete)
    warning = [f"Bij gevaar: bel {e['phone']} ({e['name']})" for e in result.emergency]
    return {
        "categories": [{"slug": slug, "score": round(score, 4)} for slug, score in result.categories],
        "suggestions": [{
            "kind": s.kind, "id": s.id, "title": s.title, "category": s.category, "tier": s.tier,
            "distance_m": int(s.distance_m), "score": round(float(s.score), 4),
            "reasons": warning + matching_service.reason_texts(s),
        } for s in result.suggestions],
        # What the platform decided: "danger" means professional help only; "possible" means a
        # professional looks first. confident=false: the text was not understood, nothing is guessed.
        "safety": result.safety,
        "confident": result.confident,
    }


@docs_bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(MAX_TEXT, MAX_LIMIT))
