"""Routes of 'verwijzingen': the list (team and inbox), a new referral, one referral and its
actions, the printable letter, the client's link without an account, and the audit log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from .. import audit
from ..access import roles_required
from ..db import get_session, unit_of_work
from ..extensions import limiter
from ..mail import absolute_url
from ..models import Area, AuditEvent, Organisation, Referral, ReferralClient, User, Voorziening
from ..params import int_id, page_number
from ..timeutil import local_today
from ..voorzieningen.presentation import locations_for, schedules_for
from ..voorzieningen.schedule_text import week_in_words
from . import bp
from . import services as svc
from .forms import REFER_FIELDS, ClientReportForm, ConfirmForm, NewReferralForm, StatusForm

ROLES = ("professional", "aanbieder")


def _words():
    return {"status_words": svc.STATUS_WORDS, "status_badge": svc.STATUS_BADGE, "reason_words": svc.REASON_WORDS,
            "actor_words": svc.ACTOR_WORDS, "age_band_words": svc.AGE_BAND_WORDS,
            "contact_words": svc.CONTACT_WORDS, "legal_basis_words": svc.LEGAL_BASIS_WORDS,
            "method_words": svc.METHOD_WORDS, "life_domains": svc.LIFE_DOMAINS, "share_fields": svc.SHARE_FIELDS,
            "action_words": svc.ACTION_WORDS}


@bp.route("/")
@roles_required(*ROLES)
def index():
    session = get_session()
    team = svc.team_referrals(session, current_user, page_number(request.args.get("team")))
    inbox = svc.inbox(session, current_user, page_number(request.args.get("inbox")))
    with unit_of_work(session):
        audit.record(session, "referral.list", detail=f"team={len(team.rows)}/{team.total} "
                                                      f"inbox={len(inbox.rows)}/{inbox.total}")
    return render_template("verwijzingen/index.html", team=team, inbox=inbox,
                           is_professional=current_user.has_role("professional"),
                           is_aanbieder=current_user.has_role("aanbieder"), **_words())


def _new_form(session) -> NewReferralForm:
    form = NewReferralForm()
    form.buurt.choices = [(b.id, b.name) for b in svc.buurten(session)]
    referable = svc.referable_voorzieningen(session)
    form.voorzieningen.choices = [(v.id, v.name) for v in referable]
    form.consent_organisations.choices = [(o, str(o)) for o in dict.fromkeys(v.organisation_id for v in referable)]
    return form


def _step_four_defaults(form: NewReferralForm) -> None:
    """Steps 3 and 4 appear only after the first search, so that search did not send their fields:
    they start at their defaults (the consent date at half a year), not empty, and show no errors."""
    for name in REFER_FIELDS:
        field = getattr(form, name)
        field.errors = []
        if name in request.form or name in ("voorzieningen", "consent_organisations"):
            continue
        default = field.default() if callable(field.default) else field.default
        field.data = default if default is None or isinstance(default, (list, tuple)) else str(default)
    if form.valid_until.data is None:
        form.valid_until.data = local_today() + timedelta(days=182)


def _prefill(session, form: NewReferralForm) -> None:
    """From a suggestion (?voorziening=<id>&vraag=...): the question is carried along, asked once."""
    text = (request.args.get("vraag") or "").strip()[:2000]
    if text:
        form.question.data = text
    wanted = int_id(request.args.get("voorziening"))
    if wanted is not None and wanted in {v.id for v in svc.referable_voorzieningen(session)}:
        form.voorzieningen.data = [wanted]


@bp.route("/nieuw", methods=["GET", "POST"])
@roles_required("professional")
@limiter.limit("60 per hour", methods=["POST"])
def new():
    session = get_session()
    form = _new_form(session)
    if request.method == "GET":
        _step_four_defaults(form)
        _prefill(session, form)
    ladder, found, status = None, [], 200
    if request.method == "POST":
        form.referring = "refer" in request.form
        valid = form.validate_on_submit()
        if not form.referring:  # 'Zoek passende hulp': only the first two steps count
            _step_four_defaults(form)
            valid = not any(f.errors for f in form)
        if valid:
            buurt = session.get(Area, form.buurt.data) if form.buurt.data else None
            if form.referring:
                try:
                    with unit_of_work(session):
                        made = svc.create_referrals(session, current_user, _new_referral(form))
                except svc.ConsentMissing as error:
                    form.consent_organisations.errors = [str(error)]
                except svc.ReferralError as error:
                    form.voorzieningen.errors = [str(error)]
                else:
                    flash(_("De verwijzing is verstuurd. De organisatie laat binnen %(days)s werkdagen iets weten.",
                            days=current_app.config["REFERRAL_RESPONSE_DAYS"]), "success")
                    return redirect(url_for("verwijzingen.detail", id=made[0].id))
            ladder = svc.ladder(session, form.question.data, buurt)
            if form.zoek.data:
                found = svc.search_sociale_kaart(session, form.zoek.data)
        if any(f.errors for f in form):
            status = 422
    by_id = {v.id: v for v in svc.referable_voorzieningen(session)}
    suggested = [by_id[s.id] for s in (ladder.suggestions if ladder else []) if s.kind == "voorziening" and s.id in by_id]
    chosen = [by_id[i] for i in (form.voorzieningen.data or []) if i in by_id]
    options = list({v.id: v for v in [*chosen, *suggested, *found]}.values())
    organisations = {o.id: o.name for o in session.exec(select(Organisation)).all()}
    return render_template("verwijzingen/new.html", form=form, ladder=ladder, options=options, found=found,
                           searched=bool(form.zoek.data) and request.method == "POST",
                           organisations=organisations, tiers={v.id: v.tier for v in options},
                           consent_version=current_app.config["CONSENT_TEXT_VERSION"], **_words()), status


def _new_referral(form) -> svc.NewReferral:
    return svc.NewReferral(
        client=svc.NewClient(alias=form.alias.data, buurt_id=form.buurt.data or None,
                             age_band=form.age_band.data or None, languages=form.languages.data or ["nl"],
                             life_domains=form.life_domains.data or [],
                             contact_preference=form.contact_preference.data),
        question=form.question.data, voorziening_ids=form.voorzieningen.data,
        consent=svc.NewConsent(shared_fields=form.shared_fields.data, purpose=form.purpose.data,
                               valid_until=form.valid_until.data, method=form.method.data,
                               text_version=current_app.config["CONSENT_TEXT_VERSION"]),
        legal_basis=form.legal_basis.data, warm_handover=bool(form.warm_handover.data),
        consented_organisation_ids=set(form.consent_organisations.data or []))


def _referral(id: int, *allowed: str) -> tuple[Referral, str]:
    """Load, 404, then 403 (not the team, not the organisation with consent) in one place."""
    session = get_session()
    referral = session.get(Referral, id) or abort(404)
    who = svc.access(session, current_user, referral)
    if who is None or (allowed and who not in allowed):
        with unit_of_work(session):
            audit.record(session, "referral.refused", "referral", referral.id)
        abort(403)
    return referral, who


@bp.route("/<int:id>")
@roles_required(*ROLES)
def detail(id: int):
    session = get_session()
    referral, who = _referral(id)
    consent = svc.consent_for(session, referral)
    client = session.get(ReferralClient, referral.client_id)
    voorziening = session.get(Voorziening, referral.voorziening_id)
    organisation = session.get(Organisation, referral.organisation_id)
    events = svc.events(session, referral) if who == "team" else []
    names = svc.names_of(session, [referral.professional_id, *(e.actor_id for e in events),
                                   consent.recorded_by_id if consent else None])
    with unit_of_work(session):
        audit.record(session, "referral.view", "referral", referral.id, detail=f"as={who}")
    return render_template(
        "verwijzingen/detail.html", r=referral, who=who, consent=consent, client=client, voorziening=voorziening,
        organisation=organisation, events=events, names=names,
        shared=svc.shared_fields(consent) if who == "organisatie" else set(svc.SHARE_FIELDS),
        buurt=session.get(Area, client.buurt_id) if client and client.buurt_id else None,
        moves=svc.organisation_moves(referral) if who == "organisatie" else (),
        no_response=svc.no_response(referral), due=svc.response_due(referral),
        is_open=referral.status not in svc.ENDS, can_report=referral.status in svc.CLIENT_CAN_REPORT,
        consent_holds=svc.consent_holds(consent), status_form=StatusForm(), confirm=ConfirmForm(),
        report_form=ClientReportForm(), **_words())


def _back(id: int):
    return redirect(url_for("verwijzingen.detail", id=id))


@bp.route("/<int:id>/status", methods=["POST"])
@roles_required("aanbieder")
def organisation_update(id: int):
    session = get_session()
    referral, _who = _referral(id, "organisatie")
    form = StatusForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(id)
    try:
        with unit_of_work(session):
            svc.organisation_update(session, referral, current_user, request.form.get("naar", ""),
                                    form.reason.data or None, form.feedback.data)
    except svc.ReferralError as error:
        flash(str(error), "error")
        return _back(id)
    flash(_("Opgeslagen. De wijkcoach ziet het meteen."), "success")
    return _back(id)


@bp.route("/<int:id>/intrekken", methods=["POST"])
@roles_required("professional")
def withdraw(id: int):
    session = get_session()
    referral, _who = _referral(id, "team")
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work(session):
            svc.professional_withdraw(session, referral, current_user, form.reason.data or None)
    except svc.ReferralError as error:
        flash(str(error), "error")
        return _back(id)
    flash(_("De verwijzing is ingetrokken."), "success")
    return _back(id)


@bp.route("/<int:id>/toestemming-intrekken", methods=["POST"])
@roles_required("professional")
def withdraw_consent(id: int):
    session = get_session()
    referral, _who = _referral(id, "team")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with unit_of_work(session):
            svc.withdraw_consent(session, referral, current_user)
    except svc.ReferralError as error:
        flash(str(error), "error")
        return _back(id)
    flash(_("De toestemming is ingetrokken. De organisatie ziet nu alleen nog dat de verwijzing is ingetrokken."),
          "success")
    return _back(id)


@bp.route("/<int:id>/voor-client", methods=["POST"])
@roles_required("professional")
def report_for_client(id: int):
    """The professional passes on what the client said: 'ik ben geweest' or 'het lukte niet'."""
    session = get_session()
    referral, _who = _referral(id, "team")
    form = ClientReportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work(session):
            svc.client_report(session, referral, request.form.get("uitkomst", ""), form.reason.data or None,
                              actor_id=current_user.id)
    except svc.ReferralError as error:
        flash(str(error), "error")
        return _back(id)
    flash(_("Opgeslagen."), "success")
    return _back(id)


@bp.route("/<int:id>/brief")
@roles_required("professional")
def letter(id: int):
    """A printable B1 letter for the client: where to go, when, whom to call, the reference."""
    session = get_session()
    referral, _who = _referral(id, "team")
    voorziening = session.get(Voorziening, referral.voorziening_id)
    organisation = session.get(Organisation, referral.organisation_id)
    places = locations_for(session, [voorziening.id]).get(voorziening.id, [])
    times = week_in_words(schedules_for(session, [voorziening.id]).get(voorziening.id, []))
    client = session.get(ReferralClient, referral.client_id)
    professional = session.get(User, referral.professional_id)
    with unit_of_work(session):
        audit.record(session, "referral.letter", "referral", referral.id)
    return render_template("verwijzingen/letter.html", r=referral, voorziening=voorziening,
                           organisation=organisation, places=places, times=times, client=client,
                           professional=professional,
                           link=absolute_url("verwijzingen.client_link", token=referral.client_token))


@bp.route("/terugmelden/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def client_link(token: str):
    """The client's link from the letter, without an account: 'ik ben geweest / het lukte niet'."""
    session = get_session()
    referral = svc.token_referral(session, token) or abort(404)
    voorziening = session.get(Voorziening, referral.voorziening_id)
    form = ClientReportForm()
    done = False
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work(session):
                svc.client_report(session, referral, request.form.get("uitkomst", ""), form.reason.data or None)
        except svc.ReferralError as error:
            flash(str(error), "error")
        else:
            done = True
    else:
        with unit_of_work(session):
            audit.record(session, "referral.client_link", "referral", referral.id, actor_id=None)
    return render_template("verwijzingen/client_link.html", r=referral, voorziening=voorziening, form=form,
                           done=done, can_report=referral.status in svc.CLIENT_CAN_REPORT)


