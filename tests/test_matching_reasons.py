"""The matcher's reason codes said in the reader's language, in one place (matching_service.reason_text)."""

from flask_babel import force_locale

from marketplace.matching_service import reason_text

REASONS = [("kind_offer", {}), ("distance_km", {"km": 1.24}), ("distance_km", {"km": 0.31}),
           ("category", {"slug": "boodschappen"}), ("languages", {"codes": ["tr", "ar"]}),
           ("weekly", {"weekday": 1, "time": "10:00"}), ("places_left", {"n": 1}),
           ("target_group", {"min_age": 65, "max_age": None, "groups": []}), ("comes_home", {})]


def test_reasons_in_dutch_and_english(app):
    with app.test_request_context("/"):
        with force_locale("nl"):
            nl = [reason_text(r) for r in REASONS]
        with force_locale("en"):
            en = [reason_text(r) for r in REASONS]
    assert nl == ["vrijwilliger uit uw buurt", "1,2 km van u", "300 m van u", "past bij uw vraag: Boodschappen",
                  "spreekt Turks en Arabisch", "elke dinsdag 10:00", "nog 1 plaats vrij",
                  "bedoeld voor: vanaf 65 jaar", "komt bij u thuis of helpt telefonisch"]
    assert en[1] == "1.2 km from you" and en[4] == "speaks Turkish and Arabic" and en[5] == "every Tuesday 10:00"
    assert en[0] == "volunteer from your neighbourhood" and en[6] == "1 place left"


def test_a_stored_plain_reason_passes_through(app):
    with app.test_request_context("/"):
        assert reason_text("voorgesteld door de koppelhulp") == "voorgesteld door de koppelhulp"
