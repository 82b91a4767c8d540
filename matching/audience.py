"""Who a listing is for, and who a request is about: ages, special groups, the wijk, at home.

A wijkcoach never sends an 80-year-old to a youth club, a father of a 16-year-old to the
consultatiebureau, or a Twekkelerveld resident to the Velve wijkteam. These rules read that from
the listing (its age limits, eligibility and access text) and from the request's own words. They
only ever leave a listing out when the request clearly says something that rules it out; a
request that says nothing about age or group keeps everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import Gated, GateSet, literal_gate, may_match, normalise, read

NO_AGE = (0, 120)
WRITER = (24, 99)       # an adult writing about themself or their child, age not said
CHILD_OF_WRITER = (0, 17)
HOME_REACH_M = 15_000.0  # a service that comes to the home (or by phone) serves the whole city

# Life stages named in a request, as age spans.
_STAGES: list[tuple[str, tuple[int, int]]] = [
    (r"\b(baby|babys|babies|pasgeboren|newborn|zwanger|pregnant|kraam\w*|borstvoeding)\b", (0, 1)),
    (r"\b(peuter\w*|dreumes\w*|toddler\w*|kleuter\w*)\b", (1, 5)),
    (r"\b(basisschool|groep [1-8]|primary school)\b", (4, 12)),
    (r"\b(puber\w*|tiener\w*|teenager\w*|middelbare school|brugklas|havo|vwo|vmbo|high school)\b", (12, 18)),
    (r"\b(student|studente|studeer|studie|universiteit|hogeschool|university)\b", (17, 30)),
    (r"\b(pensioen|aow|bejaard\w*|hoogbejaard|verzorgingshuis|verpleeghuis|senior\w*|retired|pensioner)\b",
     (65, 105)),
]
_CHILD_WORDS = re.compile(r"\b(kind|kinderen|kindje|zoon|zoontje|dochter|dochtertje|kids|child|children|son|daughter|"
                          r"huiswerk|homework|oppas\w*|babysit\w*|school|kleinkind\w*|grandchild\w*)\b")
_FIRST_AGE = re.compile(r"\b(ik ben|ben ik|i am|i m|im)\s+(\d{1,3})\b(?!\s*(euro|keer|uur|kilo|km|minuten|weken|maanden))")
_FIRST_STAGE = re.compile(r"\b(ik ben|ik zit|ik studeer|i am|i m)\b.{0,25}\b(student|studente|school|klas|"
                          r"pensioen|retired|universiteit)")
_AGES = [
    # "84 jaar", "80-jarige", but not a duration ("al 30 jaar getrouwd", "2 jaar geleden")
    re.compile(r"(?<!\bal )(?<!sinds )(?<!ruim )(?<!bijna )(?<!na )(?<!over )(?<!binnen )(?<!for )(?<!dan )"
               r"(?<!zo n )(?<!ongeveer )(?<!laatste )(?<!afgelopen )\b(\d{1,3})\s*(jaar|jarige|jr|years?|y o|yo)\b"
               r"(?!\s+(geleden|lang|getrouwd|gewerkt|samen|in nederland|hier|ago|married|in the))"),
    re.compile(r"\((\d{1,3})\)"),
    re.compile(r"\b(zoon|zoontje|dochter|dochtertje|kind|moeder|vader|man|vrouw|oma|opa|meneer|mevrouw|jongen|"
               r"meisje|broer|zus|buurman|buurvrouw|son|daughter|mother|father|mum|mom|dad|aged)\s+(van\s+|of\s+)?(\d{1,3})\b"
               r"(?!\s*(euro|keer|uur|kilo|km|minuten|weken|maanden|dagen))"),
]

# Listings for a special group, and the words by which a request says it belongs to it.
# (item cue, request cue): a listing that names the group is left out unless the request does too.
GROUPS: dict[str, tuple[str, str]] = {
    "dementie": (r"dementie|geheugen|alzheimer",
                 r"dement|alzheimer|geheugen|vergeet\w*|vergeten|verward|memory|forget\w*"),
    "nieuwkomer": (r"statushouder|nieuwkomer|inburger|vluchteling",
                   r"statushouder|nieuwkomer|inburger\w*|vlucht\w*|asiel|azc|verblijfsvergunning|refugee|"
                   r"newcomer|expat|in nederland|to the netherlands|in the netherlands|nederlands (leren|oefenen|spreken)|"
                   r"learn\w* dutch|dutch (lessons|course)|taal leren|eritre\w*|syri\w*|afghan\w*|oekrain\w*|ukrain\w*"),
    "mantelzorger": (r"mantelzorg",
                     r"mantelzorg\w*|zorg (voor|om) (mijn|m n|haar|zijn|onze)|ik zorg|verzorg\w*|zorgen voor|"
                     r"care for|caring for|carer|caregiver|look after|looking after|respijt|even vrij|"
                     r"overbelast|zorg\w* (al )?(jaren|dag en nacht)"),
    "vrouwen": (r"vrouwen|moeders|meiden",
                r"\b(ik ben (een )?(vrouw|moeder|weduwe)|moeder|mama|vrouw van|zwanger|baby|mother|mum|mom|"
                r"woman|women|wife|alleenstaande moeder|single mother|meisje|dochter|vrouwen|dames|moeders)\b"),
    "mannen": (r"\bmannen\b|vader voor vader|\bvaders\b",
               r"\b(ik ben (een )?(man|vader|weduwnaar)|vader|papa|weduwnaar|mijn vrouw|father|dad|husband|"
               r"widower|man van|mannen|vaders|vent|kerel)\b"),
    # Family services (a gezinscoach): only when a child is part of the question.
    "gezin": (r"gezinscoach|gezinsbegeleid\w*|gezinnen met kinderen",
              r"\b(kind|kinderen|kindje\w*|zoon\w*|dochter\w*|baby\w*|peuter\w*|kleuter\w*|puber\w*|tiener\w*|"
              r"gezin\w*|pleegkind\w*|kids?|child|children|son|sons|daughter\w*|toddler\w*|teenager\w*|"
              r"\w+ year old|\w+jarige)\b"),
    "verlies": (r"\bverlies|rouw|verloren",
                r"overl\w*|verlies|verloren|rouw\w*|weduw\w*|gestorven|dood gegaan|begrafenis|passed away|"
                r"died|death|grief|lost my"),
}
_ITEM_GROUP = {g: re.compile(item) for g, (item, _req) in GROUPS.items()}
_REQUEST_GROUP = {g: (re.compile(req), literal_gate(req)) for g, (_item, req) in GROUPS.items()}
_STAGE_RULES = [(re.compile(rule), literal_gate(rule), span) for rule, span in _STAGES]
_AGE_GATES = [literal_gate(r.pattern) for r in _AGES]
_CHILD_GATE, _FIRST_AGE_GATE = literal_gate(_CHILD_WORDS.pattern), literal_gate(_FIRST_AGE.pattern)
_FIRST_STAGE_GATE = literal_gate(_FIRST_STAGE.pattern)
GROUP_BIT = {g: 1 << i for i, g in enumerate(GROUPS)}
# person_of's gates at once (text.GateSet): the first age, the first stage, a child, the stages, the groups
_PERSON_GATES = GateSet([_FIRST_AGE_GATE, _FIRST_STAGE_GATE, _CHILD_GATE, *(gate for _r, gate, _s in _STAGE_RULES),
                         *(gate for _r, gate in _REQUEST_GROUP.values())])
_STAGES_FROM, _GROUPS_FROM = 3, 3 + len(_STAGE_RULES)
_GROUP_RULES = [(GROUP_BIT[g], rule) for g, (rule, _gate) in _REQUEST_GROUP.items()]

# A listing's own age words: only in its title or eligibility, or in a "voor ..." phrase.
_ITEM_STAGES: list[tuple[str, tuple[int, int]]] = [
    (r"(\d{1,3})\s*\+|(\d{1,3})\s*-?\s*plusser", None),  # 65+, 55-plussers: handled in code
    (r"\b(peuter\w*|baby\w*|dreumes\w*)\b", (0, 4)),
    (r"\b(basisschool|kinderclub|kinderen van de basisschool)\b", (4, 12)),
    (r"\b(jongeren\w*|tieners|scholieren)\b", (12, 23)),
    (r"\b(senioren\w*|ouderen\w*)\b", (60, 120)),
    (r"\bvoor (de |jonge )?kinderen\b", (0, 17)),
]
# Who a listing is for, said in its description rather than its title: "met uw peuter", "ik help
# scholieren", "met de jongerenwerker ... jongens en meiden". Read only when title, eligibility and
# "voor ..." phrases say nothing about age.
_TEXT_STAGES: list[tuple[str, tuple[int, int]]] = [
    (r"\b(uw|je|jullie) (peuter\w*|dreumes\w*|baby\w*)\b", (0, 4)),
    (r"\bscholieren\b", (12, 18)),  # pupils of a secondary school
    (r"\b(jongerenwerk\w*|jongens en meiden|meiden en jongens|tieners)\b", (10, 23)),
]
_RANGE = re.compile(r"\b(\d{1,2})\s*(?:-|tot en met|t/m|tot)\s*(\d{1,2})\s*(jaar)?\b")
_PLUS_RAW = re.compile(r"\b(\d{2})\s*(?:\+|-?\s*plusser)")
_UPTO = re.compile(r"\btot\s+(\d{1,2})\s+jaar\b")
_FROM = re.compile(r"\bvanaf\s+(\d{1,2})\s+jaar\b")

_HOME = re.compile(r"\b(bij u thuis|komt? (ook )?bij u|aan huis|huisbezoek\w*|thuis op|thuis ophalen|thuis brengen|"
                   r"thuisbrengen|breng\w* (het|hem|ze|alles)? ?thuis|per telefoon|telefonisch|beeldbellen|"
                   r"haalt u thuis|halen de \w+ thuis|at home|by phone)\b")
_AREA_PHRASE = re.compile(r"\b(voor (inwoners|bewoners|huurders) (van|uit)|alleen (voor|in)|voor de wijk)\b(.{0,120})")


# The person cannot go out, lives in a care home, or asks for one person rather than a group: for
# loneliness the visitor comes first then, not the group activity ("together where possible").
_ONE_TO_ONE = re.compile(
    r"\b(kom|komt|kan|kun|gaat|ga)\b(?: \w+){0,4} (nauwelijks|bijna nooit|zelden|niet vaak|niet meer|niet)(?: \w+){0,2} "
    r"(uit|buiten|buitenshuis)\b"
    r"|\b(bedlegerig|aan huis gebonden|aan bed gekluisterd|ligt (de hele dag|veel|vooral) "
    r"(op|in) (bed|de bank)|verpleeghuis|verzorgingshuis|zorgcentrum|woonzorgcentrum)\b"
    r"|\b(een op een|een-op-een|1 op 1|geen groep\w*|niet in een groep|groepen (zijn|is|vind ik) (me |mij )?(te|niks|eng)\w*)\b"
    r"|\b(niet graag|liever niet|niet zo graag|nooit graag) (naar|in|met) (een )?(groep\w*|club\w*|clubje\w*)\b"
    r"|\b(houdt|hou|houd) (niet|niet zo) van (groepen|clubjes|drukte)\b"
    r"|\b(bij|naar) (mij|haar|hem|ons|mijn moeder|mijn vader) thuis\b|\bthuis (bezoek\w*|opzoek\w*)\b"
    r"|\b(doesn t|does not|don t|do not) (like|want|enjoy) (groups|a group|clubs)\b|\b(at|to) (my|her|his) home\b"
    r"|\b(housebound|bedridden|bed bound|care home|nursing home|can t (leave|get out of) the house|one on one|one to one"
    r"|groups are too much|groups stress|not a group|no groups)\b")
_ONE_TO_ONE_GATE = literal_gate(_ONE_TO_ONE.pattern)
# Asking for one person to keep them company (a friend, someone to talk or walk with): company is the
# need, whatever else the text is about, and one person rather than a group.
_COMPANY = re.compile(
    r"\b(wil|wens|zoek|zou)\w*\b(?: \w+){0,3} (een )?(vriend|vriendin|maatje)\b"
    r"|\biemand (om|voor|die)( \w+)?( mee)?( te)? (kletsen|thee|koffie|wandelen)\b"
    r"|\b(someone|somebody|one person|a person|a friend|a buddy)( \w+){0,2} (to|i can|who can|who would)"
    r"( \w+){0,2} (talk|chat|meet|walk|have coffee|go for)\w*"
    r"|\b(walking|running|coffee) (buddy|partner|friend)\b")
_COMPANY_GATE = literal_gate(_COMPANY.pattern)


# How a listing helps: it only teaches the person to do it themself (a coach who teaches planning,
# bus-travel lessons, "samen met u, niet voor u"), or someone does it for or with them.
_TEACHES = re.compile(r"\b(leert u|leer u|leer je|leren u|\w+les|\w*lessen|u leert|je leert|leren reizen|reizen leren|les|lessen|cursus\w*|"
                      r"niet voor u|doet u het weer zelf|weer zelf|zelf leren|teaches|learn to)\b")
_DOES = re.compile(r"\b((ik doe|wij doen|we doen)(?! het samen)|doen (het|uw|de) \w+ voor u|voor u (doen|regelen|halen)|neem\w* (de|het|uw)"
                   r" \w+ (van u )?over|brengt? u|haalt? u|rijdt? u|ik help (u )?met|komt (bij u )?langs)\b")
# The request says the person cannot do it themself for a physical reason and asks no lesson.
_CANNOT = re.compile(r"\b(rolstoel\w*|rollator|slecht ter been|scootmobiel|kan (niet|nauwelijks) (meer )?(lopen|bukken|tillen|staan"
                     r"|traplopen|fietsen)|te zwaar|loodzwaar|gebroken|breuk|operatie|geopereerd|knie|heup|chemo|"
                     r"wheelchair|walker|broken|fracture|surgery|knee|hip|can t (walk|lift|bend|climb)|too heavy|"
                     r"rugpijn|hernia|mijn rug|(slechte|zere|pijnlijke|geblesseerde) rug|my back|bad back|back pain|"
                     r"back injury|injured|injury)\b"
                     r"|\b(ik ben|ben|zijn allebei|wij zijn|we zijn|i am|i m)\s+(in de )?(8\d|9\d|tachtig|negentig)\b")
_LEARN = re.compile(r"\b(leren|leer|uitleg\w*|learn\w*|teach\w*|zelf (kunnen|doen|leren)|les|lessen|cursus)\b")


# A volunteer who offers to help run a group (cook at the eettafel, pour coffee, lead a gym class,
# organise a bingo) helps an organiser, not a resident who wants to join or be helped.
_RUNS_A_GROUP = re.compile(r"\b(organiseren|wie helpt mee|help (graag )?(mee )?(in|bij) (het|de|een) (buurthuis|eettafel|"
                           r"buurtkamer|beweegles|activiteit\w*)|help mee bij|gasten (te )?ontvangen|\w+ begeleiden|"
                           r"voor grote groepen)\b")
# The request looks for volunteers to run something (a wijkteam, an initiative): then those fit.
_SEEKS_VOLUNTEERS = re.compile(r"\b(vrijwilligers? (gezocht|zoeken|nodig)|zoek\w*\b.{0,60}\bvrijwilligers\b|"
                               r"wie (wil|helpt) (mee|meehelpen|helpen organiseren)|mensen die (willen )?(mee )?helpen|"
                               r"looking for volunteers|volunteers (wanted|needed))\b")


def runs_a_group(text: str) -> bool:
    """A volunteer's offer to help run a group activity (not help for one resident)."""
    return bool(_RUNS_A_GROUP.search(normalise(text)))


