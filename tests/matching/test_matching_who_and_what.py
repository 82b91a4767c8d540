"""Round 6 of the relevance check (benchmarks/relevance.md): a listing for another target group,
a listing about another problem of the same category, a meeting place for someone who cannot go
out, and a carer's question without the word 'mantelzorger'."""

from matching import audience
from matching.engine import Matcher
from tests.matching.helpers import ask, ids, item, NOW


def test_a_listing_says_who_it_is_for_in_its_description():
    # "met uw peuter": toddlers; "ik help scholieren", "de jongerenwerker ... jongens en meiden": youth
    assert audience.item_ages("Ouder-en-kindochtend", "Spelen met uw peuter en andere ouders ontmoeten.",
                              None, None, None) == (0, 4)
    assert audience.item_ages("Hulp bij Engels", "Ik help scholieren met hun huiswerk Engels.", None, None, None)[0] >= 12
    assert audience.item_ages("Straatvoetbal", "Voetballen met de jongerenwerker. Jongens en meiden.",
                              None, None, None)[1] <= 23
    assert audience.item_ages("Voetbaltraining voor kinderen", "Elke zaterdag.", None, None, None)[1] < 18
    assert audience.item_ages("Samen wandelen", "Loop gezellig mee, jong en oud.", None, None, None) == audience.NO_AGE


def test_a_youth_activity_is_no_sport_for_an_adult_and_a_toddler_group_none_for_a_teenager(clf):
    sport = dict(categories=("bewegen",))
    supply = [item("activity", 1, title="Straatvoetbal", text="Voetballen op het plein met de jongerenwerker. "
                   "Iedereen mag meedoen, jongens en meiden.", **sport),
              item("voorziening", 2, title="Buurtsportcoach", text="Hij helpt u een sport te vinden die past.", **sport)]
    got = Matcher(supply, clf, now=NOW).suggest(ask("Mijn vriendin wil na haar ziekte weer sporten, het liefst voetballen op een plein bij ons in de buurt",
                                                    categories=("bewegen",)))
    assert ids(got) == [("voorziening", 2)]
    parents = dict(categories=("opvoeding",))
    supply = [item("activity", 1, title="Ouder-en-kindochtend", text="Spelen met uw peuter en andere ouders ontmoeten.",
                   **parents),
              item("offer", 2, title="Praten met andere ouders", text="Ik heb zelf een puber, ik denk met u mee.", **parents)]
    got = Matcher(supply, clf, now=NOW).suggest(ask("Mijn dochter van 14 heeft steeds ruzie met haar broertje, wie denkt mee over de opvoeding?",
                                                    categories=("opvoeding",)))
    assert ids(got) == [("offer", 2)]


def test_a_carers_question_reaches_the_services_for_carers(clf):
    carers = dict(categories=("mantelzorg",), eligibility="Voor mantelzorgers")
    supply = [item("voorziening", 1, title="Even vrij: respijtvrijwilligers",
                   text="Een vrijwilliger neemt een middag de zorg van u over.", **carers)]
    m = Matcher(supply, clf, now=NOW)
    text = "Mijn zoon van 26 heeft autisme en woont thuis. Ik heb al jaren geen vrije dag gehad."
    assert ids(m.suggest(ask(text, categories=("mantelzorg",)))) == [("voorziening", 1)]
    assert ids(m.suggest(ask(text, categories=("gezelschap",)))) == []  # not a carer's need: still for carers only


def test_someone_who_cannot_go_out_gets_company_not_a_meeting_place(clf):
    company = dict(categories=("gezelschap",))
    supply = [item("voorziening", 1, title="Buurthuis: vrije inloop", text="Loop binnen voor koffie.",
                   categories=("ontmoeting", "gezelschap")),
              item("offer", 2, title="Samen spelletjes doen", text="Ik kom een middag langs voor een spelletje.",
                   **company)]
    m = Matcher(supply, clf, now=NOW)
    got = m.suggest(ask("Ik kom de deur niet meer uit en mis mijn kaartclub. Wie komt bij mij een spelletje doen?",
                        categories=("gezelschap",)))
    assert ids(got) == [("offer", 2)]
    places, visits = m.slugs.index("ontmoeting"), m.slugs.index("gezelschap")
    assert m._company_instead_of_places([(places, 1.0)]) == [(visits, 1.0)]
    assert m._company_instead_of_places([(places, 1.0), (visits, 0.6)]) == [(visits, 0.6)]


