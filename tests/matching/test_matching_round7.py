"""Round 7 of the relevance check (benchmarks/relevance.md, "Round 7 dev loop"): a stand-in may not
set the bar, pets are for pet owners, a doctor named in passing is no appointment, what the writer
stopped is not asked, a group asked for explicitly, one person asked for, limits on when and where,
and danger lists that put the specialist after the own wijkteam and another danger's service last."""

from matching import audience, topics
from matching.engine import Matcher
from matching.types import Slot
from tests.matching.helpers import ask, ids, item, named, NOW


def test_a_listing_for_an_age_group_not_named_does_not_set_the_bar(clf):
    # The 55+ group uses the request's English words; the walking neighbour does not. Before, the
    # stand-in was the best of its need and the neighbour fell below half of it: only the 55+ group.
    move = dict(categories=("bewegen",))
    supply = [item("activity", 1, title="Nordic walking 55+", text="Nordic walking in the park. Walking with poles.",
                   metres=2_000, **move),
              item("offer", 2, title="Samen wandelen", text="Ik loop elke ochtend een uur. Loop gezellig mee.",
                   radius_m=2_000, metres=500, **move)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("looking for a walking buddy in the mornings",
                                                        categories=("bewegen",))))
    assert got[0] == ("offer", 2)


def test_a_listing_for_pets_is_for_someone_who_names_an_animal(clf):
    food = dict(categories=("geldzaken",))
    supply = [item("voorziening", 1, title="Dierenvoedselbank", text="Voer voor uw huisdier als het geld op is.",
                   metres=300, **food),
              item("voorziening", 2, title="Voedselbank", text="Elke vrijdag een voedselpakket.", metres=2_500, **food)]
    m = Matcher(supply, clf, now=NOW)
    assert ids(m.suggest(ask("we have no money for food this week, is there a food bank?",
                             categories=("geldzaken",)))) == [("voorziening", 2)]
    assert ("voorziening", 1) in ids(m.suggest(ask("ik heb geen geld meer voor voer voor mijn kat",
                                                   categories=("geldzaken",))))
    assert "huisdier" in named("Moet naar dokter voor dieren?") and "dierenarts" in named("dokter voor dieren")


def test_a_doctor_named_in_passing_is_no_appointment_and_sleeplessness_or_war_is_low_mood():
    assert "zorgafspraak" not in named("De dokter geeft pillen maar het helpt niet")
    assert "zorgafspraak" in named("ik moet dinsdag naar de huisarts, wie rijdt")
    assert "somber" in named("ik slaap niet, ik denk veel aan de oorlog")
    assert "somber" not in named("Ze is mentaal sterk en heeft veel humor")
    assert "somber" not in named("mijn moeder is in de war")
    # a lamp is repaired or hung: the word alone says neither
    assert "ophangen" not in named("mijn lamp is kapot") and "ophangen" in named("hang some shelves")


def test_rent_is_no_debt_by_itself_but_not_paying_it_is():
    assert "schulden" not in topics.names(topics.widen(topics.topics_of("the landlord will not fix the mould")))
    assert "schulden" in named("ik kan de huur niet betalen") and "schulden" in named("I cant pay the rent")


def test_what_the_writer_stopped_is_not_asked(clf):
    health = dict(categories=("gezondheid",))
    supply = [item("offer", 1, title="Stoppen met roken: ik help je", text="Ik ben zelf gestopt. Ik bel je.",
                   metres=300, **health),
              item("voorziening", 2, title="Leefstijlcoach", text="Begeleiding bij gezond eten en bewegen.",
                   metres=900, **health)]
    m = Matcher(supply, clf, now=NOW)
    assert ids(m.suggest(ask("ik ben gestopt met roken en wil nu gezonder leven", categories=("gezondheid",)))) == [
        ("voorziening", 2)]
    assert ("offer", 1) in ids(m.suggest(ask("ik wil stoppen met roken", categories=("gezondheid",))))


def test_a_group_asked_for_explicitly_gets_its_own_listings(clf):
    move = dict(categories=("bewegen",))
    supply = [item("activity", 1, title="Stoelyoga", text="Rustige yoga op een stoel.", metres=300, **move),
              item("activity", 2, title="Fietsles voor vrouwen", text="In vijf lessen leer je fietsen. "
                   "Alleen vrouwelijke trainers.", metres=2_500, **move)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask(
        "Oudere vrouwen willen graag bewegen, maar niet in een gemengde groep. Is er iets alleen voor vrouwen?",
        categories=("bewegen",))))
    assert got[0] == ("activity", 2)
    assert audience.asks_group("ik wil andere vrouwen ontmoeten") == audience.GROUP_BIT["vrouwen"]
    assert audience.asks_group("mijn vrouw is ziek") == 0


