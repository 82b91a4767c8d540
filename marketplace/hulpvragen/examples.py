"""Example sentences people may copy in step 2 of the request form (plain B1 Dutch)."""

from flask_babel import lazy_gettext as _l

# Example sentences people may copy (step 2), per category; B1 Dutch.
EXAMPLES = {
    "boodschappen": [_l("Ik kan niet goed lopen. Wie doet één keer per week boodschappen voor mij?"),
                     _l("Wie kan mijn medicijnen ophalen bij de apotheek?"),
                     _l("Ik heb zware tassen. Wie helpt mij dragen?")],
    "vervoer": [_l("Ik moet naar het ziekenhuis. Wie kan mij brengen en halen?"),
                _l("Wie gaat met mij mee naar de dokter?"),
                _l("Ik kan niet met de bus. Wie rijdt mij naar mijn afspraak?")],
    "klussen": [_l("Mijn lamp is kapot. Wie kan een nieuwe ophangen?"),
                _l("Mijn tuin is te groot voor mij. Wie helpt met het gras?"),
                _l("Wie kan een kast voor mij ophangen?")],
    "administratie": [_l("Ik krijg brieven die ik niet begrijp. Wie leest mee?"),
                      _l("Wie helpt mij met een formulier van de gemeente?"),
                      _l("Ik wil hulp bij mijn belastingaangifte.")],
    "digitaal": [_l("Ik wil leren videobellen met mijn kleinkinderen."),
                 _l("Wie helpt mij met DigiD?"), _l("Mijn nieuwe telefoon doet niet wat ik wil. Wie helpt?")],
    "gezelschap": [_l("Ik ben veel alleen. Wie komt een keer koffie drinken?"),
                   _l("Wie wil met mij wandelen in het park?"), _l("Ik zoek iemand om mee te praten.")],
    "taal": [_l("Ik wil beter Nederlands leren spreken."), _l("Wie oefent met mij Nederlands praten?"),
             _l("Wie helpt mij een brief in het Nederlands te schrijven?")],
    "huisdieren": [_l("Ik lig in het ziekenhuis. Wie laat mijn hond uit?"),
                   _l("Wie geeft mijn kat eten als ik weg ben?")],
}
DEFAULT_EXAMPLES = [_l("Ik heb hulp nodig bij ... Het gaat om ..."), _l("Het lukt mij niet meer om ..."),
                    _l("Ik zoek iemand die ... Het liefst op ...")]
