"""The Matcher end to end on tiny hand-made supply."""

import pytest

from matching.engine import Matcher
from matching.types import HelpRequestIn, Slot
from tests.matching.helpers import HOME, NOW, item


def ask(text="wie kan boodschappen voor mij doen", **kw):
    return HelpRequestIn(kw.pop("id", None), text, HOME[0], HOME[1], **kw)


def matcher(clf, supply):
    return Matcher(supply, clf, now=NOW)


def ids(result):
    return [(s.kind, s.id) for s in result.suggestions]


def test_ladder_order_neighbour_first_specialist_last(clf):
    common = dict(categories=("boodschappen",), metres=300, free=True)
    supply = [
        item("voorziening", 4, tier="tweede", professional=True, **common),
        item("voorziening", 3, tier="eerste", professional=True, **common),
        item("voorziening", 2, **common),
        item("offer", 1, **common),
    ]
    got = ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",))))
    # the specialist (tweede lijn) stays out while lighter help of the need fits (round 6)
    assert got == [("offer", 1), ("voorziening", 2), ("voorziening", 3)]
    assert ids(matcher(clf, supply[:1]).suggest(ask(categories=("boodschappen",)))) == [("voorziening", 4)]


def test_together_where_possible_for_social_needs(clf):
    supply = [item("offer", 1, categories=("gezelschap",), text="koffie en een praatje"),
              item("activity", 2, categories=("gezelschap",), text="koffie en een praatje")]
    got = matcher(clf, supply).suggest(ask("ik ben eenzaam", categories=("gezelschap",)))
    assert ids(got)[0] == ("activity", 2)
    assert ("kind_activity", {}) in got.suggestions[0].reasons


def test_for_practical_needs_the_neighbour_comes_first(clf):
    supply = [item("offer", 1), item("activity", 2)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",))))[0] == ("offer", 1)


@pytest.mark.parametrize("request_kw, first_number", [
    (dict(text="kan iemand mijn lamp ophangen", categories=("veiligheid",)), "0800-2000"),
    (dict(text="mijn man slaat mij, wie helpt met boodschappen", categories=("boodschappen",)), "0800-2000"),
    (dict(text="ik wil niet meer leven"), "0800-0113"),  # 113 first for suicide
    (dict(text="my husband hits me"), "0800-2000"),
    (dict(text="help, we zijn in gevaar"), "112"),
])
def test_safety_never_a_volunteer_nor_a_resident_activity(clf, request_kw, first_number):
    cats = ("boodschappen", "klussen", "veiligheid")
    supply = [item("offer", 1, categories=cats), item("activity", 2, categories=cats),
              item("voorziening", 3, categories=cats),  # nulde lijn, not professional
              item("voorziening", 4, categories=("veiligheid",), tier="eerste", professional=True,
                   metres=9000, title="Veilig Thuis")]
    result = matcher(clf, supply).suggest(ask(**request_kw))
    assert result.safety_flag and result.safety == "danger"
    assert ids(result) == [("voorziening", 4)]
    assert [e["phone"] for e in result.emergency][0] == first_number
    assert {e["phone"] for e in result.emergency} == {"112", "0800-2000", "0800-0113"}


def test_possible_danger_with_a_signal_gives_only_professional_help(clf):
    cats = ("boodschappen", "veiligheid")
    supply = [item("offer", 1, categories=cats), item("voorziening", 3, categories=cats),
              item("voorziening", 4, categories=cats, tier="eerste", professional=True, metres=800)]
    result = matcher(clf, supply).suggest(ask("wie doet boodschappen, ik ben bang als hij thuiskomt",
                                              categories=("boodschappen",)))
    assert result.safety == "possible" and not result.safety_flag
    assert ids(result) == [("voorziening", 4)]  # fear of a partner: no volunteer, no volunteer-run service
    assert result.emergency[0]["phone"] == "0800-2000"


def test_not_understood_gives_no_guesses(clf):
    result = matcher(clf, [item()]).suggest(ask("test"))
    assert not result.confident and result.suggestions == [] and result.needs == []


def test_each_need_gets_help_in_the_list(clf):
    supply = [item("offer", i, categories=("gezelschap",), metres=100 + i) for i in range(1, 12)]
    supply += [item("voorziening", 50, categories=("geldzaken",), metres=3000)]
    result = matcher(clf, supply).suggest(ask("ik ben eenzaam en ik heb schulden"), limit=6)
    assert set(result.needs) == {"gezelschap", "geldzaken"}
    assert ("voorziening", 50) in ids(result)


def test_display_order_is_ladder_then_distance(clf):
    supply = [item("offer", 1, metres=900), item("offer", 2, metres=200), item("voorziening", 3, metres=100),
              item("offer", 4, metres=500)]
    result = matcher(clf, supply).suggest(ask(categories=("boodschappen",)))
    assert ids(result) == [("offer", 2), ("offer", 4), ("offer", 1), ("voorziening", 3)]


def test_ordinary_request_has_no_safety_flag(clf):
    result = matcher(clf, [item()]).suggest(ask())
    assert not result.safety_flag and result.emergency == []


def test_categories_are_inferred_when_not_confirmed(clf):
    supply = [item("offer", 1, categories=("huisdieren",)), item("offer", 2, categories=("klussen",))]
    result = matcher(clf, supply).suggest(ask("wie kan mijn hond uitlaten"))
    assert result.categories[0][0] == "huisdieren"
    assert ids(result) == [("offer", 1)]


def test_k_nearest_fallback_when_nothing_is_in_range(clf):
    supply = [item("offer", i, metres=20_000 + 1000 * i) for i in range(1, 15)]
    m = Matcher(supply, clf, now=NOW, fallback_k=3)
    result = m.suggest(ask(categories=("boodschappen",)))
    assert sorted(ids(result)) == [("offer", 1), ("offer", 2), ("offer", 3)]  # the 3 nearest
    assert min(s.distance_m for s in result.suggestions) == pytest.approx(21_000, abs=50)


def test_in_range_items_win_over_the_fallback(clf):
    supply = [item("offer", 1, metres=500), item("offer", 2, metres=20_000)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)))) == [("offer", 1)]


