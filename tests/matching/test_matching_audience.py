"""Listings for this person: ages, special groups, the wijk, services that come to the home, and
the clock given explicitly."""

import pytest

from matching import audience
from matching.engine import Matcher
from tests.matching.helpers import ask, ids, item, NOW


def test_ages_named_in_a_request():
    assert audience.person_of("Ik ben 84 en loop met een rollator").spans == ((84, 84),)
    father = audience.person_of("Mijn zoon van 16 spijbelt steeds")
    assert audience.ages_fit(father.spans, 12, 23) and not audience.ages_fit(father.spans, 0, 4)
    assert audience.ages_fit(audience.person_of("ik zoek iemand om mee te wandelen").spans, 60, 120)


def test_listing_ages_from_its_own_words():
    assert audience.item_ages("Beweegles 65+ Velve", "Gym voor senioren", None, None, None) == (65, 120)
    assert audience.item_ages("Kinderclub", "Spelletjes voor kinderen van 6 tot 12.", None, None, None) == (6, 12)
    assert audience.item_ages("Jongerenhuis", "", "Voor jongeren van 12 tot 23 jaar.", 12, 23) == (12, 23)
    assert audience.item_ages("Samen wandelen", "Loop gezellig mee", None, None, None) == audience.NO_AGE


def test_a_youth_activity_is_not_offered_to_an_80_year_old(clf):
    supply = [item("activity", 1, categories=("ontmoeting",), title="Jongerenhuis", text="Chillen en gamen",
                   min_age=12, max_age=23),
              item("activity", 2, categories=("ontmoeting",), title="Koffieochtend", text="Koffie en praten")]
    got = Matcher(supply, clf, now=NOW).suggest(ask("Ik ben 80 en zoek gezelschap", categories=("ontmoeting",)))
    assert ids(got) == [("activity", 2)]


def test_a_group_listing_needs_the_request_to_belong_to_it(clf):
    supply = [item("activity", 1, categories=("gezelschap",), title="Geheugencafé",
                   eligibility="Voor mensen met dementie en hun naasten"),
              item("activity", 2, categories=("gezelschap",), title="Koffieochtend")]
    m = Matcher(supply, clf, now=NOW)
    assert ids(m.suggest(ask("ik ben eenzaam", categories=("gezelschap",)))) == [("activity", 2)]
    got = ids(m.suggest(ask("mijn man heeft dementie en ik wil andere mensen ontmoeten", categories=("gezelschap",))))
    assert ("activity", 1) in got


def test_a_wijkteam_serves_its_own_wijk_only(clf):
    names = {"velve lindenhof": "WK05", "twekkelerveld": "WK01"}
    served = audience.served_areas("Voor inwoners van Velve-Lindenhof.", "", names)
    assert served == ("WK05",)
    assert audience.served_areas("Voor iedereen in Enschede.", "Geldcafé Velve-Lindenhof", names) == ()
    supply = [item("voorziening", 1, categories=("geldzaken",), tier="eerste", professional=True, areas=served),
              item("voorziening", 2, categories=("geldzaken",), tier="eerste", professional=True)]
    m = Matcher(supply, clf, now=NOW)
    elsewhere = m.suggest(ask("ik heb schulden", categories=("geldzaken",), areas=("BU0101", "WK01")))
    assert ids(elsewhere) == [("voorziening", 2)]
    home = m.suggest(ask("ik heb schulden", categories=("geldzaken",), areas=("BU0501", "WK05")))
    assert ("voorziening", 1) in ids(home)


def test_a_service_that_comes_to_the_home_is_not_cut_by_the_category_radius(clf):
    far = dict(categories=("boodschappen",), metres=3_200)  # the boodschappen radius is 1.5 km
    supply = [item("voorziening", 1, access="Bezorging aan huis.", **far),
              item("voorziening", 2, access="Rolstoeltoegankelijk.", **far),
              item("offer", 3, radius_m=5_000, **far),  # the volunteer's own radius covers it
              item("offer", 4, radius_m=2_000, **far)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("boodschappen doen aub", categories=("boodschappen",))))
    assert sorted(got) == [("offer", 3), ("voorziening", 1)]


def test_the_matcher_reads_no_clock(clf):
    m = Matcher([item("offer", 1)], clf)
    with pytest.raises(ValueError):
        m.suggest(ask("boodschappen"))
    first = m.suggest(ask("boodschappen doen"), now=NOW)
    assert first.suggestions[0].parts == m.suggest(ask("boodschappen doen"), now=NOW).suggestions[0].parts


def test_an_off_topic_listing_of_the_right_category_stays_out(clf):
    ride = dict(categories=("vervoer",))
    supply = [item("offer", 1, title="Rolstoel duwen naar de stad", text="Ik duw graag uw rolstoel", **ride),
              item("offer", 2, title="Ik rij u naar het ziekenhuis", text="Ik heb een auto", **ride),
              item("offer", 3, title="Samen leren reizen met de bus", text="De OV-chipkaart", **ride)]
    got = Matcher(supply, clf, now=NOW).suggest(ask("Wie kan mij met de auto naar mijn afspraak in het ziekenhuis brengen?",
                                                    categories=("vervoer",)))
    assert ids(got) == [("offer", 2)]


def test_a_danger_list_puts_the_service_for_that_danger_first(clf):
    pro = dict(categories=("veiligheid",), tier="eerste", professional=True)
    supply = [item("voorziening", 1, title="Wijkteam", text="Voor vragen over geld, wonen en zorg", metres=100, **pro),
              item("voorziening", 2, title="Advieslijn huiselijk geweld", text="Voelt u zich thuis niet veilig?",
                   metres=2_000, **pro)]
    got = Matcher(supply, clf, now=NOW).suggest(ask("mijn man slaat mij"))
    assert got.safety == "danger" and ids(got)[0] == ("voorziening", 2)


@pytest.mark.parametrize("text, age", [
    ("mijn moeder is tachtig jaar en voelt zich eenzaam", 80),
    ("mijn vader van vijfentachtig wil graag bezoek", 85),
    ("ik ben zesenzeventig en kan niet meer fietsen", 76),
    ("my dad is eighty-two years old and lives alone", 82),
])
def test_ages_written_as_words_count(text, age):
    from matching.audience import person_of

    assert (age, age) in person_of(text).spans


def test_number_words_that_are_no_age_stay_out():
    from matching.audience import person_of

    assert all(lo < 30 or hi > 90 for lo, hi in person_of("al dertig jaar getrouwd, een jaar geleden verhuisd").spans)
