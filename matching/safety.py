"""Danger signals in a help request: these go to professionals, never to volunteers.

Rules on normalised text (Dutch and English), plus tolerant matching of a few
distinctive words so that 'mishandelt', 'mishandld' or 'zelfmoort' still count.
A false alarm costs little (the resident sees professional help and the
emergency numbers); a missed one can cost a lot, so the rules lean cautious.
"""

from __future__ import annotations

import re

from .text import normalise

EMERGENCY_NUMBERS: list[dict] = [
    {"name": "Alarmnummer bij direct gevaar", "phone": "112"},
    {"name": "Veilig Thuis (huiselijk geweld, kindermishandeling)", "phone": "0800-2000"},
    {"name": "113 Zelfmoordpreventie", "phone": "0800-0113"},
]

_PERSON_NL = (r"(partner|man|vrouw|vriend|vriendin|ex|vader|moeder|stiefvader|stiefmoeder|zoon"
              r"|dochter|broer|zus|oom|buurman|hij|zij|ze)")
_PERSON_EN = r"(he|she|husband|wife|partner|boyfriend|girlfriend|father|dad|mother|mom|mum|ex|stepfather)"
_ME_NL = r"(me|mij|ons|haar|hem|de kinderen|mijn|m n|het kind|de kids)"

_PATTERNS = [
    # violence and abuse
    r"geweld",  # also compounds: huiselijkgeweld, partnergeweld
    r"mishandel",  # also ouderenmishandeling, kindermishandeling
    r"\bgeslagen\b",
    rf"\b(slaat|schopt|sloeg|schopte|duwt|knijpt|wurgt|wurgde)\s+{_ME_NL}\b",
    rf"\b{_ME_NL}\s+(slaat|sloeg|schopt)\b",
    r"\bin elkaar (geslagen|slaan|getrapt)",
    rf"\b{_PERSON_NL}\b.{{0,30}}\bagressief",
    r"\bagressief\b.{0,20}\b(tegen|naar)\s+(mij|me|ons|de kinderen)\b",
    r"misbruik",
    r"\bverkracht",
    r"\baanrand",
    r"\bverwaarloos",
    r"\bverwaarlozing",
    r"\buitbuit",
    r"\bloverboy",
    r"\beer(wraak|gerelateerd)",
    r"\bmensenhandel",
    # threats and stalking
    r"\bbedreig",
    r"\bdreig\w*\s+(mij|me|ons|haar|hem)\b",
    r"\bdreigt\b.{0,40}\b(aan te doen|vermoorden|dood|slaan|pijn)",
    r"\bdreigende\s+(berichten|brieven|taal|sms)",
    r"stalk",  # gestalkt
    r"\bbelaagd",
    r"\b(bang|angstig)\s+voor\s+(mijn|m n|haar|zijn)\s+" + _PERSON_NL,
    r"\bdurf\w*\s+niet\s+(meer\s+)?(naar\s+)?huis",
    r"\bniet\s+(meer\s+)?veilig\s+(thuis|in huis)",
    r"\bonveilig",
    r"\b(ik ben|wij zijn|we zijn|zijn wij) in gevaar\b",
    r"\bzorgen (om|over) (een|het) kind\b",
    r"\bkind\b.{0,30}\b(niet veilig|gevaar)",
    # suicide and self-harm
    r"\bzelfmoord",
    r"\bzelfdoding",
    r"\bsuicid",
    r"\beinde aan (mijn|m n|het|zijn|haar) leven",
    r"\bniet meer (willen\s+)?leven\b",
    r"\bwil\w*\s+(niet meer leven|dood)\b",
    r"\bdood\s+(willen|wil)\b",
    r"\bzie het (echt\s+)?niet meer zitten",
    r"\buit het leven (stappen|gaan)",
    r"\b(mezelf|mijzelf|mij zelf)\s+(iets\s+)?(aandoen|van kant)",
    r"\bkill (myself|me)\b",
    r"\bend (my|it all|my own) li(fe|ves)",
    r"\bwant(s)? to die\b",
    r"\bself harm",
    # English violence and threats
    r"\bdomestic violence",
    r"\bviolen(t|ce)\b",
    r"\babus(e|ed|es|ing|ive)\b",
    r"\bthreat(en|ens|ened|s)?\b",
    r"\brape",
    r"\bmolest",
    rf"\b{_PERSON_EN}\b.{{0,25}}\b(hits?|beats?|hurts?|kicks?|chokes?)\s+(me|us|my|the kids|the children)\b",
    rf"\b(afraid|scared) of (my|her|his) {_PERSON_EN}\b",
    r"\b(not|don t|dont) feel safe at home",
    r"\bunsafe at home",
    r"\b(afraid|scared) (at|to go) home",
    r"\bin danger\b",
]
_RULES = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))

# Distinctive words checked with one typo allowed (two for long words).
_FUZZY_WORDS = ("mishandeld", "mishandelt", "mishandeling", "kindermishandeling", "bedreigd",
                "bedreigt", "bedreiging", "zelfmoord", "zelfdoding", "verkracht", "verkrachting",
                "geslagen", "huiselijk", "suicide", "violence", "misbruikt")


def is_dangerous(text: str) -> bool:
    """True when the text signals violence, threats, suicide or a child at risk."""
    norm = normalise(text)
    if _RULES.search(norm):
        return True
    return any(_fuzzy_hit(token) for token in norm.split() if len(token) >= 7)


def level(text: str) -> str:
    """``"danger"`` (professional help only), ``"possible"`` (a professional clears it before any
    volunteer sees it) or ``"none"``. The app stores it on the request; visibility follows it."""
    return "danger" if is_dangerous(text) else "none"


def _deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` characters deleted (SymSpell's trick)."""
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _limit(word: str) -> int:
    return 2 if len(word) >= 10 else 1


# Deletion variants of the distinctive words -> the words; a typo'd token shares one.
_FUZZY_INDEX: dict[str, list[str]] = {}
for _word in _FUZZY_WORDS:
    for _variant in _deletions(_word, _limit(_word)):
        _FUZZY_INDEX.setdefault(_variant, []).append(_word)


def _fuzzy_hit(token: str) -> bool:
    candidates = {w for v in _deletions(token, 2) for w in _FUZZY_INDEX.get(v, ())}
    return any(_within(token, w, _limit(w)) for w in candidates if abs(len(token) - len(w)) <= _limit(w))


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance <= limit."""
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit
