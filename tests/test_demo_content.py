"""Checks on the demo municipality content (marketplace/demo/data/*.json, read by content.py).

The module and the category list are loaded straight from their files, so this test
needs neither Flask nor a database and does not import the ``marketplace`` package.
"""

from __future__ import annotations

import importlib.util
import math
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, relative: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


content = _load("_demo_content_under_test", "marketplace/demo/content.py")
categories = _load("_demo_categories_under_test", "matching/categories.py")

SLUGS = [c["slug"] for c in categories.CATEGORIES]
PROFESSIONAL_ONLY = {c["slug"] for c in categories.CATEGORIES if c["professional_only"]}
TIERS = {"nulde", "eerste", "tweede"}
COSTS = {"gratis", "bedrag", "upas"}
WEEKDAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
URGENCIES = {"1-2 dagen", "deze week", "geen haast"}
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PHONE = re.compile(r"^053-\d{7}$")
PC6 = re.compile(r"^75\d{2}[A-Z]{2}$")
LANG = re.compile(r"^[a-z]{2,3}$")

BUURTEN = [b for w in content.WIJKEN for b in w["buurten"]]
BUURT_BY_CODE = {b["code"]: b for b in BUURTEN}
ORG_KEYS = {o["key"] for o in content.ORGANISATIONS}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def in_enschede(lat: float, lon: float) -> bool:
    return 52.18 <= lat <= 52.26 and 6.83 <= lon <= 6.97


def _times_ok(start: str, end: str) -> bool:
    return bool(TIME.match(start) and TIME.match(end)) and start < end


# --- counts ------------------------------------------------------------------

def test_minimum_counts():
    assert len(content.WIJKEN) >= 8
    assert len(BUURTEN) >= 20
    assert len(content.ORGANISATIONS) >= 15
    assert len(content.VOORZIENINGEN) >= 60
    assert len(content.ACTIVITIES) >= 25
    assert len(content.FIRST_NAMES) >= 50
    assert len(content.LAST_NAMES) >= 35
    assert len(set(content.FIRST_NAMES)) == len(content.FIRST_NAMES)
    assert len(set(content.LAST_NAMES)) == len(content.LAST_NAMES)


# --- geography ---------------------------------------------------------------

def test_gemeente():
    g = content.GEMEENTE
    assert g["name"] == "Enschede" and g["code"] == "GM0153"
    assert in_enschede(g["lat"], g["lon"])


def test_seed_wijken_present():
    names = {w["name"] for w in content.WIJKEN}
    assert {"Velve-Lindenhof", "Pathmos", "Wesselerbrink"} <= names


def test_area_codes_unique_and_nested():
    wijk_codes = [w["code"] for w in content.WIJKEN]
    buurt_codes = [b["code"] for b in BUURTEN]
    assert len(set(wijk_codes)) == len(wijk_codes)
    assert len(set(buurt_codes)) == len(buurt_codes)
    for w in content.WIJKEN:
        assert re.match(r"^WK0153\d{2}$", w["code"]), w["code"]
        assert 2 <= len(w["buurten"]) <= 4, w["name"]
        assert in_enschede(w["lat"], w["lon"]), w["name"]
        for b in w["buurten"]:
            assert re.match(r"^BU0153\d{4}$", b["code"]), b["code"]
            assert b["code"][2:8] == w["code"][2:], (w["code"], b["code"])
            assert in_enschede(b["lat"], b["lon"]), b["name"]


def test_postcodes_unique_plausible_and_near_their_buurt():
    seen: set[str] = set()
    for b in BUURTEN:
        assert 4 <= len(b["postcodes"]) <= 6, b["name"]
        for pc in b["postcodes"]:
            assert PC6.match(pc["pc6"]), pc["pc6"]
            assert pc["pc6"][4:] not in {"SA", "SD", "SS"}, pc["pc6"]  # letter pairs not used in NL
            assert pc["pc6"] not in seen, f"duplicate postcode {pc['pc6']}"
            seen.add(pc["pc6"])
            assert in_enschede(pc["lat"], pc["lon"]), pc["pc6"]
            distance = haversine_m(b["lat"], b["lon"], pc["lat"], pc["lon"])
            assert distance <= 600, f"{pc['pc6']} is {distance:.0f} m from {b['name']}"
            assert pc["street"] and len(pc["street"]) <= 120


# --- organisations -----------------------------------------------------------

def test_organisations():
    keys = [o["key"] for o in content.ORGANISATIONS]
    assert len(set(keys)) == len(keys)
    names = [o["name"] for o in content.ORGANISATIONS]
    assert len(set(names)) == len(names)
    for o in content.ORGANISATIONS:
        assert o["description"] and len(o["name"]) <= 160
        assert o["email"].endswith(".example.nl"), o["email"]
        assert PHONE.match(o["phone"]), o["phone"]
        assert o["website"].startswith("https://") and o["website"].endswith(".example.nl"), o["website"]


# --- voorzieningen -----------------------------------------------------------

def _street_of(address: str) -> str:
    return re.sub(r"\s+\d+\w*$", "", address)


def _check_address(buurt_code: str, address: str) -> None:
    assert buurt_code in BUURT_BY_CODE, f"unknown buurt {buurt_code}"
    streets = {pc["street"] for pc in BUURT_BY_CODE[buurt_code]["postcodes"]}
    assert _street_of(address) in streets, f"{address!r} is not a street of buurt {buurt_code}"
    assert len(address) <= 200