def test_a_listing_about_another_problem_of_the_category_comes_after_one_about_this_one(clf):
    money = dict(categories=("geldzaken",), tier="eerste", professional=True)
    supply = [item("voorziening", 1, title="Vroeg Erop Af: huurachterstand",
                   text="Loopt u achter met de huur? Een medewerker komt langs.", **money),
              item("voorziening", 2, title="Schuldhulp: eerste gesprek", text="Heeft u schulden? We kijken wat nodig is.",
                   metres=2_000, **money)]
    m = Matcher(supply, clf, now=NOW)
    assert ids(m.suggest(ask("ik heb schulden en achterstanden bij de energie, wie komt langs?", categories=("geldzaken",)))) == [
        ("voorziening", 2)]
    rent = ids(m.suggest(ask("ik heb een huurachterstand van twee maanden", categories=("geldzaken",))))
    assert rent[0] == ("voorziening", 1)


def test_what_is_asked_is_read_in_everyday_words():
    from matching import topics

    def named(text):
        return set(topics.names(topics.topics_of(text)))

    assert "budget" in named("ik wil leren een huishoudboekje bij te houden, ik kom elke maand tekort")
    assert "post" in named("the gemeente sent a letter about the hedge")
    assert "opvoeden" in named("Our three-year-old has tantrums every day, is there a parenting course?")
    assert "opvoeden" in named("over de opvoeding van onze dochter hebben we steeds ruzie")
    assert "mantelzorg_rust" in named("misschien iemand kan bij moeder zitten een middag?")
    assert "mantelzorg_rust" in named("ik heb al jaren geen vrije dag gehad. een dag per week voor mezelf")


def test_a_parenting_question_gets_the_parenting_help_not_a_household_coach(clf):
    parents = dict(categories=("opvoeding",), tier="eerste", professional=True)
    supply = [item("voorziening", 1, title="Thuis op orde", text="Een huishoudcoach leert u plannen: schoonmaken, "
                   "wassen en koken.", **parents),
              item("voorziening", 2, title="Opvoedspreekuur", text="Maakt u zich zorgen over de driftbuien van uw kind? "
                   "Een pedagoog denkt met u mee.", metres=2_000, **parents)]
    got = Matcher(supply, clf, now=NOW).suggest(ask("Our three-year-old has tantrums every day and we're exhausted. "
                                                    "Is there someone to talk to?", categories=("opvoeding",)))
    assert ids(got) == [("voorziening", 2)]


def test_specialist_help_stays_out_while_lighter_help_of_the_need_fits(clf):
    carers = dict(categories=("mantelzorg",))
    supply = [item("voorziening", 1, title="Logeerhuis", text="Uw naaste logeert een paar dagen in een logeerhuis "
                   "met zorg, zodat u als mantelzorger kunt bijkomen.", tier="tweede", professional=True,
                   indicatievrij=False, metres=100, **carers),
              item("offer", 2, title="Ik neem de zorg even over", text="Ik blijf een middag bij uw moeder, zodat u er "
                   "even uit kunt.", metres=900, **carers)]
    text = "Ik zorg voor mijn moeder en ben heel moe. Kan iemand een middag bij moeder zitten zodat ik even bijkom?"
    got = Matcher(supply, clf, now=NOW).suggest(ask(text, categories=("mantelzorg",)))
    assert ids(got) == [("offer", 2)]
    alone = Matcher(supply[:1], clf, now=NOW).suggest(ask(text, categories=("mantelzorg",)))
    assert ids(alone) == [("voorziening", 1)]  # the only help there is: still shown