def seeks_volunteers(text: str) -> bool:
    """The request looks for volunteers to help run something."""
    return bool(_SEEKS_VOLUNTEERS.search(read(text)[0]))


def teaches_only(text: str) -> bool:
    """The listing only teaches (the person learns to do it themself); nobody does it for them."""
    norm = normalise(text)
    return bool(_TEACHES.search(norm)) and not _DOES.search(norm)


def cannot_do_it_themself(text: str) -> bool:
    """A physical limit (a wheelchair, a broken leg, 'te zwaar', in their eighties) and no wish to learn:
    help that only teaches is no help for them."""
    norm = with_digits(read(text)[0])
    return bool(_CANNOT.search(norm)) and not _LEARN.search(norm)


def one_to_one(text: str) -> bool:
    """The text rules out a group activity for a social need (cannot go out, or wants one person)."""
    norm = read(text)[0]
    return (may_match(_ONE_TO_ONE_GATE, norm) and bool(_ONE_TO_ONE.search(norm))) or asks_company(text)


def asks_company(text: str) -> bool:
    """The text asks for one person to keep them company ("ik wil een vriend", "someone to have
    coffee with", "a walking buddy")."""
    norm = read(text)[0]
    return may_match(_COMPANY_GATE, norm) and bool(_COMPANY.search(norm))


