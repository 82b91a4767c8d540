"""Danger signals: Dutch, English and misspelt; ordinary requests stay ordinary."""

import pytest

from matching import safety
from matching.safety import EMERGENCY_NUMBERS, is_dangerous

DANGEROUS = [
    "mijn man slaat mij",
    "Mijn vriend sloeg me gisteren",
    "huiselijk geweld thuis",
    "ik word bedreigd door de buurman",
    "ik wordt bedreigt",
    "mijn dochter wordt mishandelt",
    "mishandld door mijn partner",
    "ik wil niet meer leven",
    "ik denk aan zelfmoort",
    "het kind van de buren wordt geslagen",
    "my husband hits me",
    "I am scared of my boyfriend",
    "i want to kill myself",
    "domestic violence",
    "ik durf niet naar huis",
]
ORDINARY = [
    "wie kan mijn hond uitlaten",
    "ik heb me gemeld bij de gemeente",
    "mijn zoon is geslaagd",
    "de woningbouw dreigt met ontruiming",
    "my back hurts",
    "hulp met geldzaken en schulden",
    "ik ben eenzaam",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_danger_is_recognised(text):
    assert is_dangerous(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_requests_are_not_flagged(text):
    assert not is_dangerous(text)


def test_emergency_numbers_are_the_dutch_ones():
    phones = {e["phone"] for e in EMERGENCY_NUMBERS}
    assert phones == {"112", "0800-2000", "0800-0113"}
    assert all(e["name"] for e in EMERGENCY_NUMBERS)


@pytest.mark.parametrize("text, level, first", [
    ("ik wil er niet meer zijn", "danger", "0800-0113"),              # 113 first for suicide
    ("mijn man slaat mij en de kinderen", "danger", "0800-2000"),     # Veilig Thuis for violence at home
    ("help, we zijn in gevaar", "danger", "112"),                     # 112 for immediate danger
    ("ik ben bang als hij thuiskomt", "possible", "0800-2000"),       # fear of a person at home
    ("hij heeft de sloten veranderd en mijn spullen staan buiten", "possible", "0800-2000"),
    ("mijn ex blijft me berichten sturen en ik word er bang van", "possible", "0800-2000"),
    ("ik heb mijn slaappillen al maanden gespaard", "danger", "0800-0113"),  # 113's warning signs
    ("ik ben er binnenkort niet meer, wie neemt mijn kat", "danger", "0800-0113"),
    ("de baas van het huis pakt mijn paspoort en ik moet betalen", "danger", "0800-2000"),
])
def test_levels_and_a_card_that_fits_the_person(text, level, first):
    from matching.safety import assess

    found = assess(text)
    assert found.level == level
    assert found.numbers[0]["phone"] == first


@pytest.mark.parametrize("text", [
    "ik schaam me dat ik niet goed kan lezen, wie helpt met brieven",
    "sinds de bevalling voel ik me wat somber en moe",
    "ik durf de brievenbus niet meer open te doen door de rekeningen",
    "honger voor mij en mijn kinderen, het geld is op",
])
def test_heavy_but_ordinary_texts_keep_ordinary_help(text):
    from matching.safety import assess

    assert assess(text).level != "danger"


def test_the_classifier_catches_implicit_danger_the_rules_miss(clf):
    from matching.engine import judge_safety

    assert judge_safety("wie kan boodschappen doen, maar alleen als mijn zoon er niet is want dan wordt hij boos", clf
                        ).level in ("possible", "danger")
    assert judge_safety("wie kan mijn gras maaien", clf).level == "none"


# Fear of a person at home that is never said outright: help only while a housemate is away,
# contact around them, kept from them. Each voice a resident writes in.
CONCEALED = [
    "kan er iemand komen als mijn man op zijn werk is? hij mag niet weten dat ik hulp vraag",
    "ik zoek hulp met mijn post, maar alleen als mijn kleinzoon weg is. niet bellen naar huis aub",
    "wie kan boodschapen doen als mijn vriend naar zn werk is, als hij er is beter niet komen. ik leg het niet uit",
    "Mijn oma (88) wil alleen bezoek als haar zoon er niet is. Als ik bel neemt hij op en krijg ik haar niet te spreken.",
    "could someone help with my forms only while my husband is at work? please don't call the house",
    "my mum asked me to come only when her partner has left. I mustn't tell him I was there",
]
# Look-alikes that must stay ordinary help.
NOT_CONCEALED = [
    "mijn man is overleden en ik ben bang alleen thuis 's avonds",
    "de sloten van mijn voordeur zijn kapot",
    "slot van de voordeur klemt, wie kan het slot vervangen",
    "de woningcorporatie heeft alle sloten vervangen, ik heb maar één sleutel",
    "the landlord changed the locks while i was at work, where do i get advice",
    "de verhuurder zegt dat ik eruit gezet word als ik de huur niet betaal",
    "boodschappen op woensdag graag, dan is mijn man naar de dagbesteding",
    "kan iemand mijn ramen lappen als mijn man naar zijn werk is, dan ben ik thuis",
    "bel mij liever op mijn mobiel, de vaste telefoon hebben we opgezegd",
    "ik kan niet goed uitleggen waarom ik zo moe ben, liefst een wandelmaatje als mijn man op zijn werk is",
    "een verrassingsfeest voor mijn man: hij mag het niet weten, dus kom als hij naar zijn werk is",
]


@pytest.mark.parametrize("text", CONCEALED)
def test_fear_of_someone_at_home_in_other_words_is_possible_with_veilig_thuis_first(text):
    from matching.safety import assess

    found = assess(text)
    assert found.level == "possible" and "home" in found.topics
    assert found.numbers[0]["phone"] == "0800-2000"


@pytest.mark.parametrize("text", NOT_CONCEALED)
def test_look_alikes_of_hidden_fear_stay_ordinary(text):
    from matching.safety import assess

    assert assess(text).level == "none"


@pytest.mark.parametrize("text, first", [
    ("ik zie het niet meer zitten en heb mijn pillen gespaard", "0800-0113"),      # suicide: 113
    ("mijn vriend heeft me eruit gezet en de sloten veranderd", "0800-2000"),      # put out of the house
    ("zorgen om het kind van de buren, het wordt verwaarloosd", "0800-2000"),       # a child at risk
    ("hij slaat me en nu staat hij voor de deur, ik ben in gevaar", "112"),        # immediate danger
])
def test_the_card_puts_the_fitting_number_first(text, first):
    from matching.safety import assess

    assert assess(text).numbers[0]["phone"] == first


def test_a_rule_runs_only_where_its_words_are_and_the_gate_never_hides_a_match():
    from matching.classifier import load_corpus
    from matching.safety import _DANGER_RULES, _POSSIBLE_RULES
    from matching.text import literal_gate, may_match, normalise

    assert literal_gate(r"\b(bang|angstig)\s+voor\b") == ("angstig", "bang")
    assert literal_gate(r"\bverkracht") == ("verkracht",)
    assert literal_gate(r".{0,3}\w+") == ()  # nothing a match must hold: the rule always runs
    texts = [normalise(r["text"]) for r in load_corpus(("train", "dev"))] + [normalise(t) for t in DANGEROUS + CONCEALED]
    for _topic, rule, gate in _DANGER_RULES + _POSSIBLE_RULES:
        assert gate, rule.pattern
        for norm in texts:
            if rule.search(norm):
                assert may_match(gate, norm), (rule.pattern, norm)


def test_a_doubt_without_a_named_signal_does_not_put_112_first():
    from matching.safety import SafetyAssessment

    assert SafetyAssessment("possible").numbers[0]["phone"] == "0800-2000"
    assert SafetyAssessment("possible", frozenset({"immediate", "home"})).numbers[0]["phone"] == "112"
    assert SafetyAssessment("none").numbers == []


@pytest.mark.parametrize("text, topic", [
    ("mijn ex blijft maar appen en bellen, tientallen keren per dag", "threat"),
    ("hij staat elke middag bij mijn werk te wachten", "threat"),
    ("mijn vroegere vriend komt elke avond voor mijn huis staan", "threat"),
    ("he keeps turning up at the gym and messages me from different numbers", "threat"),
    ("het meisje van hiernaast is vaak alleen, ook s nachts, de moeder zie ik nooit", "child"),
    ("the kids next door are alone most nights", "child"),
    ("het jongetje van boven zegt dat mama slaapt als niemand opendoet", "child"),
])
def test_stalking_and_a_child_alone_at_night_are_possible(text, topic):
    from matching.safety import assess

    found = assess(text)
    assert found.level != "none" and topic in found.topics


@pytest.mark.parametrize("text", [
    "mijn ex-man en ik delen de zorg, hij blijft een goede vader",
    "de oppas wacht bij mijn huis op de kinderen",
    "mijn kinderen zijn na school vaak alleen, wie kan oppassen tot ik om zes uur thuis ben",
    "mijn moeder slaapt slecht sinds de operatie",
    "the delivery guy keeps showing the wrong address",
    "ik sta bij mijn werk te wachten op de bus maar die komt niet",
])
def test_look_alikes_of_stalking_and_neglect_stay_ordinary(text):
    from matching.safety import assess

    assert assess(text).level == "none"


@pytest.mark.parametrize("text", [
    "My landlord threatens eviction because I am two months behind on rent, can someone help with the letters?",
    "De woningcorporatie dreigt met ontruiming, ik heb een huurachterstand. Wie helpt met de brieven?",
    "Ik krijg dreigende brieven van de deurwaarder en ik snap ze niet",
    "Mijn verhuurder bedreigt mij met uitzetting als ik niet betaal",
    "Het energiebedrijf dreigt ons af te sluiten, wie helpt met de rekening",
])
def test_an_institution_threatening_eviction_or_cutting_off_is_a_debt_question_not_danger(text):
    assert safety.level(text) == "none"


@pytest.mark.parametrize("text", [
    "mijn man dreigt mij uit huis te zetten als ik het aan iemand vertel",
    "de verhuurder zegt dat mijn man mij bedreigt",
    "De deurwaarder kwam en mijn vriend bedreigde mij toen",
    "my landlord is my ex and he threatens me",
    "hij bedreigd mij, de verhuurder bedreigt mij ook",
])
def test_a_person_who_threatens_stays_danger_next_to_an_institution(text):
    assert safety.level(text) == "danger"


def test_gates_read_at_once_open_exactly_the_rules_that_may_match_one_by_one():
    from matching import audience, safety, topics
    from matching.classifier import load_corpus
    from matching.text import GateSet, may_match, normalise

    texts = [normalise(r["text"]) for r in load_corpus(("train", "dev"))] + [normalise(t) for t in DANGEROUS + CONCEALED]
    texts += ["", "ov", "a b", "mst zgt", "ik ben 85"]
    sets = [([g for _t, _r, g in safety._DANGER_RULES], safety._DANGER_GATES),
            ([g for _t, _r, g in safety._POSSIBLE_RULES], safety._POSSIBLE_GATES),
            ([g for _b, _r, g in topics._PHRASES], topics._PHRASE_GATES),
            ([("ab", "xyz"), (), ("b",), ("xy",)], GateSet([("ab", "xyz"), (), ("b",), ("xy",)]))]
    for gates, gate_set in sets:
        for norm in texts:
            assert gate_set.open(norm) == [i for i, g in enumerate(gates) if may_match(g, norm)], norm
    rule = audience._NUMBER_RULE
    for norm in texts + ["mijn vader van een en tachtig en twee", "eighty two two", "tachtig en een", "een en"]:
        assert audience.with_digits(norm) == rule.sub(lambda m: str(audience._NUMBER_WORDS[m.group(1)]), norm)