def test_a_listing_for_an_age_the_text_never_names_is_only_a_stand_in(clf):
    sport = dict(categories=("bewegen",))
    supply = [item("voorziening", 1, title="Walking football 60+", text="Voetballen en bewegen, sporten zonder rennen.",
                   metres=100, **sport),
              item("voorziening", 2, title="Buurtsportcoach", text="Sporten, voetballen of bewegen: de coach helpt u kiezen.",
                   metres=2_000, **sport)]
    text = "Ik wil graag weer sporten, voetballen en bewegen, maar ik weet niet waar."
    got = Matcher(supply, clf, now=NOW).suggest(ask(text, categories=("bewegen",)))
    assert ids(got) == [("voorziening", 2)]
    alone = Matcher(supply[:1], clf, now=NOW).suggest(ask(text, categories=("bewegen",)))
    assert ids(alone) == [("voorziening", 1)]  # when it is all there is, it is still shown


def test_a_lesson_is_no_help_for_what_someone_cannot_do_themself(clf):
    house = dict(categories=("huishouden",))
    supply = [item("voorziening", 1, title="Thuis op orde", text="Een huishoudcoach leert u plannen: schoonmaken, "
                   "wassen en koken. Na een paar weken doet u het weer zelf.", metres=100, **house),
              item("offer", 2, title="Ramen lappen", text="Ik lap uw ramen aan de binnenkant en help met schoonmaken.",
                   metres=800, **house)]
    m = Matcher(supply, clf, now=NOW)
    cannot = "Ik zit in een rolstoel en kan het schoonmaken en de ramen niet meer zelf. Wie helpt?"
    assert ids(m.suggest(ask(cannot, categories=("huishouden",)))) == [("offer", 2)]
    learn = "Ik wil leren hoe ik het schoonmaken en de was plan, het huis is een chaos"
    assert ("voorziening", 1) in ids(m.suggest(ask(learn, categories=("huishouden",))))
    assert audience.teaches_only("Samen leren reizen met de bus. Ik leer u de OV-chipkaart gebruiken.")
    assert not audience.teaches_only("Ik rij u naar het ziekenhuis en wacht op u.")
    assert audience.cannot_do_it_themself("Ik ben 87 en kan de ramen niet meer lappen")
    assert not audience.cannot_do_it_themself("ik ben 80 en wil leren fietsen")


def test_an_offer_to_help_run_a_group_is_for_organisers_not_for_someone_who_wants_to_join(clf):
    sport = dict(categories=("bewegen",))
    supply = [item("offer", 1, title="Beweegles begeleiden", text="Ik help graag bij een beweegles in het buurthuis.", metres=100,
                   **sport),
              item("activity", 2, title="Beweegles in het buurthuis", text="Elke dinsdag een beweegles op muziek in het buurthuis.",
                   metres=900, **sport)]
    m = Matcher(supply, clf, now=NOW)
    join = ids(m.suggest(ask("Ik wil graag meedoen met een beweegles in het buurthuis", categories=("bewegen",))))
    assert join == [("activity", 2)]
    organiser = ids(m.suggest(ask("Voor onze nieuwe beweegles zoeken wij nog twee vrijwilligers die willen helpen",
                                  categories=("bewegen",))))
    assert ("offer", 1) in organiser


def test_low_mood_with_a_name_or_a_cause_is_low_mood():
    from matching import topics

    for text in ("mn moeder is overleden en ik kan niet stoppen met huilen, waar kan ik heen",
                 "sinds de bevalling ben ik zo anders, zou het een postnatale depressie zijn?",
                 "ik denk steeds aan de oorlog en heb elke nacht nachtmerries"):
        assert "somber" in topics.names(topics.topics_of(text)), text
    assert "somber" not in topics.names(topics.topics_of("een dochtertje met het syndroom van Down"))
