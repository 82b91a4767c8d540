"""Dutch source strings that the code translates at run time from a variable, as in
``_(KIND_LABELS[kind])``. Babel cannot see those, so they are listed here
to be extracted by ``flask translate update``. Never imported.

Keep in step with: moderatie/services.py (KIND_LABELS, REPORT_REASONS), admin/__init__.py
(ROLE_LABELS), koppelingen/views.py (STATUS_WORDS). Day, month and language names are not here:
they come from Babel (marketplace/formatting.py).
Better still: mark them where they are defined with ``_l()`` and drop them from here.
"""


def _(message: str) -> str:
    return message


# moderatie/services.py: KIND_LABELS (also lower-cased inside e-mails: "Uw hulpvraag ...")
_("Hulpvraag"), _("Hulpaanbod"), _("Voorziening"), _("Activiteit"), _("Organisatie")

# moderatie/services.py: REPORT_REASONS
_("Oplichting of spam"), _("Ongepast of kwetsend"), _("Klopt niet (meer)"), _("Onveilig"), _("Anders")

# admin/__init__.py: ROLE_LABELS
_("Bewoner"), _("Vrijwilliger"), _("Ambassadeur"), _("Professional (wijkcoach)")
_("Aanbieder (organisatie)"), _("Preventiemakelaar"), _("Beheerder (gemeente)")

# koppelingen/views.py: STATUS_WORDS
_("Voorgesteld door Buurtplein"), _("Wacht op antwoord"), _("Afgesproken"), _("Niet doorgegaan"), _("Klaar")

# matching/safety.py: the names on the emergency card (templates/koppelingen/_suggestions.html)
_("Alarmnummer bij direct gevaar"), _("Veilig Thuis (huiselijk geweld, kindermishandeling)")
_("113 Zelfmoordpreventie")