# A listing for one group asked for explicitly ("alleen voor vrouwen", "niet in een gemengde groep",
# "with other women"): the group is what is asked, not only who asks.
_GROUP_ONLY = {
    "vrouwen": r"(alleen|speciaal|enkel|uitsluitend|ook) (voor )?(vrouwen|dames|moeders)|vrouwengroep\w*|vrouwenuur|"
               r"vrouwencafe|(andere|met) vrouwen|voor vrouwen|(only|other|for) women|women only|with women|"
               r"(niet|geen) (in een )?gemengd\w*|vrouwelijke (begeleider|trainer|vrijwilliger)\w*",
    "mannen": r"(alleen|speciaal|enkel|uitsluitend) (voor )?mannen|mannengroep\w*|(andere|met) mannen|voor mannen|"
              r"(only|other|for) men|men only|with men|mannenschuur",
}
_GROUP_ONLY_RULES = {g: (re.compile(rf"\b(?:{r})\b"), literal_gate(rf"\b(?:{r})\b")) for g, r in _GROUP_ONLY.items()}


def asks_group(text: str) -> int:
    """The groups (GROUP_BIT) a text asks for explicitly: their own listings are what is asked."""
    norm = read(text)[0]
    return sum(GROUP_BIT[g] for g, (rule, gate) in _GROUP_ONLY_RULES.items()
               if may_match(gate, norm) and rule.search(norm))


