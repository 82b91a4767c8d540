"""Danger signals: Dutch, English and misspelt; ordinary requests stay ordinary."""

import pytest

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
