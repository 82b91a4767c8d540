"""The cost model: an estimate of formal (indicated) care avoided by help in the nulde and eerste lijn.

    avoided = Σ over provisions: cases × share_avoided × (units_per_case × tariff − general_cost_per_case)

- cases: requests completed (status done) in the provision's categories, plus referrals that ended
  'completed' at a nulde- or eerste-lijn voorziening in those categories, in the period;
- share_avoided: the share of such cases assumed to need the formal provision otherwise (an
  assumption, shown next to the number);
- tariff × units: what the formal provision would cost per case (a year of it);
- general_cost_per_case: what the general provision costs per case (volunteers' coordination, a
  group activity's place).

Every figure is configurable (config COST_MODEL) and names its source.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = [
    {
        "key": "dagbesteding",
        "label": "Groepsdagbesteding (Wmo maatwerk)",
        "categories": ["ontmoeting", "gezelschap", "bewegen", "werk"],
        "tariff_eur": 50.67,  # midpoint of €35.76–65.57 per half day
        "unit": "dagdeel",
        "units_per_case": 52,  # one half day a week for a year
        "general_cost_per_case_eur": 500.0,
        "share_avoided": 0.10,
        "source": "Tarief groepsdagbesteding €35,76–65,57 per dagdeel (Wmo-tarieven gemeente Westerveld 2023); "
                  "Almelo: 50 mensen van geïndiceerde naar algemene dagbesteding, besparing ca. €150.000 "
                  "(seeds 002:1228, 002:1544–1570; DOMAIN.md).",
    },
    {
        "key": "begeleiding",
        "label": "Individuele begeleiding (Wmo maatwerk)",
        "categories": ["administratie", "geldzaken", "huishouden", "wonen", "digitaal", "taal", "opvoeding",
                       "mantelzorg", "gezondheid"],
        "tariff_eur": 70.50,  # midpoint of €55.80–85.20 per hour
        "unit": "uur",
        "units_per_case": 26,  # an hour every two weeks for a year
        "general_cost_per_case_eur": 250.0,
        "share_avoided": 0.10,
        "source": "Tarief individuele begeleiding €55,80–85,20 per uur (Wmo-tarieven gemeente Westerveld 2023); "
                  "een uitkering kost ca. €15.000 per jaar (seeds 001:547; DOMAIN.md).",
    },
]


@dataclass
class Line:
    key: str
    label: str
    cases: int
    share_avoided: float
    formal_cost_per_case: float
    general_cost_per_case: float
    avoided_eur: float
    source: str


def estimate(cases_per_category: dict[str, int], model: list[dict] | None = None) -> tuple[list[Line], float]:
    """Apply the model to counts per category; a category belongs to the first provision naming it."""
    model = model or DEFAULT_MODEL
    taken: set[str] = set()
    lines = []
    for p in model:
        categories = [c for c in p["categories"] if c not in taken]
        taken.update(categories)
        cases = sum(cases_per_category.get(c, 0) for c in categories)
        formal = p["units_per_case"] * p["tariff_eur"]
        avoided = cases * p["share_avoided"] * (formal - p["general_cost_per_case_eur"])
        lines.append(Line(p["key"], p["label"], cases, p["share_avoided"], round(formal, 2),
                          p["general_cost_per_case_eur"], round(avoided, 2), p["source"]))
    return lines, round(sum(line.avoided_eur for line in lines), 2)
