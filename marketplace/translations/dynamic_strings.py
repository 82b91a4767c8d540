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

# matching/categories.py: description_nl of every category (the |category_description filter;
# tests/test_i18n.py checks that each one is here)
_("Hulp bij boodschappen doen, naar de supermarkt of de apotheek.")
_("Iemand die u brengt of meegaat naar een afspraak, de dokter of het ziekenhuis.")
_("Kleine klussen in en om het huis, en hulp in de tuin.")
_("Hulp bij het huishouden: opruimen, schoonmaken, de was en het huis op orde.")
_("Hulp bij post, brieven en formulieren, zoals de belastingaangifte of toeslagen.")
_("Hulp bij geld, schulden, rondkomen en de voedselbank.")
_("Nederlands leren, oefenen met praten, lezen en schrijven.")
_("Hulp met de computer, tablet of telefoon, internet en DigiD.")
_("Een maatje, bezoek of een praatje tegen eenzaamheid.")
_("Plekken om mensen te ontmoeten, samen eten, koffie in het buurthuis.")
_("Sport en bewegen, zoals een wandelgroep, gym of fietsen.")
_("Vragen over opvoeden en het gezin, hulp voor ouders.")
_("Voor kinderen en jongeren: huiswerkhulp, activiteiten, oppas.")
_("Steun en even rust voor wie zorgt voor een ziek familielid of naaste.")
_("Vrijwilligerswerk als stap naar werk, sollicitaties en dagbesteding.")
_("Lichamelijke en psychische gezondheid, leefstijl en verslaving.")
_("Vragen over wonen: huurschuld, verhuizen, overlast of een vol huis.")
_("Hulp met huisdieren: de hond uitlaten of de kat eten geven.")
_("Huiselijk geweld, bedreiging of zorgen over een kind. Alleen voor professionals.")

# __init__.py: Flask-Login's message (translated through login_manager.localize_callback)
_("Log eerst in om deze pagina te zien.")