def test_a_volunteers_own_radius_limits_them(clf):
    supply = [item("offer", 1, metres=1200, radius_m=1000), item("offer", 2, metres=1300)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)))) == [("offer", 2)]


def test_full_volunteers_and_full_activities_are_left_out(clf):
    supply = [item("offer", 1, capacity_per_month=2, load_this_month=2),
              item("activity", 2, places_left=0), item("activity", 3, places_left=4)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)))) == [("activity", 3)]


def test_index_update_add_change_and_remove(clf):
    m = matcher(clf, [item("offer", 1, metres=800)])
    m.update([item("offer", 2, metres=100)])
    assert ids(m.suggest(ask(categories=("boodschappen",))))[0] == ("offer", 2)
    m.update([item("offer", 2, metres=100, categories=("klussen",))])  # changed category
    assert ids(m.suggest(ask(categories=("boodschappen",)))) == [("offer", 1)]
    assert m.remove("offer", 1)
    assert not m.remove("offer", 1)
    assert ids(m.suggest(ask(categories=("boodschappen",)))) == []


def test_many_updates_trigger_a_partition_rebuild(clf):
    m = matcher(clf, [item("offer", 0, metres=900, title="Boodschappen")])
    m.update([item("offer", i, metres=1000 + i, title="Boodschappen") for i in range(1, 200)])
    part = m.index.partitions[m.slugs.index("boodschappen")]
    assert part.delta == [] and len(part.rows) == 200
    got = m.suggest(ask(categories=("boodschappen",)), limit=3)
    assert ids(got) == [("offer", 0), ("offer", 1), ("offer", 2)]


def test_reasons_are_codes_with_parameters_and_parts_are_visible(clf):
    supply = [item("activity", 7, metres=300, languages=("nl", "tr"), free=True,
                   slots=(Slot(1, 600, 720),), places_left=3, categories=("ontmoeting",))]
    result = matcher(clf, supply).suggest(ask("waar kan ik mensen ontmoeten", languages=("tr",),
                                              categories=("ontmoeting",)))
    s = result.suggestions[0]
    codes = dict(s.reasons)
    assert codes["distance_km"]["km"] == pytest.approx(0.3, abs=0.01)
    assert codes["languages"] == {"codes": ["tr"]}
    assert codes["weekly"] == {"weekday": 1, "time": "10:00"}
    assert codes["places_left"] == {"n": 3} and codes["category"] == {"slug": "ontmoeting"}
    assert "kind_activity" in codes and "cost_free_no_indicatie" in codes
    assert all(isinstance(code, str) and isinstance(params, dict) for code, params in s.reasons)
    assert set(s.parts) == {"category", "fit", "text", "distance", "time", "language", "ladder",
                            "together", "load", "freshness"}
    assert 0 < s.score <= 1