# A limit on when: the person cannot come in the daytime (works, courses are daytime).
_NOT_DAYTIME = Gated(
    r"\b(niet overdag|overdag (niet|kan ik niet|werk ik|ben ik (aan het )?(werk|werken))|ik werk overdag|"
    r"alleen ('?s )?avonds|alleen in de avond|na (mijn )?werk|buiten (mijn )?werktijd\w*|na werktijd|"
    r"(zijn|is) (allemaal )?overdag|werk (ik )?fulltime|fulltime werk|"
    r"not during the day|only in the evening\w*|only evenings|in the evenings|after work|"
    r"(are|is) (all )?(in the )?daytime|during the day i (work|am at work)|i work (during the day|full time|fulltime))\b")
# A limit on where: no crowds (a market, a big group, a busy place).
_NO_CROWDS = Gated(r"\b(drukte|drukke (winkel|plek|ruimte|markt)\w*|mensenmassa\w*|veel mensen om me heen|"
                        r"crowd\w*|busy (places|shops|markets)|too many people)\b")
_CROWDED = re.compile(r"\b(markt\w*|braderie|festival\w*|bingo|grote groep\w*)\b")


# Only at the weekend: a listing only open on weekdays is a stand-in then (engine.rank).
_WEEKEND_ONLY = Gated(
    r"\b(alleen|enkel|pas|uitsluitend|only)\s+(in het |op |in de |at the |on )?(weekend\w*|zaterdag\w*|zondag\w*|"
    r"saturday\w*|sunday\w*)\b"
    r"|\b(doordeweeks|door de week)\s+(werk ik|ben ik|kan ik niet|niet|lukt het niet)\b"
    r"|\b(during the week i (work|am at work|can t)|weekdays i (work|can t))\b")


