"""What a listing is specifically about, in words residents use (Dutch and English).

The category says "vervoer"; a wijkcoach also sees whether it is a lift to the hospital, pushing
a wheelchair or learning to take the bus. Each topic is a handful of word stems. A listing whose
*title* names topics the request never mentions is off-topic for it when another listing of the
same need does match the request's topics (engine: ``_pick``). Word overlap alone cannot see that
"a lift to the MST" and "Ik rij u naar het ziekenhuis" are the same thing; these topics can.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import GateSet, literal_gate, read

TOPICS: dict[str, str] = {
    # not "brengen" or "ophalen": meals, parcels and medicines are brought too
    "rit": r"rij\w*|rit\w*|lift|ride|drive|driving|auto|car|pick me up|taxi|vervoer\w*|transport|kofferbak|"
           r"haalt me op|haalt mij op|me ophalen|mij ophalen|me op komen halen|mij op komen halen|collect me|"
           r"ophalen uit het ziekenhuis|ophalen bij het ziekenhuis",
    # going to care: a doctor named only in passing ("de dokter geeft pillen", "mijn huisarts zegt")
    # is no appointment, so the doctor words count only with going to or being at one
    "zorgafspraak": r"ziekenhuis\w*|hospital|mst|zgt|specialist|afspraak|appointment|"
                    r"scan|echo|fysio\w*|therap\w*|revalidatie\w*|chemo\w*|bestraling\w*|radiother\w*|polikliniek|"
                    r"neuroloog|tandarts|dentist|operatie|narcose|surgery|clinic|doktersafspraak|"
                    r"naar de dokter|naar dokter|naar de huisarts|naar huisarts|naar de arts|bij de dokter|bij de huisarts|"
                    r"to the doctor|to the gp|to my doctor|to my gp|to see a doctor|see the doctor|at the doctor",
    "rolstoel": r"rolstoel\w*|wheelchair\w*|duwen|push",
    "ov_leren": r"bus|ov|ov chipkaart|trein|train|reizen leren|leren reizen|public transport",
    "begraafplaats": r"begraafplaats|graf|kerkhof|cemetery|grave",
    "familiebezoek": r"familie\w* bezoeken|naar familie|visit family",
    "boodschappen": r"boodschap\w*|supermarkt|winkel\w*|jumbo|albert heijn|lidl|aldi|shop|shopping|groceries|markt",
    "apotheek": r"apothe\w*|apoteek|medicij\w*|medicine\w*|pharmacy|prescription",
    "maaltijd": r"maaltijd\w*|warm eten|eten koken|koken|kook\w*|cook\w*|meal\w*|dinner|soep",
    "was": r"was|wassen|strijk\w*|laundry|ironing|washing",
    "schoonmaak": r"schoonma\w*|schoon ?houd\w*|schoon te houden|huishoudelijke hulp|stofzuig\w*|dweil\w*|poets\w*|ramen lappen|zemen|clean\w*|vacuum\w*|mop\w*|bed opmaken|bedden",
    "opruimen": r"opruim\w*|rommel|spullen uitzoeken|vol huis|declutter\w*|tidy|hoarding|verzamel\w*",
    "tuin": r"tuin\w*|garden\w*|gras|maai\w*|heg|bladeren|onkruid|snoei\w*|planten|potten|lawn|hedge|leaves",
    "ophangen": r"ophang\w*|hang\w*|muur|boren|boormachine|plank\w*|schilderij|beugel|gordijn\w*|drill\w*|shelf|shelves|curtain\w*",
    "schilderen": r"schilder\w*|verf\w*|verven|behang\w*|paint\w*|wallpaper",
    "fiets": r"fiets\w*|bike|bicycle|cycling|cycle",
    # mending a bike is its own job: a bike repairer is no help with a door that will not close
    "fietsreparatie": r"fietsenmaker\w*|fietsenwerkplaats|fietsenmakerij|ketting|fiets repareren|fiets maken|"
                      r"band plakken|band lek|lekke band|fietsband\w*|bike repair|flat tyre|flat tire",
    "verhuizen": r"verhuiz\w*|verhuis\w*|dozen|sjouw\w*|moving house|move house|removal",
    "reparatie": r"repar\w*|kapot\w*|stuk|broken|fix\w*|lekt|lekkende|kraan",
    "post": r"post|brief|brieven|brievenbus|envelop\w*|rekening\w*|formulier\w*|papieren|letter|letters|mail|bills|paperwork|forms",
    "schulden": r"schuld\w*|debt\w*|deurwaarder\w*|aanmaning\w*|incasso|achterstand\w*|arrears|"
                r"huur niet betalen|huur niet meer betalen|huur niet kunnen betalen|kan de huur niet|behind on rent|"
                r"behind with the rent|behind on the rent|can t pay the rent|can t pay my rent|cant pay the rent|"
                r"cant pay my rent|cannot pay the rent|cannot pay my rent",
    "budget": r"budget\w*|kasboek|huishoudboek\w*|huishoudgeld|rondkomen|geld over|uitgaven|uitgeven|uitgeef|tekort\w*|"
              r"inkomsten|besparen|bespaar\w*|zuinig|savings|money management|budgeting|waar het geld blijft",
    "voedsel": r"voedselbank\w*|voedselpakket\w*|eten kopen|honger\w*|food bank|food parcel|hungry|hunger",
    "kleding": r"kleding\w*|kleren|jas|jassen|winterjas\w*|schoenen|clothes|clothing|coat\w*|shoes",
    # the rented home, also when it is about to be lost (an eviction is the landlord's)
    "huur": r"huur\w*|huurachterstand|verhuurder|woningcorporatie|landlord|rent|ontruiming\w*|ontruimd|"
            r"huisuitzetting\w*|uitzetting|eviction\w*|evicted",
    "woning_zoeken": r"woning zoeken|huurwoning|inschrijven|woningnet|nieuw huis|new home|flat zoeken|dakloos|homeless|"
                     r"woonruimte|slaapplek|bank slapen|couch",
    "toeslag": r"toeslag\w*|zorgtoeslag|huurtoeslag|regeling\w*|allowance|benefit\w*|uitkering",
    "belasting": r"belasting\w*|aangifte|tax\w*",
    "huiswerk": r"huiswerk\w*|homework|rekenen|wiskunde|math\w*|bijles|tutor\w*",
    "oppas": r"oppas\w*|babysit\w*|opvang|kinderopvang|childcare",
    "spelen": r"spelen|speel\w*|play\w*|knutsel\w*",
    "sport": r"sport\w*|voetbal\w*|football|soccer|gym|fitness|zwem\w*|swim\w*|yoga|boks\w*|tennis|dans\w*|danc\w*",
    "wandelen": r"wandel\w*|lopen|loop|walk\w*|nordic",
    "hond": r"hond\w*|dog\w*|puppy|uitlaten",
    "kat": r"kat|katten|poes\w*|cat|cats|kattenbak",
    "dier_klein": r"konijn\w*|cavia\w*|vis|vissen|aquarium|vogel\w*|parkiet\w*|rabbit|fish|bird|hamster",
    "dierenarts": r"dierenarts\w*|vet|vets|veterinar\w*|dokter voor dieren|dokter voor mijn kat|dokter voor mijn hond|"
                  r"animal doctor",
    # an animal at all: a listing for pets (a pet food bank, a pet buddy) is for someone who has one
    "huisdier": r"huisdier\w*|dier|dieren\w*|pet|pets|animal\w*",
    "handwerk": r"brei\w*|haak\w*|haken|knit\w*|crochet\w*|naai\w*|sew\w*|handwerk\w*",
    "spelletjes": r"spelletje\w*|sjoel\w*|klaverjas\w*|kaart\w*|bingo|rummikub|schaak\w*|chess|games|board game\w*",
    "eten_samen": r"eettafel|samen eten|samen koken|maaltijd samen|eat together|dinner together|lunch",
    # someone who comes to visit (a maatje, a visitor): not a meal brought, not digital help at home
    # (no compounds: a "ziekenhuisbezoek" is an appointment, a "taalmaatje" teaches Dutch)
    "bezoek": r"bezoek(?:je|jes|en)?|op bezoek|langskomen|langs komen|komt langs|maatjes?|maatjesproject\w*|"
              r"bezoekers?|visit|visits|visitors?|come round|drop by|befriend\w*",
    "koffie": r"koffie\w*|thee|praatje|kletsen|coffee|tea|chat",
    "taal_leren": r"nederlands leren|taal|taalles\w*|inburger\w*|dutch|language|grammatica|spreken oefenen",
    "lezen_schrijven": r"lezen|schrijven|laaggeletterd|dyslex\w*|reading|writing|voorlez\w*",
    # the digital world in general; the device and the task are topics of their own, because a
    # laptop helper is no help with DigiD and a phone helper none with a computer
    "digitaal": r"digita\w*|internet\w*|app|apps|e mail|email|mail|wifi|online|website\w*",
    "computer": r"computer\w*|laptop\w*|pc|printer\w*|windows|scanner",
    "telefoon": r"telefoon\w*|smartphone\w*|mobiel|mobieltje|tablet\w*|ipad|iphone|android|whatsapp|"
                r"mobile phone|my phone|new phone|cell phone",
    "digid": r"digid|mijn overheid|mijnoverheid|berichtenbox|inloggen bij de gemeente|log in to the government",
    "bankieren": r"internetbankier\w*|bankier\w*|bankapp|bank app|online bankieren|phishing|nepmail\w*|"
                 r"valse mail|fake mail\w*|online banking|internet banking|banking app",
    "videobellen": r"videobel\w*|beeldbel\w*|facetime|skype|zoom|video call\w*|videocall\w*|video bellen",
    "solliciteren": r"sollicit\w*|cv|baan|vacature\w*|job\w*|werk zoeken|interview|vast contract",
    "vrijwilligerswerk": r"vrijwilligerswerk|volunteer work|zinvol\w*|dagbesteding|dag invullen|meaningful",
    "roken": r"rook\w*|roken|sigaret\w*|smok\w*|stoppen met roken",
    # drink, drugs and gambling: the addiction walk-in, not a stop-smoking buddy or chair yoga
    # (not "drinken" or "drink": koffie drinken, a drink together)
    "alcohol_drugs": r"alcohol\w*|drank|drankprobleem\w*|drinkprobleem\w*|drinkgedrag|drinker\w*|drinkt|drinks|"
                     r"drinking|dronken|drunk|te veel drinken|teveel drinken|veel drinken|drugs|blowen|blowt|wiet|hasj|cannabis|joint|joints|cocaine|"
                     r"verslav\w*|addict\w*|gok|gokken|gokt|gokverslav\w*|gokschuld\w*|casino|gambl\w*|weed",
    # low mood, also when it has a name or a cause: a depression after a birth, a war, a death that will not ease
    "somber": r"somber\w*|depress\w*|angst\w*|paniek\w*|anxi\w*|psychisch\w*|low mood|"
              r"mentale klachten|mentale problemen|mentaal niet|mentally|slaap niet|slaap slecht|slaap nauwelijks|"
              r"kan niet slapen|kan niet meer slapen|slaapproblemen|can t sleep|cannot sleep|oorlog\w*|the war|a war|from the war|"
              r"in the war|"
              r"trauma\w*|nachtmerrie\w*|nightmare\w*|postnata\w*|postpartum|na de bevalling|stoppen met huilen|"
              r"stop crying|huil de hele dag|piekeren|pieker\w*",
    # worn out by work or care: a burn-out peer is another thing than grief or war memories
    "burnout": r"burnout|burn out|overspannen|overwerkt|werkstress|stress van mijn werk|opgebrand|burned out|burnt out",
    # weight and eating habits (a leefstijlcoach), not low mood
    "leefstijl": r"afvallen|afgevallen|gewicht|overgewicht|kilo|kilos|dieet\w*|lijnen|leefstijl\w*|"
                 r"gezond eten|gezonder eten|gezonder leven|anders eten|weight|overweight|diet\w*|lose weight|eat healthier",
    "rouw": r"overl\w*|rouw\w*|verlies|verloren|weduw\w*|grief|widow\w*|passed away",
    "mantelzorg_rust": r"even vrij|respijt|zorg overnemen|zorg even over|logeer\w*|oppas bij mijn man|oppas bij mijn vrouw|"
                       r"sit with|respite|break from caring|bij hem blijven|bij haar blijven|"
                       r"bij hem zitten|bij haar zitten|bij moeder zitten|bij mijn moeder zitten|bij vader zitten|"
                       r"bij mijn vader zitten|bij mijn man zitten|bij mijn vrouw zitten|bij mijn moeder blijven|"
                       r"bij mijn vader blijven|vrije dag|vrije middag|dag voor mezelf|dag voor mijzelf|tijd voor mezelf|"
                       r"even voor mezelf|even weg|even bijkomen|day off|time for myself|take a break|"
                       r"paar uur vrij|paar uurtjes vrij|uurtje vrij|paar uur weg|paar dagen weg|dagje weg|"
                       r"op hem passen|op haar passen|oppassen op mijn \w+|oppas voor mijn \w+|bij hem kan blijven|"
                       r"bij haar kan blijven|die bij hem blijft|die bij haar blijft|zorg even overnemen|zorg overnemen|"
                       r"zorg van mij overnemen|vervanging voor de zorg|"
                       r"sit with him|sit with her|look after him|look after her|a few hours off|some time off|"
                       r"ontlast\w*|adempauze|moment voor mezelf|moment voor zichzelf|moment voor haarzelf|"
                       r"tijd voor zichzelf|tijd voor haarzelf|zelf ook rust nodig|even rust|op adem komen|"
                       r"de zorg van u over|zorg van u overnemen|some respite|keep her company|keep him company|"
                       r"stay with her|stay with him|kan niet alleen zijn|kan niet alleen blijven|niet alleen laten|"
                       r"kan niet alleen thuis|can t be left alone|cannot be left alone|paar uurtjes|twee uurtjes|2 uurtjes",
    # raising a child: behaviour, limits, quarrels at home (not the school, not a baby's care)
    "opvoeden": r"opvoed\w*|parenting|driftbui\w*|tantrum\w*|woedeaanval\w*|ruzie\w*|grenzen|brutaal|koppig|"
                r"behaviou?r\w*|discipline|luistert niet|niet luisteren|neutraal mee",
    "school": r"school\w*|leraar|leerkracht|mentor|spijbel\w*|truan\w*|teacher",
    # a baby's or toddler's care; crying and sleeping alone are the writer's own more often ("ik kan
    # niet slapen", "ik kan niet stoppen met huilen")
    "baby": r"baby\w*|peuter\w*|zuigeling\w*|borstvoeding|flesvoeding|huilbaby\w*|kraam\w*|newborn|toddler\w*|"
            r"consultatiebureau|baby huilt|huilt de hele nacht|slaapt niet door|doorslapen",
}
# One bit per topic in an int64 mask (index.py columns): 63 is the most it holds, so a new topic
# needs a wider mask first.
TOPIC_BIT = {name: 1 << i for i, name in enumerate(TOPICS)}
if len(TOPIC_BIT) > 63:
    raise ImportError("topic masks are int64: widen them before adding a topic")
# Topics that say how or where help is given rather than what the problem is: a listing's title
# naming one of these besides the asked topic is still about the asked topic (engine._on_subject).
MANNER = ("rit", "fiets", "wandelen", "koffie", "digitaal", "eten_samen", "spelen", "bezoek")
MANNER_MASK = sum(TOPIC_BIT[t] for t in MANNER)
# A way of helping that the person must be able to use: digital help is no help with a paper letter.
CHANNEL = ("digitaal",)
CHANNEL_MASK = sum(TOPIC_BIT[t] for t in CHANNEL)
# Ways of helping that are the help itself when asked for: someone who asks to be driven needs a
# car, and a companion who goes along by bus is another kind of help (engine._on_subject).
MEANS = ("rit",)
MEANS_MASK = sum(TOPIC_BIT[t] for t in MEANS)


def _split(rule: str) -> tuple[str, str, tuple[tuple[str, bool], ...]]:
    """A topic's alternatives: one-word ones (matched per word, cached), phrases (matched in the
    text), and longer stems that also count at the end of a Dutch compound ("straatvoetbal")."""
    alts = rule.split("|")
    words = [a for a in alts if " " not in a]
    phrases = [a for a in alts if " " in a]
    tails = tuple((a.removesuffix("\\w*"), a.endswith("\\w*")) for a in words
                  if re.fullmatch(r"[a-z]{5,}(\\w\*)?", a))
    return "|".join(words), "|".join(phrases), tails


_PARTS = {name: _split(rule) for name, rule in TOPICS.items()}
_WORD = {name: re.compile(rf"(?:{w})") for name, (w, _p, _t) in _PARTS.items() if w}
_PHRASES = [(TOPIC_BIT[name], re.compile(rf"\b(?:{p})\b"), literal_gate(rf"\b(?:{p})\b"))
            for name, (_w, p, _t) in _PARTS.items() if p]
_PHRASE_GATES = GateSet([gate for _b, _r, gate in _PHRASES])
# Any topic's one-word alternatives at all: most words are none, and then one match tells so.
_ANY_WORD = re.compile("|".join(rule.pattern for rule in _WORD.values()))
# The stems by the way they count inside a longer word: at its end ("straatvoetbal"), or, for a
# stem written with \w*, anywhere after its first letter ("boodschappenlijstje"). Looked up per
# piece of the word, so a new word costs a few dozen dictionary lookups, not one test per stem.
_SUFFIX: dict[str, int] = {}
_INFIX: dict[str, int] = {}
for _name, (_w, _p, _tails) in _PARTS.items():
    for _stem, _loose in _tails:
        _table = _INFIX if _loose else _SUFFIX
        _table[_stem] = _table.get(_stem, 0) | TOPIC_BIT[_name]
_INFIX_LENGTHS = sorted({len(stem) for stem in _INFIX})
_SHORTEST = min(len(stem) for stem in (*_SUFFIX, *_INFIX))


@lru_cache(maxsize=65536)
def _word_topics(word: str) -> int:
    """The topics one word names (words recur across requests, so this is cached)."""
    mask = sum(TOPIC_BIT[name] for name, rule in _WORD.items() if rule.fullmatch(word)) \
        if _ANY_WORD.fullmatch(word) else 0
    n = len(word)
    for size in range(_SHORTEST, n):  # a stem at the end of a longer word
        mask |= _SUFFIX.get(word[n - size:], 0)
    for size in _INFIX_LENGTHS:  # a loose stem anywhere after the first letter
        for start in range(1, n - size + 1):
            mask |= _INFIX.get(word[start:start + size], 0)
    return mask


# A request about the first also accepts listings about the second (a shopping service fetches medicines).
# An animal named is a pet: listings for pets in general are about it too. (Rent is not a debt by
# itself: "the landlord will not fix the mould" asks no rent-arrears help; arrears say "achterstand".)
RELATED = {"apotheek": "boodschappen", "hond": "huisdier", "kat": "huisdier", "dier_klein": "huisdier",
           "dierenarts": "huisdier", "vrijwilligerswerk": "solliciteren",  # volunteer vacancies are vacancies
           # a device or a digital task is digital: a "Digitale Overheid" desk is about DigiD
           "computer": "digitaal", "telefoon": "digitaal", "digid": "digitaal", "bankieren": "digitaal",
           "videobellen": "digitaal"}


def widen(asked: int) -> int:
    """The topics a request accepts: its own and the related ones."""
    for name, other in RELATED.items():
        if asked & TOPIC_BIT[name]:
            asked |= TOPIC_BIT[other]
    return asked


# What someone has stopped doing is no longer asked ("ik ben gestopt met roken, graag geen rokende
# vrijwilliger": no stop-smoking coach). "Stoppen met" (wanting to stop) is asked, so only the past.
# So is what the writer refuses ("ik wil geen schuldhulp", "I don't want a psychiatrist"): a listing
# whose title names it is a stand-in (engine.rank), though the need itself may still be asked.
_STOPPED = re.compile(r"\b(?:gestopt met(?: het)?|stopped|quit|gave up|given up|"
                      r"(?:wil|wilt|willen|hoef|hoeft) (?:echt |absoluut |zeker )?(?:geen|niet naar (?:de |het |een )?)|"
                      r"(?:don t|dont|do not) want (?:a |an |any |to go to (?:a |an |the )?)?)\s*(\w+)")
_STOPPED_GATE = ("gestopt", "stopped", "quit", "gave up", "given up", "wil", "hoef", "want")


# A pet that has died is no longer asked about either ("sinds mijn hond dood is ben ik alleen":
# company, not dog walking).
_GONE = re.compile(r"\b(hond|hondje|kat|katje|poes|poesje|dog|cat)\s+(?:\w+\s+){0,3}?"
                   r"(?:dood|overleden|gestorven|ingeslapen|died|passed away|put down)\b")
_GONE_GATE = ("dood", "overleden", "gestorven", "ingeslapen", "died", "passed away", "put down")


def _stopped_words(norm: str) -> frozenset[str]:
    """Words that appear only as what the writer has stopped doing (or a pet that died)."""
    stopped, gone = any(g in norm for g in _STOPPED_GATE), any(g in norm for g in _GONE_GATE)
    if not (stopped or gone):
        return frozenset()
    done = [m.group(1) for m in _STOPPED.finditer(norm)] if stopped else []
    done += [m.group(1) for m in _GONE.finditer(norm)] if gone else []
    all_words = norm.split()
    return frozenset(w for w in done if all_words.count(w) == done.count(w))


def stopped_of(text: str) -> int:
    """The topics a text names only as what the writer has stopped doing (bitmask)."""
    mask = 0
    for word in _stopped_words(read(text)[0]):
        mask |= _word_topics(word)
    return mask


def topics_of(text: str) -> int:
    """The topics a text names (bitmask)."""
    norm, words = read(text)
    mask = 0
    done = _stopped_words(norm)
    for word in words:
        if word not in done:
            mask |= _word_topics(word)
    for i in _PHRASE_GATES.open(norm):
        bit, rule, _gate = _PHRASES[i]
        if not mask & bit and rule.search(norm):
            mask |= bit
    return mask


def names(mask: int) -> list[str]:
    return [name for name, bit in TOPIC_BIT.items() if mask & bit]