def test_wanted_time_prefers_the_available_volunteer(clf):
    tuesday = (Slot(1, 600, 720),)
    supply = [item("offer", 1, slots=(Slot(4, 600, 720),)), item("offer", 2, slots=tuesday)]
    result = matcher(clf, supply).suggest(ask(categories=("boodschappen",), slots=tuesday), limit=1)
    assert ids(result)[0] == ("offer", 2)
    assert result.suggestions[0].parts["time"] == 1.0


def test_shared_language_and_fresher_listing_rank_higher(clf):
    old = NOW.replace(year=2022)
    supply = [item("offer", 1, languages=("nl",)), item("offer", 2, languages=("nl", "ar"))]
    # The score chooses who makes the list (limit=1 here); the list itself is ladder, then distance.
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",), languages=("ar",)), limit=1)) == [
        ("offer", 2)]
    supply = [item("offer", 1, updated_at=old), item("offer", 2)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)), limit=1)) == [("offer", 2)]


def test_less_loaded_volunteer_ranks_higher(clf):
    supply = [item("offer", 1, capacity_per_month=4, load_this_month=3),
              item("offer", 2, capacity_per_month=4, load_this_month=0)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)), limit=1)) == [("offer", 2)]


def test_ties_are_broken_by_kind_then_id(clf):
    supply = [item("offer", 9), item("offer", 3), item("offer", 5)]
    assert ids(matcher(clf, supply).suggest(ask(categories=("boodschappen",)))) == [
        ("offer", 3), ("offer", 5), ("offer", 9)]


def test_non_finite_location_is_refused(clf):
    with pytest.raises(ValueError):
        matcher(clf, [item()]).suggest(HelpRequestIn(None, "boodschappen", float("nan"), 6.9))


def test_empty_supply_then_first_item(clf):
    m = matcher(clf, [])
    assert m.suggest(ask()).suggestions == []
    m.update([item()])
    assert ids(m.suggest(ask(categories=("boodschappen",)))) == [("offer", 1)]


def test_a_volunteer_who_travels_farther_is_not_crowded_out_by_the_nearest(clf):
    # boodschappen reaches 1.5 km; a volunteer who will come 3 km stays a candidate however many
    # listings lie closer (they are searched apart), and one without a radius keeps the need's.
    near = [item("offer", i, metres=100 + i) for i in range(1, 9)]
    wide = item("offer", 50, metres=2_500, radius_m=3_000)
    plain = item("offer", 51, metres=2_000)  # no own radius: the 1.5 km of the need
    m = Matcher(near + [wide, plain], clf, now=NOW, per_category_k=3)
    got = ids(m.suggest(ask(categories=("boodschappen",)), limit=10))
    assert ("offer", 50) in got and ("offer", 51) not in got
    m.remove("offer", 50)
    m.update([item("offer", 52, metres=2_600, radius_m=4_000)])  # a change reaches the wide search too
    got = ids(m.suggest(ask(categories=("boodschappen",)), limit=10))
    assert ("offer", 52) in got and ("offer", 50) not in got


@pytest.mark.parametrize("text", [
    "mijn moeder (90) woont in het verpleeghuis en krijgt bijna geen bezoek, ze is eenzaam",
    "mijn knie is slecht, ik kom nauwelijks de deur uit. wie komt er eens op bezoek",
    "I'm lonely but groups are too much for me, I'd like one person to visit",
])
def test_a_visitor_first_when_the_person_cannot_go_out_or_wants_one_person(clf, text):
    supply = [item("offer", 1, categories=("gezelschap",), text="ik kom graag op bezoek voor koffie en een praatje"),
              item("activity", 2, categories=("gezelschap",), text="koffie en een praatje in het buurthuis")]
    got = matcher(clf, supply).suggest(ask(text, categories=("gezelschap",)))
    assert ids(got) == [("offer", 1)]  # the visitor, not the group activity