def weekend_only(text: str) -> bool:
    """The text says the person can only at the weekend."""
    return _WEEKEND_ONLY.said_in(text)


def not_in_daytime(text: str) -> bool:
    """The text says the person cannot come in the daytime."""
    return _NOT_DAYTIME.said_in(text)


def avoids_crowds(text: str) -> bool:
    """The text says the person must or wants to avoid crowds."""
    return _NO_CROWDS.said_in(text)


def crowded(text: str) -> bool:
    """A listing at a crowded place or in a big group (a market, a bingo)."""
    return bool(_CROWDED.search(normalise(text)))


@dataclass(frozen=True)
class Person:
    """Who a request is about: age spans (empty: not said) and special groups (bitmask)."""

    spans: tuple[tuple[int, int], ...]
    groups: int

    def said(self) -> tuple[tuple[int, int], ...]:
        """The ages the text itself names (not the adult writer or child assumed when none is)."""
        return tuple(s for s in self.spans if s not in (WRITER, CHILD_OF_WRITER))


SENIOR_FROM = 55  # a listing for this age and up (55+, 65+) is for someone whose text says they are near it
NEAR_SENIOR = 50


def age_doubt(person: Person, lo, hi):
    """Listings for an age group the text gives no sign of (a 65+ class when no age or stage is said,
    a children's club when no child is named): they may still fit, but less well (a soft rule: many
    older residents never write their age). NumPy arrays of the listings' ages in, booleans out."""
    said = person.said()
    senior = any(b >= NEAR_SENIOR for _a, b in said)
    child = any(a < 18 for a, _b in said) or CHILD_OF_WRITER in person.spans
    return ((lo >= SENIOR_FROM) & (not senior)) | ((hi < 18) & (not child))


