"""Every score part on its own, with plain numbers."""

import numpy as np

from matching import scoring
from matching.slots import slot_bits
from matching.types import Slot

OFFER, VOORZ, ACT = scoring.OFFER, scoring.VOORZIENING, scoring.ACTIVITY
NULDE, EERSTE, TWEEDE = scoring.NULDE, scoring.EERSTE, scoring.TWEEDE


def test_distance_decays_with_the_category_radius():
    d = scoring.distance_part(np.array([0.0, 1000.0, 2000.0]), np.array([2000.0] * 3))
    assert np.allclose(d, [1.0, 0.5, 0.25])


def test_ladder_puts_lightest_help_first():
    kind = np.array([OFFER, ACT, VOORZ, VOORZ, VOORZ])
    tier = np.array([NULDE, NULDE, NULDE, EERSTE, TWEEDE])
    pro = np.array([False, False, False, True, True])
    ladder = scoring.ladder_part(kind, tier, pro, np.ones(5, bool))
    assert list(np.argsort(-ladder, kind="stable")) == [0, 1, 2, 3, 4]
    assert ladder[1] == ladder[2]  # group activity and general voorziening share a rung


def test_needing_an_indicatie_makes_help_heavier():
    one = np.array([VOORZ])
    free = scoring.ladder_part(one, np.array([NULDE]), np.array([False]), np.array([True]))
    assessed = scoring.ladder_part(one, np.array([NULDE]), np.array([False]), np.array([False]))
    assert assessed[0] < free[0]


def test_together_only_for_social_needs_and_only_activities():
    kind = np.array([OFFER, ACT, VOORZ])
    assert list(scoring.together_part(kind, social=True)) == [0.0, 1.0, 0.0]
    assert list(scoring.together_part(kind, social=False)) == [0.0, 0.0, 0.0]


def test_time_overlap_is_the_share_of_the_wanted_time():
    wanted = slot_bits((Slot(1, 600, 720),))
    offered = np.stack([slot_bits((Slot(1, 600, 720),)), slot_bits((Slot(1, 660, 900),)),
                        slot_bits((Slot(2, 600, 720),)), slot_bits(())])
    assert list(scoring.time_part(wanted, offered)) == [1.0, 0.5, 0.0, scoring.UNKNOWN_TIMES]


def test_no_time_wish_means_every_time_fits():
    assert list(scoring.time_part(slot_bits(()), np.stack([slot_bits((Slot(0, 0, 60),))]))) == [1.0]


def test_language_is_shared_or_not():
    nl, tr, ar = 1, 2, 4
    assert list(scoring.language_part(tr, np.array([nl, nl | tr, ar]))) == [0.0, 1.0, 0.0]


def test_load_spreads_work_and_ignores_services():
    kind = np.array([OFFER, OFFER, OFFER, VOORZ])
    cap = np.array([4, 4, -1, -1])
    load = np.array([0, 3, 2, 0])
    assert list(scoring.load_part(kind, cap, load)) == [1.0, 0.25, 1.0, 1.0]


def test_freshness_halves_every_half_year_and_unknown_is_low():
    today = 20_000.0
    upd = np.array([today, today - scoring.FRESH_HALF_LIFE_DAYS, np.nan, today + 3])
    assert np.allclose(scoring.freshness_part(upd, today), [1.0, 0.5, scoring.UNKNOWN_FRESHNESS, 1.0])


def test_text_similarity_is_a_clipped_dot_product():
    req = np.array([1.0, 0.0], np.float32)
    items = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], np.float32)
    assert list(scoring.text_part(req, items)) == [1.0, 0.0, 0.0]


def test_weights_sum_to_one_so_scores_stay_in_zero_one():
    assert abs(sum(scoring.WEIGHTS.values()) - 1.0) < 1e-9
