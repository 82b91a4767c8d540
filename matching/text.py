"""Text normalisation shared by the classifier and the safety check."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

try:  # the parser behind re (public names moved in Python 3.11)
    import re._constants as _C
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _C
    import sre_parse as _sre_parse

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase, drop accents and punctuation: 'Café  DigiD!' -> 'cafe digid'."""
    # NFKD splits 'é' into 'e' + accent; the ASCII encode drops the accent (and any
    # non-Latin script, which the a-z0-9 filter would drop anyway).
    ascii_only = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", ascii_only).strip()


# Function words that say a text is English (and Dutch ones against it): a reader writes in the
# language they read best, so listings in it are what they can use. 96 % of the corpus's English
# texts, 1 of 2,144 Dutch ones (itself English); short notes without function words stay unread.
_ENGLISH = frozenset("the and i my me to of you for with can who have not it this that would could please "
                     "am was im dont cant our we he she they her his a there where looking want are any "
                     "someone need your just some what how".split())
_DUTCH = frozenset("de het een en ik mijn zijn van voor met kan wie heb niet dat die op te er wil graag ben "
                   "ook maar nog naar hij zij ze we wij".split())


@lru_cache(maxsize=64)  # asked by in_their_language and rank for the same text
def written_in(text: str) -> str | None:
    """"en" for a text written in English; None otherwise (Dutch, or too short to tell)."""
    words = read(text)[0].split()
    english = sum(w in _ENGLISH for w in words)
    return "en" if english >= 3 and english >= 2 * sum(w in _DUTCH for w in words) else None


@lru_cache(maxsize=64)
def read(text: str) -> tuple[str, frozenset[str]]:
    """A request's text read once: its normalised form and its words. Safety, ages, topics and
    the classifier all ask for the same text within one suggestion, so they share this."""
    norm = normalise(text)
    return norm, frozenset(norm.split())


def may_match(gate: tuple[str, ...], norm: str) -> bool:
    """False only when the text holds none of the strings every match needs."""
    return not gate or any(s in norm for s in gate)


@lru_cache(maxsize=64)
def _trigrams(norm: str) -> frozenset[str]:
    """Every three characters in a row of a text (for GateSet: one set per text, shared by all)."""
    return frozenset([norm[i:i + 3] for i in range(len(norm) - 2)])


class GateSet:
    """Many rules' literal gates checked at once: ``open(norm)`` gives, in order, the positions
    of the gates a text may match, exactly those for which ``may_match`` is true. A string of
    three characters or more can only be in the text where its first three are, so the strings
    are indexed by those and only the few whose start the text holds are looked for."""

    __slots__ = ("_always", "_short", "_by_start", "_starts")

    def __init__(self, gates):
        self._always: tuple[int, ...] = tuple(i for i, gate in enumerate(gates) if not gate)
        short: dict[str, list[int]] = {}
        by_start: dict[str, dict[str, list[int]]] = {}
        for i, gate in enumerate(gates):
            for s in gate:
                home = short if len(s) < 3 else by_start.setdefault(s[:3], {})
                home.setdefault(s, []).append(i)
        self._short = tuple(short.items())
        self._by_start = {t: tuple(strings.items()) for t, strings in by_start.items()}
        self._starts = frozenset(self._by_start)

    def open(self, norm: str) -> list[int]:
        found = set(self._always)
        for s, ids in self._short:
            if s in norm:
                found.update(ids)
        for t in self._starts & _trigrams(norm):
            for s, ids in self._by_start[t]:
                if s in norm:
                    found.update(ids)
        return sorted(found)


class Gated:
    """A regular expression over a normalised text that runs only where its literal gate lets it
    (``literal_gate``): the one shape of the audience rules ("says the text ...?")."""

    __slots__ = ("rule", "gate")

    def __init__(self, pattern: str):
        self.rule, self.gate = re.compile(pattern), literal_gate(pattern)

    def search(self, norm: str) -> re.Match | None:
        return self.rule.search(norm) if may_match(self.gate, norm) else None

    def said_in(self, text: str) -> bool:
        return self.search(read(text)[0]) is not None


def literal_gate(pattern: str) -> tuple[str, ...]:
    """Strings of which every match of ``pattern`` contains at least one (empty: no such set).

    ``any(s in text for s in gate)`` is a few substring scans in C; most texts fail it for most
    rules, so the regular expression itself runs only where it can match."""
    found = _seq(_sre_parse.parse(pattern))
    return tuple(sorted(found)) if found else ()


def _seq(items) -> frozenset | None:
    """The best literal set of a sequence: its longest literal run, or a required group's set."""
    cands, run = [], []

    def flush():
        if run:
            cands.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
        elif op is not _C.AT:  # \b, ^ and $ are zero-width: a literal run goes on across them
            flush()
            sub = _item(op, av)
            if sub:
                cands.append(sub)
    flush()
    # the rarest set: no string made of everyday words only, then the longest shortest string,
    # then the fewest strings
    return max(cands, key=lambda s: (not any(_everyday(x) for x in s), min(map(len, s)), -len(s))) if cands else None


def _everyday(s: str) -> bool:
    return all(w in _EVERYDAY for w in s.split())


# Words in nearly every text: a gate made of them would let every text through.
_EVERYDAY = frozenset("""
aan al als ben bent bij dan dat de deze die dit door een en er ga gaat had heb hebben heeft het hij
hem haar hier hoe ik in is je kan kun maar me meer met mij mijn mn m n na naar niet nog nu of om ons
ook op over te tot u uw van veel voor waar wat we wel wil wij worden wordt word ze zij zijn zo zou
a an and are at be but can do for from have he her his i if in is it me my no not of on or she so
that the them they this to was we when with you your
""".split())


def _item(op, av) -> frozenset | None:
    if op is _C.SUBPATTERN:
        return _seq(av[-1])
    if op is _C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            found = _seq(branch)
            if not found:
                return None
            out |= found
        return frozenset(out)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        return _seq(av[2]) if av[0] >= 1 else None
    return None  # any character, classes, look-arounds: nothing a match must contain