def person_of(text: str) -> Person:
    """The ages and groups a request's own words name (the writer and the people it is about)."""
    norm = read(text)[0]
    ages = _ages(norm)
    opened = _PERSON_GATES.open(norm)  # the gates below, by position (may_match of each)
    first = _FIRST_AGE.search(with_digits(norm)) if 0 in opened else None
    first_age = int(first.group(2)) if first and int(first.group(2)) <= 110 else None
    if first_age is not None and first_age not in ages:
        ages.append(first_age)
    spans = [(a, a) for a in ages]
    spans += [_STAGE_RULES[i - _STAGES_FROM][2] for i in opened
              if _STAGES_FROM <= i < _GROUPS_FROM and _STAGE_RULES[i - _STAGES_FROM][0].search(norm)]
    if first_age is None and not (1 in opened and _FIRST_STAGE.search(norm)) \
            and (not ages or max(ages) < 18):
        spans.append(WRITER)  # an adult writing, about themself or a child
    if (2 in opened and _CHILD_WORDS.search(norm) and (first_age is None or first_age < 55)
            and not any(a >= 60 or a < 18 for a in ages)):  # a child, age not said
        spans.append(CHILD_OF_WRITER)
    groups = sum(_GROUP_RULES[i - _GROUPS_FROM][0] for i in opened
                 if i >= _GROUPS_FROM and _GROUP_RULES[i - _GROUPS_FROM][1].search(norm))
    return Person(tuple(spans), groups)


# Ages written as words ("mijn moeder van tachtig", "vijfentachtig jaar", "eighty-two years"):
# turned into digits before the age rules read them. Not "een"/"one": "een jaar geleden".
_UNITS_NL = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TENS_NL = {20: "twintig", 30: "dertig", 40: "veertig", 50: "vijftig", 60: "zestig", 70: "zeventig",
            80: "tachtig", 90: "negentig"}
_UNITS_EN = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS_EN = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty",
            90: "ninety"}
_NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS_NL) if i > 1}
_NUMBER_WORDS.update({w: i for i, w in enumerate(_UNITS_EN) if i > 1})
_NUMBER_WORDS.update(dict(zip("tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien".split(),
                              range(10, 20))))
_NUMBER_WORDS.update(dict(zip("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
                              range(10, 20))))
for _tens, _word in _TENS_NL.items():
    _NUMBER_WORDS[_word] = _tens
    for _u in range(1, 10):  # eenentachtig; "een en tachtig" and "een-en-tachtig" normalise to spaces
        _NUMBER_WORDS[f"{_UNITS_NL[_u]}en{_word}"] = _NUMBER_WORDS[f"{_UNITS_NL[_u]} en {_word}"] = _tens + _u
for _tens, _word in _TENS_EN.items():
    _NUMBER_WORDS[_word] = _tens
    for _u in range(1, 10):  # eighty-two normalises to "eighty two"
        _NUMBER_WORDS[f"{_word} {_UNITS_EN[_u]}"] = _tens + _u
