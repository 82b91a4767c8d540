"""Matcher: one help request in, ranked and explained suggestions out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache

import numpy as np

from . import audience, scoring, topics
from .categories import CATEGORIES
from .classifier import CategoryClassifier
from .geo import radius_for
from .index import KIND_CODE, SupplyIndex, days_since_epoch
from .reasons import audience_reason, reasons_for
from .safety import SafetyAssessment, assess
from .slots import slot_bits
from .text import written_in
from .types import HelpRequestIn, SuggestResult, Suggestion, SupplyItem

SAFETY_RADIUS_M = 30_000.0  # professional help for danger may sit anywhere in the city
SAFETY_PROBABILITY = 0.5    # a professional-only category this likely: a professional looks first
MAX_INFERRED = 3            # categories searched when the resident confirmed none
RELEVANCE_MARGIN = 0.5      # a textual fit this far below the best of its need (1): left out
ALL_KINDS = tuple(KIND_CODE.values())
HEAVY_RUNG = 0.3           # a ladder part below this: tweede lijn, or eerste lijn with an indicatie
HEAVY_FIT = 0.4            # ... is chosen as if its fit were this share (5x zo-mogelijk: lightest first)
AGE_DOUBT = 0.5            # the fit of a listing for an age group the text gives no sign of, times this
STAND_IN_CHOICE = 0.1      # a stand-in's choice value: the lowest fit step, after any help that fits
ASKED_FURTHER = 1.5         # the radius × this for the very thing asked when nothing nearer is about it
RESTRICTED_KINDS_K = 2.5    # k nearest × this when only some kinds may be suggested (in doubt, danger)
TOPIC_CATEGORY = {"suicide": "gezondheid"}  # danger topics whose care lives in another category
NEED_GROUPS = {"mantelzorg": ("mantelzorger",)}
URGENT_NEEDS = ("geldzaken", "wonen")  # where an acute crisis (audience.acute_crisis) asks for professionals first
DAYTIME_END = 18 * 60      # a listing whose every time ends by then is for the daytime only  # a need that says who the person is (audience.GROUPS)


@dataclass
class Understanding:
    """What the request is about, before looking at supply."""

    predicted: list[tuple[str, float]]
    chosen: list[tuple[int, float]]  # (category index, fit weight), best first; empty: not understood
    safety: SafetyAssessment
    social: bool
    confident: bool
    person: audience.Person = audience.Person((), 0)
    visitor: bool = False  # a social need of someone who cannot go out or wants one person: no group activity
    urgent: bool = False  # an eviction, a bailiff or a cut-off at hand: professional help first, no chat group

    @property
    def professional_first(self) -> bool:
        return self.safety.level != "none" or self.urgent

    @property
    def danger(self) -> bool:
        return self.safety.level == "danger"


@dataclass
class Ranked:
    """Scored candidates of one request (NumPy columns, best first)."""

    pos: np.ndarray
    dist: np.ndarray
    cat: np.ndarray
    score: np.ndarray
    parts: dict[str, np.ndarray]
    best: np.ndarray | None = None  # the best listing of its need (the pick's first round)

    def take(self, keep: np.ndarray) -> "Ranked":
        """The listings where ``keep`` is true, in the same order."""
        return Ranked(self.pos[keep], self.dist[keep], self.cat[keep], self.score[keep],
                      {k: v[keep] for k, v in self.parts.items()}, self.best[keep])


def in_their_language(request: HelpRequestIn) -> HelpRequestIn:
    """The request with the language it is written in among its languages (text.written_in): the
    language part, the reasons and the listings made for speakers of a language then count it."""
    writer = written_in(request.text)
    if writer is None or writer in request.languages:
        return request
    return replace(request, languages=(*request.languages, writer))


@lru_cache(maxsize=65536)
def _teaches_only(text: str) -> bool:
    return audience.teaches_only(text)  # listings share their texts (the synthetic city: all of them)


@lru_cache(maxsize=65536)
def _runs_a_group(text: str) -> bool:
    return audience.runs_a_group(text)


@lru_cache(maxsize=65536)
def _crowded(text: str) -> bool:
    return audience.crowded(text)


@lru_cache(maxsize=4096)
def _wanted_bits(slots: tuple) -> np.ndarray:
    """slot_bits of a request's wish; many requests share one (read-only)."""
    bits = slot_bits(slots)
    bits.flags.writeable = False
    return bits


def judge_safety(text: str, classifier: CategoryClassifier, professional_only: list[str] = ()) -> SafetyAssessment:
    """The one safety judgement of a text, recall first: explicit signals (rules) are danger;
    implicit ones, a text the classifier finds unsafe, or a likely professional-only category are
    possible; a confirmed professional-only category is danger."""
    found = assess(text)
    if professional_only:
        return SafetyAssessment("danger", found.topics or frozenset({"home"}))
    if found.level != "none":
        return found
    # The writer rules the danger out ("hij is niet agressief") and no rule says otherwise: the
    # unsafe score's guess does not overrule them (a likely professional-only category still does).
    unsafe = not found.denied and classifier.looks_unsafe(text)
    probs = dict(classifier.predict(text))
    if unsafe or any(probs.get(c["slug"], 0.0) >= SAFETY_PROBABILITY
                                            for c in CATEGORIES if c.get("professional_only")):
        return SafetyAssessment("possible", frozenset())
    return found