# --------------------------------------------------------------------------- the audit log (beheerder)

AUDIT_PAGE_SIZE = 100


def _audit_rows(session, page: int | None):
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    action = (request.args.get("actie") or "").strip()[:48]
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if page is not None:
        query = query.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE)
    rows = session.exec(query).all()
    return rows, action


@bp.route("/auditlog")
@roles_required()
def audit_log():
    session = get_session()
    page = page_number(request.args.get("page"))
    rows, action = _audit_rows(session, page)
    names = svc.names_of(session, [r.actor_id for r in rows])
    with unit_of_work(session):
        audit.record(session, "audit.view", detail=f"page={page}")
    return render_template("verwijzingen/audit_log.html", rows=rows, names=names, page=page, action=action,
                           has_next=len(rows) == AUDIT_PAGE_SIZE)


@bp.route("/auditlog.csv")
@roles_required()
def audit_log_csv():
    session = get_session()
    rows, action = _audit_rows(session, None)
    names = svc.names_of(session, [r.actor_id for r in rows])
    with unit_of_work(session):
        audit.record(session, "audit.export", detail=f"rows={len(rows)}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "tijd_utc", "wie_id", "wie", "actie", "soort", "object_id", "details"])
    for r in rows:
        writer.writerow([r.id, r.created_at.isoformat(), r.actor_id or "", _csv_safe(names.get(r.actor_id, "")),
                         r.action, r.target_kind or "", r.target_id or "", _csv_safe(r.detail or "")])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=auditlog.csv"})


def _csv_safe(value: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