_NUMBER_RULE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b")
_NUMBER_SPAN = max(len(w.split()) for w in _NUMBER_WORDS)  # words in the longest number ("een en tachtig")
_NUMBER_STARTS = frozenset(w.split()[0] for w in _NUMBER_WORDS if " " in w)
_SPACED_WORDS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
_NUMBER_GATE = ("ig", "tien", "elf", "twaalf", "ty", "een", "two", "three", "four", "five", "six", "seven", "eight",
                "nine", "ten", "eleven", "twelve", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")


@lru_cache(maxsize=64)  # the ages and the first age read the same request text
def with_digits(norm: str) -> str:
    """Number words as digits: 'mijn vader van vijfentachtig' -> 'mijn vader van 85'."""
    if not any(s in norm for s in _NUMBER_GATE):
        return norm
    if not _SPACED_WORDS.fullmatch(norm):
        return _NUMBER_RULE.sub(lambda m: str(_NUMBER_WORDS[m.group(1)]), norm)
    # Words between single spaces (a normalised text): the rule's matches are whole runs of words,
    # the longest first at each word, left to right, as the rule itself finds them (in a tenth of the time).
    words = norm.split(" ")
    out, i, n, get = [], 0, len(words), _NUMBER_WORDS.get
    while i < n:
        word, size, value = words[i], 1, None
        if word in _NUMBER_STARTS:  # "een en tachtig", "eighty two": the longest first
            for size in range(min(_NUMBER_SPAN, n - i), 1, -1):
                value = get(" ".join(words[i:i + size]))
                if value is not None:
                    break
            else:
                size = 1
        if value is None:
            value = get(word)
        out.append(word if value is None else str(value))
        i += size
    return " ".join(out)


def _ages(norm: str) -> list[int]:
    norm = with_digits(norm)
    found = []
    for rule, gate in zip(_AGES, _AGE_GATES):
        if not may_match(gate, norm):
            continue
        for m in rule.finditer(norm):
            digits = next(g for g in reversed(m.groups()) if g and g.isdigit())
            if 0 < int(digits) <= 110:
                found.append(int(digits))
    return found


def item_ages(title: str, text: str, eligibility: str | None, min_age: int | None,
              max_age: int | None) -> tuple[int, int]:
    """The ages a listing is for: its own limits, else what its title and eligibility say."""
    if min_age is not None or max_age is not None:
        return (min_age or 0, 120 if max_age is None else max_age)
    if m := _PLUS_RAW.search(f"{title} {eligibility or ''}"):  # "65+" loses its + when normalised
        return int(m.group(1)), 120
    own = normalise(f"{title}. {eligibility or ''}")
    voor = " ".join(m.group(0) for m in re.finditer(r"\b(voor|kinderen|jongeren)\b.{0,40}", normalise(text)))
    for words in (own, voor):  # numbers first, anywhere, then words such as "jongeren"
        span = _ages_in(words)
        if span != NO_AGE:
            return span
    for words in (own, voor):
        for rule, span in _ITEM_STAGES[1:]:
            if re.search(rule, words):
                return span
    described = normalise(text)
    for rule, span in _TEXT_STAGES:
        if re.search(rule, described):
            return span
    return NO_AGE


def _ages_in(norm: str) -> tuple[int, int]:
    raw = norm
    if m := _RANGE.search(raw):
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo < hi:
            return lo, hi
    if m := re.search(r"\b(\d{2})\s*(plus|plussers)\b", raw):
        return int(m.group(1)), 120
    if m := _UPTO.search(raw):
        return 0, int(m.group(1))
    if m := _FROM.search(raw):
        return int(m.group(1)), 120
    return NO_AGE


def item_groups(title: str, eligibility: str | None) -> int:
    """The special groups a listing names in its title or eligibility (bitmask)."""
    own = normalise(f"{title}. {eligibility or ''}")
    return sum(bit for g, bit in GROUP_BIT.items() if _ITEM_GROUP[g].search(own))


def comes_home(access: str | None, text: str = "") -> bool:
    """The service reaches the resident at home (visits, delivery, by phone): distance does not cut it."""
    return bool(_HOME.search(normalise(f"{access or ''} {text}")))


def served_areas(eligibility: str | None, text: str, gazetteer: dict[str, str]) -> tuple[str, ...]:
    """Area codes a wijk-bound listing serves ("Voor inwoners van Velve-Lindenhof"), from
    ``gazetteer`` (normalised area name -> code). Empty: it serves everyone."""
    found: list[str] = []
    for source in (eligibility or "", text):
        for m in _AREA_PHRASE.finditer(normalise(source)):
            phrase = f" {m.group(5)} "
            found += [code for name, code in gazetteer.items() if f" {name} " in phrase]
        if found:
            break
    return tuple(dict.fromkeys(found))


def ages_fit(spans: tuple[tuple[int, int], ...], lo: int, hi: int) -> bool:
    """Does any age the request names fall in the listing's ages? (No ages named: yes.)"""
    return not spans or any(a <= hi and b >= lo for a, b in spans)


# What a danger topic needs (safety.py's topics): the specialised service before a generic one.
TOPIC_SERVICES: dict[str, str] = {
    "home": r"huiselijk geweld|veilig thuis|thuis niet veilig|mishandel\w*|opvang|onveilig",
    "threat": r"huiselijk geweld|veilig thuis|thuis niet veilig|bedreig\w*|stalk\w*|opvang|onveilig",
    "elder": r"huiselijk geweld|veilig thuis|mishandel\w*|ouderen|onveilig",
    "child": r"kindermishandeling|veilig thuis|gezin\w*|jeugd",
    "suicide": r"psychisch\w*|ggz|crisis|somber\w*|zelfmoord|113|depress\w*",
    "immediate": r"huiselijk geweld|veilig thuis|opvang|crisis",
}
TOPIC_BIT = {t: 1 << i for i, t in enumerate(TOPIC_SERVICES)}
_TOPIC_RULES = {t: re.compile(rf"\b({rule})") for t, rule in TOPIC_SERVICES.items()}


def item_topics(text: str) -> int:
    """The danger topics a professional listing is made for (bitmask)."""
    norm = normalise(text)
    return sum(bit for t, bit in TOPIC_BIT.items() if _TOPIC_RULES[t].search(norm))


def topic_mask(topics) -> int:
    return sum(TOPIC_BIT.get(t, 0) for t in topics)


# Giving something away or selling it is no request for help ("grasmaaier gratis af te halen"),
# unless the text also asks for help ("wie kan helpen", "ik zoek").
_GIVES_AWAY = Gated(
    r"\b(gratis (af te halen|op te halen|weg te geven|mee te nemen)|te geef|weg te geven|geef (\w+ ){0,3}weg|"
    r"af te halen|op te halen|te koop|for free|giving away|give away|free to (a good home|collect|pick up)|for sale)\b")
_ASKS_HELP = re.compile(r"\b(hulp|help\w*|nodig|zoek\w*|kan iemand|wie kan|kunnen jullie|graag iemand|looking for|"
                        r"need|could someone|can someone|anyone who can)\b")


def gives_away(text: str) -> bool:
    """The text offers or sells a thing and asks for no help: no need to match."""
    return _GIVES_AWAY.said_in(text) and not _ASKS_HELP.search(read(text)[0])


# An acute money or housing crisis: an eviction date, the bailiff at the door, gas or power cut off.
# The debt service and the wijkteam come before a chat group about getting by then.
_ACUTE = Gated(
    r"\b(ontruim\w*|huisuitzetting|uitzetting|uit huis gezet worden|op straat (komen te )?staan|"
    r"deurwaarder\w* (komt|staat|is|kwam|heeft)|beslag (gelegd|op)|"
    r"(gas|stroom|water|energie|licht|elektra)\w* (\w+ ){0,3}?(afgesloten|afsluiten)|afsluiting (van|dreigt)|"
    r"eviction|evicted|being evicted|bailiff\w*|cut off|disconnected)\b")


def acute_crisis(text: str) -> bool:
    return _ACUTE.said_in(text)


# A listing made for the speakers of one language (its title names it: "Nederlands voor Arabisch
# sprekenden") is for someone who speaks it: the request names the language, a country where it is
# spoken, or asks in it (HelpRequestIn.languages). Otherwise it is a stand-in (engine.rank). A
# description that only mentions a language or a country ("recepten uit Syrië") makes no such listing.
_LANGUAGE_NAMES = {
    "ar": r"arabisch\w*|arabic", "tr": r"turks|turkse|turkstalig\w*|turkish", "pl": r"pools|poolse|polish",
    "ti": r"tigrinya", "uk": r"oekraiens\w*|ukrainian", "fa": r"farsi|perzisch\w*|persian|dari",
    "so": r"somalisch\w*|somali",
}
_COUNTRIES = {
    "ar": r"syri\w*|marok\w*|moroc\w*|irak\w*|iraq\w*|jemen\w*|soedan\w*|sudan\w*|egypt\w*|libanon\w*|lebanon\w*|"
          r"palestin\w*|jordani\w*",
    "tr": r"turkije|turkey", "pl": r"polen|poland", "ti": r"eritre\w*", "uk": r"oekraine|ukraine",
    "fa": r"afghan\w*|iran\w*", "so": r"somalie|somalia",
}
_NAMED = {code: re.compile(rf"\b(?:{rule})\b") for code, rule in _LANGUAGE_NAMES.items()}
_NAMED_OR_COUNTRY = {code: re.compile(rf"\b(?:{rule}|{_COUNTRIES[code]})\b") for code, rule in _LANGUAGE_NAMES.items()}


def made_for_speakers(title: str) -> frozenset[str]:
    """The languages (codes) a listing's title says it is made for."""
    norm = normalise(title)
    return frozenset(code for code, rule in _NAMED.items() if rule.search(norm))


def languages_named(text: str) -> frozenset[str]:
    """The languages (codes) a request names, by the language or a country where it is spoken."""
    norm = read(text)[0]
    return frozenset(code for code, rule in _NAMED_OR_COUNTRY.items() if rule.search(norm))
