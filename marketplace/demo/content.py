"""Content of the deterministic demo municipality (Enschede) for Buurtplein, read from the data
files in ``data/`` (JSON, one file per kind). A separate loader (``loader.py``) turns these
structures into database rows.

Standard library only: no Flask, no SQL, no randomness (``tests/test_demo_content.py`` loads this
file on its own and checks the data).

- ``geography.json``: the gemeente, 10 wijken, their buurten and six-position postcodes (with a street).
- ``organisations.json``: invented organisations (``key`` is how the others refer to them).
- ``voorzieningen.json``: general services (nulde lijn), generalist professionals (eerste lijn) and
  indicated specialist care (tweede lijn); ``schedule`` holds [weekday, opens, closes].
- ``activities.json``: group activities and resident initiatives (BUURbook-style, 002:1052); some
  have a small capacity so that they are full in the demo.
- ``names.json``: first names (grouped by origin) and last names for demo residents and volunteers.
- ``offers.json``: volunteer offers per category, written as a volunteer would; every category
  except the professional-only "veiligheid".
- ``requests.json``: help requests per category, written the way residents write: short, plain,
  sometimes with a spelling mistake or in English. "veiligheid" requests are posted by a
  professional and are never matched to volunteers.

All names of organisations, people, phone numbers and e-mail addresses are
invented (e-mail domains end in ``.example.nl``). Wijken, buurten and streets
are modelled on Enschede; codes and postcodes are plausible, not official.

The kinds of services come from the seed documents in ``shared/seeds/``:

- wijken Pathmos, Velve-Lindenhof, Wesselerbrink and their wijkcoaches:
  000:53, 000:101, 000:277, 000:473
- schuldhulp (Stadsbank-like), Meldpunt Huurschulden: 000:98, 000:133
- opvoedingsondersteuning, huiswerkbegeleiding, steunpunt informele zorg,
  speeltuinen, sportverenigingen, jongerenwerk, GGD/verslavingsinformatie: 000:121
- maatschappelijk werk, sociaal raadslieden, vroeghulp huiselijk geweld: 000:95
- tafeltje dekje and the formulierenbrigade: 001:393, 001:461
- buurthuis, consultatiebureau as basisvoorziening: 001:445
- hondenuitlaatservice, boodschappendienst, eettafels, verhuisdienst run by a
  social entrepreneur in a buurtcentrum: 004:65
- ouderenadvies, budgetbeheer, Voorkom Huisuitzetting, woonoverlast,
  huiselijk geweld, sociaal isolement: 004:330
- maatjesprojecten, klussendienst, wijkinlopen, U-pas: 004:334
- boodschappen plusbus, maaltijdvoorzieningen, buurthuizen, kerken en
  moskeeën: 004:336
- Steunpunt Informele Zorg (mantelzorg): 002:291, 002:947-953
- sportverenigingen, kookclubs, buurthuizen: 002:696, 002:1589
- maatjesprojecten, vrijwilligersacademie: 002:1555
- day activities moved from indicated to general, wijkcoach at the GP: 002:1544-1570
- ambassadors and paper notice boards (BUUV): 002:999; group activities and
  resident initiatives (BUURbook): 002:1052
- volunteering as a step to work, kookclub as dagbesteding: 001:328, 001:483

Coordinates lie inside Enschede (lat 52.18-52.26, lon 6.83-6.97) and every
postcode lies within 600 m of its buurt centroid (checked in
``tests/test_demo_content.py``). The address of every voorziening and activity
uses a street from the postcodes of its buurt.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name: str):
    """One data file, as plain lists and dicts."""
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


_geography = read("geography")
GEMEENTE: dict = _geography["gemeente"]
WIJKEN: list[dict] = _geography["wijken"]
ORGANISATIONS: list[dict] = read("organisations")
VOORZIENINGEN: list[dict] = read("voorzieningen")
ACTIVITIES: list[dict] = read("activities")
_names = read("names")
FIRST_NAMES: list[str] = [name for group in _names["first_names"].values() for name in group]
LAST_NAMES: list[str] = _names["last_names"]
OFFER_TEXTS: dict[str, list[dict]] = read("offers")
REQUEST_TEXTS: dict[str, list[dict]] = read("requests")
