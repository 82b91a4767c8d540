"""The first answer (Matcher.suggest(complete=False)): the best listing of each need; the rest is
held back. And a
group activity about something else than what the text names is a stand-in (relevance round 10,
benchmarks/relevance_pairs.py)."""

from matching.engine import Matcher
from tests.matching.helpers import NOW, ask, ids, item

HOUSE = dict(categories=("huishouden",))
TEXT = "Ik kan niet meer zelf schoonmaken. Wie kan één keer per week mijn huis schoonmaken?"


def _household(named_one: bool = False):
    """Three listings about cleaning whose titles name nothing; with ``named_one`` a fourth whose
    title says cleaning."""
    supply = [item("voorziening", 1, title="Thuishulp De Schakel", text="Wij helpen met schoonmaken bij u thuis.",
                   metres=900, **HOUSE),
              item("voorziening", 2, title="Hulp in huis", text="Hulp bij schoonmaken en de was.", metres=300, **HOUSE),
              item("offer", 3, title="Ik help graag", text="Ik help met schoonmaken bij u thuis.", radius_m=3_000,
                   metres=500, **HOUSE)]
    if named_one:
        supply.append(item("offer", 4, title="Schoonmaakhulp aan huis", text="Ik maak uw huis schoon, elke week.",
                           radius_m=3_000, metres=1_000, **HOUSE))
    return supply


def test_the_first_answer_is_the_best_of_the_need_and_what_names_the_ask(clf):
    matcher = Matcher(_household(), clf, now=NOW)
    complete = matcher.suggest(ask(TEXT), limit=3)
    first = matcher.suggest(ask(TEXT), limit=3, complete=False)
    assert len(complete.suggestions) == 3 and complete.held_back == 0
    assert len(first.suggestions) == 1 and first.held_back == 2  # only the best of the need
    assert ids(first)[0] in ids(complete)
    # a title naming what is asked does not let a second listing of the same need in
    named = Matcher(_household(named_one=True), clf, now=NOW).suggest(ask(TEXT), limit=4, complete=False)
    assert len(named.suggestions) == 1 and named.held_back == 3


def test_a_first_answer_in_safety_doubt_keeps_the_professionals_list_whole(clf):
    supply = [item("voorziening", 1, categories=("veiligheid",), title="Advieslijn huiselijk geweld",
                   text="Bel ons bij geweld thuis.", professional=True, tier="eerste", metres=800),
              item("voorziening", 2, categories=("veiligheid",), title="Wijkteam", professional=True,
                   text="Het wijkteam helpt bij problemen thuis.", tier="eerste", metres=500)]
    matcher = Matcher(supply, clf, now=NOW)
    text = "Mijn man slaat mij en ik ben bang thuis."
    assert ids(matcher.suggest(ask(text), limit=3, complete=False)) == ids(matcher.suggest(ask(text), limit=3))


def test_an_activity_about_something_else_is_a_stand_in_for_a_named_wish(clf):
    meet = dict(categories=("ontmoeting",))
    supply = [item("activity", 1, title="Buurtmoestuin", text="Samen tuinieren in de moestuin.", metres=200, **meet),
              item("voorziening", 2, title="Buurthuis: vrije inloop", text="Kom binnen voor koffie en een praatje.",
                   metres=1_200, **meet)]
    got = ids(Matcher(supply, clf, now=NOW).suggest(ask("Ik zoek een breiclub, ik brei graag met anderen."), limit=3))
    assert got == [("voorziening", 2)]  # nothing about knitting: the open house, not the vegetable garden


def test_a_text_written_in_english_gets_the_listings_that_speak_english(clf):
    from matching.text import written_in
    admin = dict(categories=("administratie",))
    supply = [item("offer", 1, title="Ik help met brieven", text="Samen uw post lezen en brieven beantwoorden.",
                   radius_m=3_000, metres=300, **admin),
              item("voorziening", 2, title="Formulierenbrigade", text="Hulp bij brieven en formulieren, ook in het Engels.",
                   languages=("nl", "en"), metres=1_500, **admin)]
    text = "I got a letter from the tax office and I cannot read it. Is there someone who can explain it to me?"
    assert written_in(text) == "en" and written_in("Ik kan de brief van de belasting niet lezen.") is None
    result = Matcher(supply, clf, now=NOW).suggest(ask(text), limit=3)
    assert ids(result) == [("voorziening", 2)]  # the Dutch-only volunteer is a stand-in for an English writer
    dutch = Matcher(supply, clf, now=NOW).suggest(ask("Ik kan de brief van de belasting niet lezen. Wie legt het uit?"), limit=3)
    assert ("offer", 1) in ids(dutch)


def test_a_lesson_is_no_first_answer_for_someone_who_cannot_do_it_any_more(clf):
    """'Kunt u uw huis niet meer schoonhouden?' is about cleaning; a coach who teaches it is a
    stand-in for a 79-year-old who cannot clean, chosen after the (indicated) cleaning help."""
    supply = [item("voorziening", 1, title="Thuis op orde", tier="eerste", professional=True, metres=900,
                   text="Een huishoudcoach leert u plannen: schoonmaken, wassen en koken. Na een paar weken doet u het weer zelf.",
                   **HOUSE),
              item("voorziening", 2, title="Hulp bij het huishouden (Wmo)", tier="eerste", professional=True,
                   indicatievrij=False, metres=1_200, **HOUSE,
                   text="Kunt u door ziekte of een beperking uw huis niet meer schoonhouden? De gemeente kan hulp geven.")]
    text = "Ik ben 79 en heb last van mijn rug. Ik kan de vloer niet meer zelf schoonmaken. Wie kan helpen?"
    first = Matcher(supply, clf, now=NOW).suggest(ask(text), limit=3, complete=False)
    assert ids(first) == [("voorziening", 2)] and first.held_back == 1
