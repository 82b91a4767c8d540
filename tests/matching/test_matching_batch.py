"""Batch assignment: deterministic, within capacity, never unsafe."""

import random
from collections import Counter

from matching.batch import REASON_SAFETY, assign
from matching.engine import Matcher
from matching.types import HelpRequestIn
from tests.matching.helpers import NOW, item, north


def city(clf, n_offers=12, seed=0):
    rng = random.Random(seed)
    offers = [item("offer", i, categories=("boodschappen", "klussen"), metres=rng.uniform(0, 1500),
                   capacity_per_month=rng.choice([1, 2, 3]), load_this_month=rng.choice([0, 0, 1]))
              for i in range(1, n_offers + 1)]
    offers.append(item("voorziening", 99, categories=("veiligheid",), tier="eerste", professional=True))
    return Matcher(offers, clf, now=NOW)


def requests(n=30, seed=1):
    rng = random.Random(seed)
    texts = ["boodschappen doen aub", "lamp ophangen", "mijn man slaat mij", "heg knippen"]
    return [HelpRequestIn(100 + i, rng.choice(texts), *north(rng.uniform(0, 1500))) for i in range(n)]


def test_same_input_same_pairs_whatever_the_order(clf):
    m, reqs = city(clf), requests()
    first = assign(reqs, m)
    shuffled = reqs[:]
    random.Random(5).shuffle(shuffled)
    again = assign(shuffled, m)
    assert first.pairs == again.pairs and first.unassigned == again.unassigned


def test_capacity_is_never_exceeded(clf):
    m = city(clf)
    result = assign(requests(60), m)
    used = Counter(offer for _, offer, _ in result.pairs)
    cols = m.index.cols
    for offer_id, n in used.items():
        pos = m.index.position("offer", offer_id)
        assert n <= cols["capacity"][pos] - cols["load"][pos]
        assert result.capacity_left[offer_id] >= 0
    assert len({r for r, _, _ in result.pairs}) == len(result.pairs)  # one offer per request


def test_never_a_volunteer_for_a_dangerous_request(clf):
    result = assign(requests(), city(clf))
    dangerous = {r.id for r in requests() if "slaat" in r.text}
    assert dangerous and not dangerous & {r for r, _, _ in result.pairs}
    assert all(result.reasons[r] == REASON_SAFETY for r in dangerous)


def test_never_a_volunteer_for_a_professional_only_category(clf):
    req = HelpRequestIn(1, "wie kan helpen met boodschappen", *north(100), categories=("veiligheid",))
    result = assign([req], city(clf))
    assert result.pairs == [] and result.unassigned == [1]


def test_work_is_spread_when_scores_are_close(clf):
    offers = [item("offer", 1, metres=100, capacity_per_month=3), item("offer", 2, metres=120, capacity_per_month=3)]
    m = Matcher(offers, clf, now=NOW)
    reqs = [HelpRequestIn(i, "boodschappen doen", *north(110), categories=("boodschappen",)) for i in range(2)]
    assert sorted(o for _, o, _ in assign(reqs, m).pairs) == [1, 2]


def test_report_is_dutch_and_counts_everything(clf):
    result = assign(requests(), city(clf))
    text = result.report()
    assert "Proefrun" in text and "Hulpvragen: 30" in text
    assert f"Gekoppeld aan een vrijwilliger: {len(result.pairs)}" in text
    assert "veiligheid" in text