def test_one_person_asked_for_gets_a_visitor_not_a_group(clf):
    company = dict(categories=("gezelschap",))
    supply = [item("activity", 1, title="Koffieochtend", text="Koffie met de buren. Nieuwe mensen welkom.",
                   metres=300, **company),
              item("offer", 2, title="Ik kom graag op de koffie", text="Gewoon een praatje bij u thuis.",
                   radius_m=2_000, metres=700, **company)]
    m = Matcher(supply, clf, now=NOW)
    assert ids(m.suggest(ask("Ik ben alleen hier. Ik wil een vriend, iemand voor thee en praten.",
                             categories=("gezelschap",)))) == [("offer", 2)]
    assert audience.asks_company("I'd like one person to meet up with now and then")
    assert not audience.asks_company("Mijn vriend is net met pensioen")


def test_company_asked_is_a_need_even_when_the_text_is_read_as_something_else(clf):
    # no confirmed category: the classifier reads the need; "one person to meet up with" adds company
    m = Matcher([item("offer", 2, categories=("gezelschap",), title="Wandelmaatje", text="Ik wandel graag samen.",
                      radius_m=2_000, metres=700)], clf, now=NOW)
    und = m.understand(ask("I'm shy and groups stress me out. I'd like one person to meet up with for a coffee."))
    assert "gezelschap" in [m.slugs[i] for i, _w in und.chosen] and und.visitor


def test_not_in_the_daytime_and_no_crowds(clf):
    lang = dict(categories=("taal",))
    supply = [item("voorziening", 1, title="Taalcafé", text="Nederlands praten in een groep.", metres=300,
                   slots=(Slot(1, 600, 720),), **lang),
              item("offer", 2, title="Nederlands oefenen", text="We oefenen Nederlands.", metres=900, radius_m=3_000,
                   slots=(Slot(3, 1140, 1260),), **lang)]
    text = "Ik wil Nederlands oefenen, maar ik werk overdag. De cursussen zijn allemaal overdag."
    assert ids(Matcher(supply, clf, now=NOW).suggest(ask(text, categories=("taal",)))) == [("offer", 2)]
    shop = dict(categories=("boodschappen",))
    supply = [item("offer", 1, title="Samen naar de markt", text="Op zaterdag naar de markt, ik draag de tassen.",
                   metres=300, **shop),
              item("offer", 2, title="Boodschappen voor u", text="Geef me uw lijstje.", metres=900, **shop)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("ik kan niet tegen drukte, wie doet mijn boodschappen?",
                                                        categories=("boodschappen",))))
    assert got == [("offer", 2)]


def test_danger_lists_the_own_team_before_a_specialist_and_another_dangers_service_last(clf):
    safe = dict(categories=("veiligheid",), professional=True)
    supply = [item("voorziening", 1, title="Advieslijn huiselijk geweld", text="Voelt u zich thuis niet veilig? Bel.",
                   tier="eerste", metres=1_200, **safe),
              item("voorziening", 2, title="Intensieve gezinsbegeleiding", text="Specialistische hulp, ook bij onveiligheid.",
                   tier="tweede", metres=700, **safe),
              item("voorziening", 3, title="Wijkteam", text="De wijkcoach helpt u overzicht te krijgen.",
                   tier="eerste", metres=500, **safe)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("mijn man slaat mij, ook als de kinderen erbij zijn", categories=("veiligheid",))))
    assert got.index(("voorziening", 3)) < got.index(("voorziening", 2))
    health = dict(categories=("gezondheid",), professional=True)
    supply = [item("voorziening", 1, title="Praktijkondersteuner GGZ", text="Gesprekken als u somber bent.",
                   tier="eerste", metres=500, **health),
              item("voorziening", 2, title="Behandeling psychische klachten", text="Behandeling bij depressie.",
                   tier="tweede", metres=2_000, **health),
              item("voorziening", 3, categories=("veiligheid",), professional=True, title="Veilige opvang",
                   text="Een veilige plek voor wie thuis niet veilig is.", tier="tweede", metres=1_000)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("ik wil niet meer leven, ik wil er een eind aan maken")))
    assert got[:2] == [("voorziening", 1), ("voorziening", 2)] and got[-1] == ("voorziening", 3)


def test_the_bar_is_set_among_listings_on_the_subject_and_volunteer_vacancies_are_volunteer_work(clf):
    work = dict(categories=("werk",))
    supply = [item("voorziening", 1, title="Vacaturebank vrijwilligerswerk", text="Meer dan 300 vacatures voor "
                   "vrijwilligerswerk. Wij helpen u kiezen.", metres=1_300, **work),
              item("voorziening", 2, title="Dagbesteding", text="Begeleide dagbesteding voor wie meer zorg nodig heeft.",
                   tier="tweede", indicatievrij=False, metres=100, **work)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("Ik ben afgekeurd en wil iets nuttigs doen, vrijwilligerswerk of zo.",
                                                        categories=("werk",))))
    assert got == [("voorziening", 1)]
