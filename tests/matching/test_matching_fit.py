"""What the listing is about counts inside a ladder step; every need gets a place; ages and
family services; a service made for a child at risk is no filler for another danger
(benchmarks/relevance.md, dev round)."""

from matching import audience
from matching.engine import Matcher
from tests.matching.helpers import ask, item, NOW


def titles(result):
    return [s.title for s in result.suggestions]


def test_the_fitting_listing_comes_before_a_nearer_one_of_the_same_step(clf):
    supply = [
        item("offer", 1, ("gezondheid",), metres=200, title="Wandelen tegen somberheid",
             text="Buiten zijn helpt mij als ik somber ben. Ik loop graag samen met iemand."),
        item("offer", 2, ("gezondheid",), metres=1500, radius_m=5000, title="Stoppen met roken: ik help je",
             text="Ik ben zelf gestopt met roken. Ik bel je als je het moeilijk hebt."),
    ]
    result = Matcher(supply, clf, now=NOW).suggest(
        ask("ik rook al dertig jaar een pakje per dag en wil stoppen met roken", categories=("gezondheid",)), limit=2)
    assert titles(result)[0] == "Stoppen met roken: ik help je"
    assert result.suggestions[0].parts["fit"] == 1.0


def test_the_ladder_still_comes_first(clf):
    supply = [
        item("voorziening", 1, ("gezondheid",), metres=200, title="Stoppen met roken: cursus",
             text="Een cursus stoppen met roken in een groep.", tier="eerste", professional=True),
        item("offer", 2, ("gezondheid",), metres=900, title="Stoppen met roken: ik help je",
             text="Ik ben zelf gestopt met roken. Ik bel je als je het moeilijk hebt."),
    ]
    result = Matcher(supply, clf, now=NOW).suggest(
        ask("ik wil stoppen met roken", categories=("gezondheid",)), limit=2)
    assert titles(result) == ["Stoppen met roken: ik help je", "Stoppen met roken: cursus"]


def test_a_listing_about_something_else_stays_out_when_one_fits(clf):
    supply = [item("offer", i, ("vervoer",), metres=100 * i, title=f"Rolstoel duwen {i}",
                   text="Ik duw graag uw rolstoel naar de stad of het park.") for i in range(1, 4)]
    supply.append(item("voorziening", 9, ("vervoer",), metres=2500, title="Rijdende Buren",
                       text="Een vrijwillige chauffeur brengt u met de auto naar het ziekenhuis."))
    result = Matcher(supply, clf, now=NOW).suggest(
        ask("wie kan mij met de auto naar het ziekenhuis brengen voor mijn bestraling", categories=("vervoer",)),
        limit=3)
    assert "Rijdende Buren" in titles(result)


def test_three_needs_each_get_a_place_in_a_list_of_three(clf):
    supply = [item("offer", i, ("boodschappen",), metres=100 + i) for i in range(1, 6)]
    supply += [item("offer", 10, ("klussen",), metres=900, title="Kleine klusjes", text="Ik hang een lamp op."),
               item("offer", 11, ("huisdieren",), metres=900, title="Ik laat uw hond uit",
                    text="Ik wandel elke dag en neem uw hond mee.")]
    result = Matcher(supply, clf, now=NOW).suggest(
        ask("boodschappen, een lamp ophangen en mijn hond uitlaten",
            categories=("boodschappen", "klussen", "huisdieren")), limit=3)
    assert {s.category for s in result.suggestions} == {"boodschappen", "klussen", "huisdieren"}


def test_a_senior_listing_gives_way_when_the_text_shows_no_age(clf):
    supply = [
        item("activity", 1, ("bewegen",), metres=100, title="Sporten 65+", text="Samen sporten in de wijk."),
        item("activity", 2, ("bewegen",), metres=1500, title="Sporten voor iedereen", text="Samen sporten in de wijk."),
    ]
    m = Matcher(supply, clf, now=NOW)
    young = m.suggest(ask("ik wil graag sporten in de buurt", categories=("bewegen",)), limit=1)
    assert titles(young) == ["Sporten voor iedereen"]
    old = m.suggest(ask("ik ben 72 en wil graag sporten in de buurt", categories=("bewegen",)), limit=1)
    assert titles(old) == ["Sporten 65+"]


def test_ages_in_english_shorthand_are_read():
    assert audience.person_of("I'm a 26 y/o guy, groups are too much for me").spans == ((26, 26),)


def test_family_services_need_a_child_in_the_question():
    family = audience.item_groups("Jeugd- en gezinscoach", "Voor gezinnen met kinderen tot 18 jaar")
    assert family == audience.GROUP_BIT["gezin"]
    assert audience.item_groups("Thuis op orde", "Voor gezinnen en alleenstaanden") == 0
    assert audience.person_of("onze zoon van negen wil niet naar school").groups & audience.GROUP_BIT["gezin"]
    assert not audience.person_of("ik heb steeds ruzie met mijn buurman").groups & audience.GROUP_BIT["gezin"]


def test_a_child_safety_service_is_no_filler_for_a_suicide_signal(clf):
    supply = [
        item("voorziening", 1, ("veiligheid", "opvoeding"), metres=300, title="Jeugd- en gezinscoach",
             text="Een coach helpt uw gezin als het thuis niet goed loopt.", tier="eerste", professional=True),
        item("voorziening", 2, ("gezondheid",), metres=900, title="Praktijkondersteuner GGZ",
             text="Voelt u zich somber? Gesprekken bij psychische klachten.", tier="eerste", professional=True),
    ]
    result = Matcher(supply, clf, now=NOW).suggest(ask(
        "ik wil er niet meer zijn, ik denk elke dag aan zelfmoord. mijn kinderen zie ik om het weekend"))
    assert result.safety == "danger"
    assert titles(result) == ["Praktijkondersteuner GGZ"]


def test_specialist_help_waits_while_lighter_help_fits(clf):
    common = dict(categories=("geldzaken",), metres=300)
    supply = [
        item("voorziening", 1, title="Schuldhulpverlening en budgetbeheer", tier="tweede", professional=True,
             indicatievrij=False, text="Een plan voor uw schulden en uw budget. Budgetbeheer betaalt uw vaste lasten.",
             **common),
        item("voorziening", 2, title="Samen een kasboek bijhouden", text="Een vrijwilliger helpt u met uw budget.",
             **common),
    ]
    m = Matcher(supply, clf, now=NOW)
    light = m.suggest(ask("wie helpt mij met mijn budget, ik kom elke maand tekort", categories=("geldzaken",)), limit=1)
    assert titles(light) == ["Samen een kasboek bijhouden"]
    only = Matcher(supply[:1], clf, now=NOW).suggest(
        ask("wie helpt mij met mijn budget, ik kom elke maand tekort", categories=("geldzaken",)), limit=1)
    assert titles(only) == ["Schuldhulpverlening en budgetbeheer"]  # heavy help alone is still shown