class Matcher:
    def __init__(self, supply: list[SupplyItem], classifier: CategoryClassifier,
                 categories: list[dict] = CATEGORIES, now: datetime | None = None,
                 weights: dict[str, float] | None = None, per_category_k: int = 192,
                 fallback_k: int = 10):
        self.classifier = classifier
        self.categories = list(categories)
        self.slugs = [c["slug"] for c in self.categories]
        self.pro_only = {i for i, c in enumerate(self.categories) if c.get("professional_only")}
        self.now = now
        self.weights = dict(weights or scoring.WEIGHTS)
        self.per_category_k = per_category_k
        self.fallback_k = fallback_k
        self._clf_pos = np.array([classifier.slugs.index(s) if s in classifier.slugs else -1
                                  for s in self.slugs])
        self._radius = np.array([radius_for(s) for s in self.slugs], float)
        self.index = SupplyIndex(self.slugs, classifier.embed_many, classifier.key_terms)
        self.index.build(supply)
        self._places_bit = 1 << self.index.cat_bit["ontmoeting"] if "ontmoeting" in self.index.cat_bit else 0
        self._ladder = self._load = np.zeros(0)
        self._open = self._teaches = self._runs_group = self._daytime = self._weekdays = self._crowded = np.zeros(0, bool)
        self._speakers = np.zeros(0, np.int64)  # per position: the languages a listing is made for (LanguageBits)
        self._reach_max = 0.0  # the farthest any item reaches on its own (a volunteer's radius, at home)
        self._item_parts()

    # ---- supply changes -------------------------------------------------
    def update(self, items: list[SupplyItem]) -> None:
        """Add new items or replace changed ones (matched on kind + id)."""
        self.index.upsert(list(items))
        self._item_parts()

    def remove(self, kind: str, id: int) -> bool:
        return self.index.remove(kind, id)

    # ---- the question ---------------------------------------------------
    def understand(self, request: HelpRequestIn) -> Understanding:
        raw = self.classifier.probabilities(request.text)
        probs = np.where(self._clf_pos >= 0, raw[np.maximum(self._clf_pos, 0)], 0.0)
        order = np.argsort(-probs, kind="stable")
        predicted = [(self.slugs[i], float(probs[i])) for i in order]
        confirmed = [self.slugs.index(s) for s in dict.fromkeys(request.categories) if s in self.slugs]
        if confirmed:
            chosen, confident = [(i, 1.0) for i in confirmed], True
        else:
            # a thing given away or sold asks for no help: not understood, nothing suggested
            needs = [] if audience.gives_away(request.text) else self.classifier.needs(request.text, MAX_INFERRED)
            chosen = [(self.slugs.index(s), p / needs[0][1]) for s, p in needs if s in self.slugs]
            confident = bool(chosen)
        # Only a professional-only category the resident (or their helper) chose means danger;
        # a guessed one means a professional looks first (possible).
        safety = judge_safety(request.text, self.classifier, [self.slugs[i] for i in confirmed if i in self.pro_only])
        # together where possible: a group first for social needs, unless the person cannot go or asks for one person
        social_need = bool(chosen) and self.slugs[chosen[0][0]] in scoring.SOCIAL
        # A social need anywhere in the list (not only the first) with one person asked for: that person comes.
        any_social = any(self.slugs[i] in scoring.SOCIAL for i, _w in chosen)
        one = bool(chosen) and audience.one_to_one(request.text)
        if one and not any_social and not confirmed and "gezelschap" in self.slugs and audience.asks_company(request.text):
            # "one person to meet up with", "een vriend voor thee": company is asked, whatever else is read
            chosen = chosen + [(self.slugs.index("gezelschap"), chosen[-1][1])]
            any_social = True
        visitor = any_social and one
        if visitor and not confirmed:
            chosen = self._company_instead_of_places(chosen)
        person = audience.person_of(request.text)
        # A need is who the person is, too: a carer's question (mantelzorg) is a carer's, so the
        # services for carers (respite, the consulent) are for them, whatever words they use.
        implied = sum(audience.GROUP_BIT[g] for i, _w in chosen
                      for g in NEED_GROUPS.get(self.slugs[i], ()) if g in audience.GROUP_BIT)
        if implied & ~person.groups:
            person = audience.Person(person.spans, person.groups | implied)
        urgent = any(self.slugs[i] in URGENT_NEEDS for i, _w in chosen) and audience.acute_crisis(request.text)
        return Understanding(predicted, chosen, safety, social_need and not visitor, confident, person, visitor, urgent)

    def _company_instead_of_places(self, chosen: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Someone who cannot go out, or wants one person rather than a group: a meeting place
        (ontmoeting) is not their need, company that comes to them (gezelschap) is."""
        if "ontmoeting" not in self.slugs or "gezelschap" not in self.slugs:
            return chosen
        places, company = self.slugs.index("ontmoeting"), self.slugs.index("gezelschap")
        if company in {i for i, _w in chosen}:
            return [(i, w) for i, w in chosen if i != places]
        return [(company if i == places else i, w) for i, w in chosen]

    # ---- ranking --------------------------------------------------------
    def suggest(self, request: HelpRequestIn, limit: int = 10, now: datetime | None = None,
                complete: bool = True) -> SuggestResult:
        """Ranked, explained suggestions. ``now`` (or the Matcher's own ``now``) fixes the clock,
        so the same call always gives the same answer. ``complete=False`` gives the first answer
        a resident sees: the best listing of each need (``_first_answer``); ``held_back`` says how
        many more a complete answer has."""
        now = self._clock(now)
        request = in_their_language(request)
        und = self.understand(request)
        ranked = self.rank(request, und, limit, now=now)
        held_back = 0
        if not complete:
            keep = self._first_answer(und, ranked)
            held_back = int((~keep).sum())
            ranked = ranked.take(keep)
        rows = {k: np.round(v, 4).tolist() for k, v in ranked.parts.items()}
        parts = [{k: rows[k][j] for k in rows} for j in range(len(ranked.pos))]
        suggestions = [self._suggestion(request, ranked, j, parts[j], now) for j in range(len(ranked.pos))]
        needs = [self.slugs[i] for i, _ in und.chosen]
        return SuggestResult(und.predicted, suggestions, und.danger, und.safety.numbers,
                             safety=und.safety.level, confident=und.confident, needs=needs,
                             professional_first=und.professional_first, held_back=held_back)

    @staticmethod
    def _first_answer(und: Understanding, ranked: Ranked) -> np.ndarray:
        """Which of a ranked list a first answer shows: the one listing that fits each need best, as
        a wijkcoach names it, not three of which one is the same category doing another task. In
        the judged rounds (benchmarks/relevance_pairs.py) the best of a need fits about 70 % of the
        time and a next one 55-65 %, and the ranking's signals hardly tell the good next ones apart;
        a title naming what is asked looked like such a signal offline, but in the blind round 11
        the next listings it let in failed 5 of the 17 two-listing answers, so none is let in. In
        safety doubt or danger the list is the professionals' and is kept whole."""
        if und.safety.level != "none" or not len(ranked.best):
            return np.ones(len(ranked.best), bool)
        return ranked.best.copy()

    def rank(self, request: HelpRequestIn, und: Understanding, limit: int,
             kinds: tuple[int, ...] = ALL_KINDS, now: datetime | None = None) -> Ranked:
        """Best `limit` candidates: candidates -> filters -> vectorised score parts."""
        now = self._clock(now)
        request = in_their_language(request)
        if not (np.isfinite(request.lat) and np.isfinite(request.lon)):
            raise ValueError("request lat/lon must be finite numbers")
        latlon = np.radians([request.lat, request.lon])
        chosen, kinds, radius = self._search_plan(und, kinds)
        if not chosen:  # not understood: no guesses, the resident is asked instead
            empty = np.zeros(0, np.int64)
            return Ranked(empty, np.zeros(0), empty, np.zeros(0), {}, np.zeros(0, bool))
        pos, dist, cat, fit = self._candidates(latlon, chosen, kinds, radius)
        far = not len(pos)
        if far:  # nothing in range: the k nearest, however far
            pos, dist, cat, fit = self._nearest_anyhow(latlon, chosen, kinds)
        keep = self._allowed(pos, dist, cat, und, request, far)
        pos, dist, cat, fit = pos[keep], dist[keep], cat[keep], fit[keep]
        asked = topics.topics_of(request.text)
        if not far and und.safety.level == "none":
            pos, dist, cat, fit = self._asked_further(latlon, chosen, kinds, asked, und, request, (pos, dist, cat, fit))
        near = np.where(self.index.cols["home"][pos], 0.0, dist)  # a service that comes to you is at the door
        parts = self._parts(request, und, pos, near, cat, fit, now, asked)
        # A title naming what the writer stopped or refuses ("wil geen schuldhulp") sets no bar for
        # the others: half its fit, measured again against the best of its need (like an age doubt).
        refused = topics.stopped_of(request.text)
        gone = (self.index.cols["title_subjects"][pos] & refused) != 0 if refused else None
        if gone is not None and gone.any():
            parts["fit"] = scoring.relative(np.where(gone, parts["fit"] * AGE_DOUBT, parts["fit"]), cat, none=1.0)
        # A group asked for explicitly ("alleen voor vrouwen"): its own listings are what is asked.
        c = self.index.cols
        group_asked = audience.asks_group(request.text) if c["groups"][pos].any() else 0
        for_group = (c["groups"][pos] & group_asked) != 0
        if for_group.any():
            parts["fit"] = np.where(for_group, 1.0, parts["fit"])
        score = scoring.total(parts, self.weights)
        if und.safety.level != "danger":  # danger lists go by the danger's own topic instead
            on = self._on_subject(pos, cat, asked, for_group, refused)
            pos, dist, near, cat, score = (a[on] for a in (pos, dist, near, cat, score))
            parts = {k: v[on] for k, v in parts.items()}
            if not on.all():  # the bar is the best listing on the subject, not one left out for another subject
                parts["fit"] = scoring.relative(parts["fit"], cat, none=1.0)
        topic = (self.index.cols["topics"][pos] & audience.topic_mask(und.safety.topics)) != 0
        if und.safety.level != "none":  # the service made for this danger is in the list before any other
            score = score + topic
        choose_by, heavy_out = parts["fit"], None
        if und.safety.level == "none":  # specialist or indicated help only when lighter help fits clearly worse
            heavy = np.where(parts["ladder"] < HEAVY_RUNG, choose_by * HEAVY_FIT, choose_by)
            choose_by = scoring.relative(heavy, cat, none=1.0)  # a need with heavy help only keeps it
        if und.safety.level == "none" or not und.safety.topics:  # no named danger signal
            heavy_out = parts["ladder"] < HEAVY_RUNG
        # A listing for an age group the text gives no sign of (a 60+ class, a 65+ phone circle) is
        # only a stand-in: it stays out where the need has other help that fits.
        doubt = audience.age_doubt(und.person, c["age_lo"][pos], c["age_hi"][pos])
        teaches, runs = self._teaches[pos], self._runs_group[pos]  # the text is read only when it matters
        if teaches.any() and audience.cannot_do_it_themself(request.text):  # a lesson is no help then
            doubt = doubt | teaches
        if runs.any() and not audience.seeks_volunteers(request.text):  # helping to run a group: organisers
            doubt = doubt | runs
        # Limits the text states: not in the daytime (a listing only open in the daytime is a stand-in),
        # no crowds (a group activity, a market).
        daytime = self._daytime[pos]
        if daytime.any() and audience.not_in_daytime(request.text):
            doubt = doubt | daytime
        spoken = self._speakers[pos]
        if spoken.any():  # made for the speakers of a language the request shows no sign of
            theirs = self.index.languages.mask((*audience.languages_named(request.text), *request.languages))
            doubt = doubt | ((spoken != 0) & ((spoken & theirs) == 0))
        writer = written_in(request.text)
        if writer is not None:  # written in English: a listing in no language of the writer is a stand-in
            doubt = doubt | ((c["lang"][pos] & self.index.languages.mask((writer,))) == 0)
        weekdays = self._weekdays[pos]
        if weekdays.any() and audience.weekend_only(request.text):
            doubt = doubt | weekdays
        if und.urgent:  # an eviction in two weeks: no chat group about getting by
            doubt = doubt | (c["kind"][pos] == scoring.ACTIVITY) | ((c["cats"][pos] & self._places_bit) != 0)
        # A group activity is one particular thing (a choir, a vegetable garden): when the text
        # names what it wants and the activity is about something else, it is a stand-in.
        wanted = topics.widen(asked) & ~topics.MANNER_MASK
        if wanted:
            doubt = doubt | ((c["kind"][pos] == scoring.ACTIVITY) & ((c["subjects"][pos] & wanted) == 0))
        busy = self._crowded[pos] | (c["kind"][pos] == scoring.ACTIVITY)
        if busy.any() and audience.avoids_crowds(request.text):
            doubt = doubt | busy
        # A listing whose title names what the text says is over ("gestopt met roken": a stop-smoking
        # buddy), or a pet when the text names no animal (a pet buddy for a person's own illness): a stand-in.
        title = c["title_subjects"][pos]
        off = refused
        if not topics.widen(asked) & topics.TOPIC_BIT["huisdier"]:
            off |= topics.TOPIC_BIT["huisdier"]
        doubt = doubt | ((title & off) != 0)
        other_danger = np.zeros(len(pos), bool)
        if und.safety.topics:  # a service made for another danger (a shelter for a suicide signal): a stand-in
            item_topics = c["topics"][pos]
            other_danger = (item_topics != 0) & ((item_topics & audience.topic_mask(und.safety.topics)) == 0)
            doubt = doubt | other_danger
        if doubt.any() and (~doubt).any():
            # A stand-in (a lesson for someone who cannot do it, a listing for another age or
            # language) sets no bar for the help that fits, and is chosen after heavier help:
            # for "I cannot clean any more" a cleaning lesson is no lighter help, it is none.
            parts["fit"] = scoring.relative(np.where(doubt, parts["fit"] * AGE_DOUBT, parts["fit"]), cat, none=1.0)
            choose_by = np.where(doubt, np.minimum(choose_by, STAND_IN_CHOICE), choose_by)
        heavy_out = doubt if heavy_out is None else heavy_out | doubt
        picked = self._pick(pos, near, cat, score, parts["fit"], [i for i, _ in chosen], limit,
                            topic if und.safety.level != "none" else None, choose_by, heavy_out)
        rung = parts["ladder"][picked] + parts["together"][picked]  # together where possible
        shown = self._display_order(pos[picked], near[picked], rung, scoring.fit_step(parts["fit"][picked]),
                                    und.professional_first, topic[picked], other_danger[picked])
        order = picked[shown]
        # picked holds each need's best before its next ones: the first of each category
        _, first = np.unique(cat[picked], return_index=True)
        best = np.zeros(len(picked), bool)
        best[first] = True
        return Ranked(pos[order], dist[order], cat[order], score[order],
                      {k: v[order] for k, v in parts.items()}, best[shown])

    def _asked_further(self, latlon, chosen, kinds, asked: int, und: Understanding, request: HelpRequestIn, found):
        """The very thing asked a little further away: when the text names what it wants (a
        knitting club, a choir, dog walking) and nothing within the need's radius is about it,
        listings about it up to ``ASKED_FURTHER`` times the radius join the candidates (a knitting
        club at 3.1 km beats three walk-ins at 3 km). A way of helping (a ride, coffee) is no such
        thing."""
        wanted = topics.widen(asked) & ~topics.MANNER_MASK
        pos = found[0]
        c = self.index.cols
        if not wanted or (len(pos) and ((c["subjects"][pos] & wanted) != 0).any()):
            return found
        more = self._gather(latlon, chosen, kinds, None, self.per_category_k, scale=ASKED_FURTHER)
        on = ((c["subjects"][more[0]] & wanted) != 0) & ~np.isin(more[0], pos)
        more = tuple(col[on] for col in more)
        if not len(more[0]):
            return found
        # within the wider radius; a volunteer's own radius still holds
        ok = self._allowed(*more[:3], und, request, far=True) & (more[1] <= ASKED_FURTHER * self._radius[more[2]])
        return tuple(np.concatenate([a, b[ok]]) for a, b in zip(found, more))

    def _on_subject(self, pos, cat, asked: int, for_group=None, refused: int = 0) -> np.ndarray:
        """Leave out listings of the right category about something else (topics.py): per need,
        when some listing's title names what the request names (or it is about it and its title
        names nothing else), only those stay; otherwise listings whose title names only other
        things go. A title that names the asked topic and how ("Boodschappen met de fiets") stays."""
        c = self.index.cols
        if not asked or not len(pos):
            return np.ones(len(pos), bool)
        title, about = c["title_subjects"][pos], c["subjects"][pos]
        wide = topics.widen(asked)
        on = (about & asked) != 0
        named = (title & wide) != 0
        # A title that also names another problem ("Vroeg Erop Af: huurachterstand" for debts
        # without rent) comes after one that names only what is asked; a way of doing it
        # ("Boodschappen met de bakfiets", "Maatjesproject") is no other problem. But a channel
        # the text did not ask for is ("Digitale Overheid" for a paper letter).
        other = (title & ~wide & ~topics.MANNER_MASK) != 0
        foreign = other | ((title & ~wide & topics.CHANNEL_MASK) != 0)
        level = np.where((named & ~other) | (on & ~foreign), 3, np.where(named, 2, np.where(on | (title == 0), 1, 0)))
        # Asked to be driven: a listing that drives comes before one that only goes along (an
        # escort without a car), within the same level.
        means = asked & topics.MEANS_MASK
        if means:
            level = level + 0.5 * ((about & means) != 0)
        if for_group is not None:  # made for the group the text asks for: about what is asked
            level = np.where(for_group, 3, level)
        if refused:  # a title naming what the writer stopped or refuses sets no bar ("wil geen schuldhulp")
            level = np.where((title & refused) != 0, 0, level)
        keep = np.ones(len(pos), bool)
        for need in np.unique(cat):
            mine = cat == need
            best = level[mine].max()
            if best > 0:
                keep[mine] = level[mine] >= best
        return keep

    def _pick(self, pos, dist, cat, score, fit, needs: list[int], limit: int, first=None,
              choose_by=None, heavy=None) -> np.ndarray:
        """Who is in the list: chosen per need, then shown in one order (``_display_order``).
        Within a need what fits the question best comes first (``fit``: the listing's textual fit,
        1 for the best of its need, in ``scoring.FIT_STEPS`` steps), then the score (light, near,
        on time); a candidate that fits clearly worse than the best of its need
        (``RELEVANCE_MARGIN``) stays out, so a weak fit next door cannot push a good one out.
        Each need takes its best candidate in turn (the first need first), so a list of three
        covers three needs instead of holding the three best of one. In danger or doubt the
        services made for that danger (``first``) come in before any round. ``choose_by`` (default
        ``fit``) orders a need's candidates where it differs: heavy help after lighter help.
        ``heavy`` (specialist or indicated help when no danger signal is named, and listings for an
        age group the text gives no sign of) stays out of a need that has other help that fits: a
        logeerhuis is no answer to "an afternoon with my mother" while a respite volunteer is (5x
        zo-mogelijk); alone it is still shown."""
        best = self._best_first(pos, dist, score)
        keep = fit[best] >= 1.0 - RELEVANCE_MARGIN
        if first is not None:
            keep |= first[best]
        if heavy is not None and keep.any():
            light = np.zeros(int(cat.max()) + 1, bool)  # the needs that have light help that fits
            light[cat[best[keep & ~heavy[best]]]] = True
            keep &= ~(heavy[best] & light[cat[best]])
        best = best[keep]
        order_by = fit if choose_by is None else choose_by
        # A listing that serves two of the asked needs at once (a Taalcafé for "Dutch and meeting
        # people") comes first in its need, before one that serves only one.
        both = np.zeros(len(best), bool)
        if len(needs) > 1:
            asked = sum(1 << int(n) for n in needs)
            both = np.bitwise_count(self.index.cols["cats"][pos[best]] & asked) > 1
        best = best[np.lexsort((np.arange(len(best)), -scoring.fit_step(order_by[best]), ~both))]
        cat_best, rounds = cat[best], np.full(len(best), np.inf)
        turn_of = np.full(int(cat.max()) + 1 if len(cat) else 0, len(needs))  # category -> its turn
        for turn, need in enumerate(needs):  # the k-th best of each need comes in round k
            mine = np.flatnonzero(cat_best == need)
            rounds[mine] = np.arange(len(mine))
            if need < len(turn_of):
                turn_of[need] = turn
        if first is not None:
            rounds[first[best]] = -1
        order = np.lexsort((np.arange(len(best)), turn_of[cat_best], rounds))  # round, need, fit and score
        return best[order[:limit]].astype(np.int64)

    def _display_order(self, pos, dist, ladder, fit_step, professional_first: bool, topic=None,
                       other_danger=None) -> np.ndarray:
        """The one sort of what people see, exactly as the heading says: lightest help first (the
        ladder; for social needs a group activity is the lightest step), then what fits the
        question best (the fit in ``scoring.FIT_STEPS`` steps), then nearest. When safety is in
        doubt professional help comes first, the service made for that danger (violence at home,
        suicide) before a general one. The score only chose who is in the list."""
        c = self.index.cols
        professional = c["professional"][pos] | (c["tier"][pos] != scoring.NULDE)
        first = np.where(professional, 0, 1) if professional_first else np.zeros(len(pos))
        # The service made for this danger first, but a specialist (tweede lijn, by referral) only
        # with the generalist professionals (then by the ladder: the own wijkteam before intensive
        # family care), and a service made for another danger last.
        fits = np.zeros(len(pos))
        if professional_first and topic is not None:
            fits = np.where(topic & (c["tier"][pos] != scoring.TWEEDE), 0, 1)
            if other_danger is not None:
                fits = np.where(other_danger, 2, fits)
        return np.lexsort((c["id"][pos], np.round(dist, 1), -fit_step, -np.round(ladder, 6), fits, first))

    def _search_plan(self, und: Understanding, kinds: tuple[int, ...]):
        """Danger looks only at professional voorzieningen, city-wide (for suicide signals also
        at health care)."""
        if not und.danger:
            if und.safety.level == "possible":  # no volunteer before a professional has looked
                kinds = tuple(k for k in kinds if k != KIND_CODE["offer"])
            if und.safety.level == "possible" and und.safety.topics:  # professionals for that signal too
                extra = [(i, 1.0) for i in sorted(self.pro_only)] + self._topic_needs(und)
                return und.chosen + [(i, w) for i, w in extra if i not in {c for c, _ in und.chosen}], kinds, None
            return und.chosen, kinds, None
        # Only where the care for this danger lives (suicide: health too): the errand the text also
        # names (household help for "huis", the debt service for "schuld") is no answer to danger.
        chosen = self._topic_needs(und)
        chosen += [(i, 1.0) for i in sorted(self.pro_only)]
        return chosen, (KIND_CODE["voorziening"],), SAFETY_RADIUS_M

    def _topic_needs(self, und: Understanding) -> list[tuple[int, float]]:
        return [(self.slugs.index(s), 1.0) for t, s in TOPIC_CATEGORY.items()
                if t in und.safety.topics and s in self.slugs]

    def _candidates(self, latlon, chosen, kinds, radius):
        """Candidates within reach (empty: nothing in range)."""
        return self._gather(latlon, chosen, kinds, radius, self.per_category_k)

    def _nearest_anyhow(self, latlon, chosen, kinds):
        found = self._gather(latlon, chosen, kinds, None, self.fallback_k, fallback=True)
        order = np.argsort(found[1], kind="stable")[: self.fallback_k]
        return tuple(col[order] for col in found)

    def _gather(self, latlon, chosen, kinds, radius, k, fallback=False, scale: float = 1.0):
        cols = ([], [], [], [])
        kind_ok = np.zeros(len(KIND_CODE), bool)
        kind_ok[list(kinds)] = True
        if not kind_ok.all() and not fallback:  # the other kinds are dropped after the search: look wider
            k = int(k * RESTRICTED_KINDS_K)
        for cat, weight in chosen:
            # The k nearest within the need's radius, and apart from them the k nearest of the
            # items that reach farther on their own (a volunteer's wider radius, a service that
            # comes to the home), so a crowded category cannot crowd those out; _allowed makes
            # the exact cut per item.
            r = None if fallback else (radius or self._radius[cat] * scale)
            pos, dist = self.index.nearest(cat, latlon, k, r)
            if not fallback and not radius and self._reach_max > self._radius[cat]:
                wpos, wdist = self.index.nearest(cat, latlon, k, self._reach_max, wide=True)
                if len(wpos):
                    pos, first = np.unique(np.concatenate([pos, wpos]), return_index=True)
                    dist = np.concatenate([dist, wdist])[first]
            wanted = kind_ok[self.index.cols["kind"][pos]]
            pos, dist = pos[wanted], dist[wanted]
            for col, val in zip(cols, (pos, dist, np.full(len(pos), cat), np.full(len(pos), weight))):
                col.append(val)
        pos, dist, cat, fit = (np.concatenate(c) if c else np.zeros(0) for c in cols)
        if len(chosen) == 1:  # one tree (plus its delta) holds each position once
            return pos.astype(np.int64), dist, cat.astype(np.int64), fit
        # An item in several chosen categories counts once, under its best fit.
        by_fit = np.argsort(-fit, kind="stable")
        _, first = np.unique(pos[by_fit], return_index=True)
        sel = by_fit[np.sort(first)]
        return pos[sel].astype(np.int64), dist[sel], cat[sel].astype(np.int64), fit[sel]

    def _item_parts(self) -> None:
        """What depends on an item alone, per store position: its ladder and load parts, and
        whether it can take anyone (a volunteer's month not full, an activity not full). A
        position's item never changes (a changed item gets a new one), so only new positions are
        computed."""
        c, start = self.index.cols, len(self._open)
        if start > self.index.n:  # the store was rebuilt
            start, self._ladder, self._load, self._open = 0, np.zeros(0), np.zeros(0), np.zeros(0, bool)
            self._teaches = self._runs_group = self._daytime = self._weekdays = self._crowded = np.zeros(0, bool)
            self._speakers = np.zeros(0, np.int64)
            self._reach_max = 0.0
        new = slice(start, self.index.n)
        kind, cap, load = c["kind"][new], c["capacity"][new], c["load"][new]
        ladder = scoring.ladder_part(kind, c["tier"][new], c["professional"][new], c["indicatievrij"][new])
        can_take = ~((kind == scoring.OFFER) & (cap >= 0) & (load >= cap))  # month is full
        can_take &= ~((kind == scoring.ACTIVITY) & (c["places"][new] == 0))  # activity is full
        reach = np.where(c["home"][new], audience.HOME_REACH_M, np.where(kind == scoring.OFFER, c["radius"][new], 0.0))
        reach = reach[np.isfinite(reach)]
        if len(reach):
            self._reach_max = min(audience.HOME_REACH_M, max(self._reach_max, float(reach.max())))
        self._ladder = np.concatenate([self._ladder, ladder])
        self._load = np.concatenate([self._load, scoring.load_part(kind, cap, load)])
        self._open = np.concatenate([self._open, can_take])
        items = self.index.items[start:self.index.n]
        teaches = np.fromiter((it is not None and _teaches_only(f"{it.title}. {it.text}") for it in items), bool, len(items))
        self._teaches = np.concatenate([self._teaches, teaches])
        runs = np.fromiter((it is not None and it.kind == "offer" and _runs_a_group(f"{it.title}. {it.text}")
                            for it in items), bool, len(items))
        self._runs_group = np.concatenate([self._runs_group, runs])
        # only open in the daytime (every known time ends by 18:00), and at a crowded place
        daytime = np.fromiter((it is not None and bool(it.slots) and all(sl.end_min <= DAYTIME_END for sl in it.slots)
                               for it in items), bool, len(items))
        self._daytime = np.concatenate([self._daytime, daytime])
        weekdays = np.fromiter((it is not None and bool(it.slots) and all(sl.weekday < 5 for sl in it.slots)
                                for it in items), bool, len(items))
        self._weekdays = np.concatenate([self._weekdays, weekdays])
        speakers = np.fromiter((self.index.languages.mask(tuple(audience.made_for_speakers(it.title))) if it is not None
                                else 0 for it in items), np.int64, len(items))
        self._speakers = np.concatenate([self._speakers, speakers])
        busy = np.fromiter((it is not None and _crowded(f"{it.title}. {it.text}") for it in items), bool, len(items))
        self._crowded = np.concatenate([self._crowded, busy])

    def _allowed(self, pos, dist, cat, und: Understanding, request: HelpRequestIn, far: bool = False) -> np.ndarray:
        c = self.index.cols
        if len(self._open) != self.index.n:
            self._item_parts()
        kind, safety = c["kind"][pos], und.safety.level
        # Reach: a volunteer's own travel radius (none given: the radius of the need); a service
        # that comes to the home, the city; anything else, the radius of the need (city-wide
        # when in danger).
        own = c["radius"][pos]
        reach = np.where((kind == scoring.OFFER) & np.isfinite(own), own,
                         np.where(c["home"][pos], audience.HOME_REACH_M, self._radius[cat]))
        if safety == "danger":
            reach = np.maximum(reach, SAFETY_RADIUS_M)
        if far:  # nothing was in range: the nearest, however far, but never past a volunteer's own radius
            reach = np.where((kind == scoring.OFFER) & np.isfinite(own), own, np.inf)
        ok = (dist <= reach) & self._open[pos]
        if und.visitor:  # cannot go to a group (or does not want one): one person who comes
            ok &= kind != scoring.ACTIVITY
            # nor a place to go (a walk-in, a talking group): only what comes to them or one person
            ok &= (kind == scoring.OFFER) | c["home"][pos] | ((c["cats"][pos] & self._places_bit) == 0)
        ok &= self._for_this_person(pos, und.person, request.areas)
        if safety == "danger":
            professional = c["professional"][pos] | (c["tier"][pos] != scoring.NULDE)
            ok &= (kind == scoring.VOORZIENING) & professional
        elif safety == "possible":  # no volunteer before a professional has looked
            ok &= kind != scoring.OFFER
            if und.safety.topics:  # a signal of violence, threat, neglect or suicide: professionals only
                ok &= c["professional"][pos] | (c["tier"][pos] != scoring.NULDE)
        if und.safety.topics and "child" not in und.safety.topics:
            # A service made only for a child at risk (a gezinscoach) is no filler for another danger.
            ok &= c["topics"][pos] != audience.TOPIC_BIT["child"]
        return ok

    def _for_this_person(self, pos, person: audience.Person, areas: tuple[str, ...]) -> np.ndarray:
        """Only listings for this person: ages, special groups, and the wijk of a wijk-bound service."""
        c = self.index.cols
        ok = (c["groups"][pos] & ~person.groups) == 0
        if person.spans:
            lo, hi = c["age_lo"][pos][:, None], c["age_hi"][pos][:, None]
            spans = np.array(person.spans)
            ok &= ((spans[None, :, 0] <= hi) & (spans[None, :, 1] >= lo)).any(axis=1)
        if areas:
            here = set(areas)
            for j in np.flatnonzero(c["bound"][pos]):
                ok[j] &= bool(self.index.areas.get(int(pos[j]), frozenset()) & here)
        return ok

    def _parts(self, request, und, pos, dist, cat, fit, now, asked: int = 0) -> dict[str, np.ndarray]:
        c = self.index.cols
        kind = c["kind"][pos]
        words = self._word_overlap(request.text, c["text_row"][pos])
        return {
            "category": fit,
            "fit": self._text_fit(request.text, pos, cat, words, asked, und.person),
            "text": words,
            "distance": scoring.distance_part(dist, self._radius[cat]),
            "time": scoring.time_part(_wanted_bits(request.slots), self.index.slot_table[c["slot_row"][pos]]),
            "language": scoring.language_part(self.index.languages.mask(request.languages), c["lang"][pos]),
            "ladder": self._ladder[pos],
            "together": scoring.together_part(kind, und.social),
            "load": self._load[pos],
            # Whole days: a score must not change from one second to the next (the batch is repeatable).
            "freshness": scoring.freshness_part(c["updated"][pos], float(int(days_since_epoch(now)))),
        }

    def _text_fit(self, text: str, pos, cat, words: np.ndarray, asked: int,
                  person: audience.Person = audience.Person((), 0)) -> np.ndarray:
        """scoring.fit_part: the request's words, meaning and subjects against each listing's."""
        c = self.index.cols
        meaning = self.index.text_vecs[c["text_row"][pos]] @ self.classifier.embed(text)
        n_asked = int(np.bitwise_count(np.int64(asked)))
        subjects = (np.bitwise_count(c["subjects"][pos] & asked) / n_asked if n_asked
                    else np.zeros(len(pos)))
        fit = scoring.fit_part(words, meaning, subjects.astype(float), cat)
        # For an age group the text shows no sign of (a 65+ class, a children's club): half the fit,
        # and measured again against the best of its need, so a stand-in cannot set the bar that
        # keeps a listing for this person out ("Nordic walking 55+" for a walker who gives no age).
        doubt = audience.age_doubt(person, c["age_lo"][pos], c["age_hi"][pos])
        if not doubt.any():
            return fit
        return scoring.relative(np.where(doubt, fit * AGE_DOUBT, fit), cat, none=1.0)

    def _word_overlap(self, text: str, rows: np.ndarray) -> np.ndarray:
        """Share of the request's meaningful words (idf-weighted) that a listing's text also uses."""
        terms = self.classifier.key_terms(text)
        if not terms or not len(rows):
            return np.zeros(len(rows))
        weight = dict(zip(terms, self.classifier.term_weights(terms)))
        total = sum(weight.values())
        # All candidates at once: their listings' term ids (CSR), a hit per (candidate, request
        # term), and per candidate the hit weights added left to right in the request's term
        # order (cumsum), exactly as sum() over the matching terms would.
        start = self.index.term_ptr[rows]
        lens = self.index.term_ptr[rows + 1] - start
        owner = np.repeat(np.arange(len(rows)), lens)
        flat = self.index.term_ids[np.repeat(start - np.cumsum(lens) + lens, lens) + np.arange(lens.sum())]
        # term id -> request term: the request's few ids sorted and looked up (no table as long as the vocabulary)
        ids = np.fromiter(terms, np.int64, len(terms))
        by_id = np.argsort(ids)
        sorted_ids = ids[by_id]
        at = np.minimum(np.searchsorted(sorted_ids, flat), len(ids) - 1)
        col = np.where(sorted_ids[at] == flat, by_id[at], -1)
        found = col >= 0
        hit = np.zeros((len(rows), len(terms)), bool)
        hit[owner[found], col[found]] = True
        w = np.fromiter(weight.values(), np.float64, len(weight))
        return np.cumsum(np.where(hit, w, 0.0), axis=1)[:, -1] / total

    def shared_words(self, text: str, text_row: int, limit: int = 3) -> list[str]:
        """The request's own words that a listing also uses, rarest first (for the text reason)."""
        terms = self.classifier.key_terms(text)
        shared = [t for t in terms if t in self.index.text_terms[text_row]]
        weights = dict(zip(shared, self.classifier.term_weights(shared)))
        return [terms[t] for t in sorted(shared, key=lambda t: -weights[t])[:limit]]

    def _best_first(self, pos, dist, score) -> np.ndarray:
        """Highest score first (to 6 decimals, so float noise cannot reorder);
        equal scores by distance, kind, then id, so results are stable."""
        c = self.index.cols
        return np.lexsort((c["id"][pos], c["kind"][pos], np.round(dist, 1), -np.round(score, 6)))

    def _clock(self, now: datetime | None) -> datetime:
        """The moment a suggestion is made for: given by the caller, never read from the clock."""
        now = now or self.now
        if now is None:
            raise ValueError("Matcher needs `now`: pass suggest(..., now=...) or Matcher(..., now=...)")
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)

    def _suggestion(self, request: HelpRequestIn, ranked: Ranked, j: int,
                    parts: dict[str, float], now: datetime) -> Suggestion:
        item = self.index.items[ranked.pos[j]]
        slug = self.slugs[ranked.cat[j]]
        pos, c = int(ranked.pos[j]), self.index.cols
        words = (self.shared_words(request.text, int(c["text_row"][pos]))
                 if parts.get("text", 0.0) >= scoring.TEXT_REASON_MIN else [])
        mask = int(c["groups"][pos])
        groups = [g for g, bit in audience.GROUP_BIT.items() if mask & bit] if mask else []
        who = audience_reason((int(c["age_lo"][pos]), int(c["age_hi"][pos])), groups)
        reasons = reasons_for(item, slug, float(ranked.dist[j]), parts, request.languages, bool(request.slots),
                              now, words, at_home=bool(c["home"][pos]) and item.kind != "offer", audience=who,
                              own_wijk=bool(c["bound"][pos]) and bool(request.areas))
        return Suggestion(item.kind, item.id, item.title, slug, item.tier, int(round(ranked.dist[j])),
                          round(float(ranked.score[j]), 4), reasons, parts)