def test_voorzieningen_fields():
    names = [v["name"] for v in content.VOORZIENINGEN]
    assert len(set(names)) == len(names)
    for v in content.VOORZIENINGEN:
        label = v["name"]
        assert v["org"] in ORG_KEYS, label
        assert v["description"] and len(label) <= 160, label
        assert v["categories"] and set(v["categories"]) <= set(SLUGS), label
        assert len(set(v["categories"])) == len(v["categories"]), label
        assert v["tier"] in TIERS, label
        assert isinstance(v["indicatievrij"], bool), label
        if v["tier"] == "tweede":
            assert v["indicatievrij"] is False, label
        assert v["cost"] in COSTS, label
        if v["cost"] == "bedrag":
            assert isinstance(v["cost_amount"], float) and v["cost_amount"] > 0, label
        if v["cost"] == "gratis":
            assert v["cost_amount"] is None, label
        assert v["eligibility"] and len(v["eligibility"]) <= 500, label
        if v["min_age"] is not None and v["max_age"] is not None:
            assert v["min_age"] <= v["max_age"], label
        assert v["languages"] and all(LANG.match(code) for code in v["languages"]), label
        assert "nl" in v["languages"], label
        assert len(",".join(v["languages"])) <= 64, label
        assert v["accessibility"] and len(v["accessibility"]) <= 300, label
        _check_address(v["buurt"], v["address"])
        for day, opens, closes in v["schedule"]:
            assert day in WEEKDAYS and _times_ok(opens, closes), label
        assert PHONE.match(v["phone"]), label
        assert v["email"].endswith(".example.nl"), label


def test_every_category_and_tier_in_voorzieningen():
    used = {slug for v in content.VOORZIENINGEN for slug in v["categories"]}
    assert set(SLUGS) <= used, f"missing: {set(SLUGS) - used}"
    assert {v["tier"] for v in content.VOORZIENINGEN} == TIERS
    assert {v["cost"] for v in content.VOORZIENINGEN} == COSTS


def test_veiligheid_only_from_professionals():
    for v in content.VOORZIENINGEN:
        if PROFESSIONAL_ONLY & set(v["categories"]):
            assert v["tier"] in {"eerste", "tweede"}, v["name"]


# --- activities --------------------------------------------------------------

def test_activities_fields():
    titles = [a["title"] for a in content.ACTIVITIES]
    assert len(set(titles)) == len(titles)
    for a in content.ACTIVITIES:
        label = a["title"]
        assert a["description"] and len(label) <= 160, label
        assert a["categories"] and set(a["categories"]) <= set(SLUGS) - PROFESSIONAL_ONLY, label
        _check_address(a["buurt"], a["address"])
        assert (a["org"] is None) != (a["initiator"] is None), label
        if a["org"] is not None:
            assert a["org"] in ORG_KEYS, label
        else:
            assert a["initiator"] in content.FIRST_NAMES, label
        assert a["weekday"] in WEEKDAYS and _times_ok(a["start"], a["end"]), label
        assert a["every_weeks"] in (1, 2), label
        assert isinstance(a["capacity"], int) and a["capacity"] > 0, label
        assert isinstance(a["volunteers_wanted"], int) and a["volunteers_wanted"] >= 0, label


def test_activity_mix():
    assert sum(1 for a in content.ACTIVITIES if a["initiator"]) >= 5  # resident initiatives
    assert sum(1 for a in content.ACTIVITIES if a["capacity"] <= 8) >= 3  # some fill up
    assert sum(1 for a in content.ACTIVITIES if a["volunteers_wanted"] == 0) > len(content.ACTIVITIES) / 2


# --- offers and requests -----------------------------------------------------

def test_offer_texts():
    expected = set(SLUGS) - PROFESSIONAL_ONLY
    assert set(content.OFFER_TEXTS) == expected
    for slug, offers in content.OFFER_TEXTS.items():
        assert len(offers) >= 5, slug
        for o in offers:
            assert o["title"] and o["description"] and len(o["title"]) <= 160, slug
            assert o["languages"] and all(LANG.match(code) for code in o["languages"]), slug
            assert isinstance(o["radius_m"], int) and o["radius_m"] > 0, slug


def test_request_texts():
    assert set(content.REQUEST_TEXTS) == set(SLUGS)
    for slug, requests in content.REQUEST_TEXTS.items():
        assert len(requests) >= 3, slug
        for r in requests:
            assert r["title"] and r["description"] and len(r["title"]) <= 160, slug
            assert r["urgency"] in URGENCIES, slug
    for slug in PROFESSIONAL_ONLY:
        assert all(r.get("posted_by") == "professional" for r in content.REQUEST_TEXTS[slug])


# --- hygiene -----------------------------------------------------------------

def _all_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _all_strings(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _all_strings(value)


@pytest.mark.parametrize("name", ["ORGANISATIONS", "VOORZIENINGEN", "ACTIVITIES",
                                  "OFFER_TEXTS", "REQUEST_TEXTS"])
def test_only_fake_contact_details(name):
    for text in _all_strings(getattr(content, name)):
        for address in re.findall(r"[\w.+-]+@[\w.-]+", text):
            assert address.endswith(".example.nl"), address
        for url in re.findall(r"https?://[^\s\"]+", text):
            assert url.rstrip("/").endswith(".example.nl"), url


def test_module_uses_only_the_standard_library():
    source = (ROOT / "marketplace/demo/content.py").read_text(encoding="utf-8")
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", source, flags=re.MULTILINE)
    assert set(imports) <= {"__future__", "json", "pathlib"}, imports  # data, read; nothing random


def test_the_data_files_are_shipped_with_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["marketplace"]
    package = ROOT / "marketplace"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    data = set(content.DATA_DIR.iterdir())
    assert data and data <= shipped
