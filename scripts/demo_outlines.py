"""Draw outlines for the demo's wijken and buurten into marketplace/demo/data/geography.json.

The demo has no official CBS boundaries (and the site fetches nothing at run time), so each buurt
gets the part of town nearer to one of its own postcodes (or its centre) than to any other
buurt's (the union of their Voronoi cells), cut off at a margin around the demo's postcodes, so
every postcode lies inside its own buurt; a wijk is the union of its buurten. Good enough to read the
map without tiles; a real gemeente loads CBS's "wijk- en buurtkaart" outlines into area.outline_geojson.

Run once after changing the geography (shapely is only needed here, not by the app):
    .venv/bin/pip install shapely && .venv/bin/python scripts/demo_outlines.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.spatial import Voronoi
from shapely.geometry import MultiPoint, Polygon, mapping
from shapely.ops import unary_union

PATH = Path(__file__).resolve().parents[1] / "marketplace" / "demo" / "data" / "geography.json"
MARGIN_DEGREES = 0.009  # about 700 m beyond the outermost postcode


def _rounded(geometry) -> dict:
    shape = mapping(geometry.simplify(0.00005))
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(value[0], 5), round(value[1], 5)]
            return [walk(v) for v in value]
        return value
    return {"type": shape["type"], "coordinates": walk(shape["coordinates"])}


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _format(data: dict) -> str:
    """One line per postcode and per outline, so a diff shows what changed."""
    def area(a: dict, depth: int) -> str:
        pad = "  " * depth
        lines = []
        for key, value in a.items():
            if key in ("buurten", "postcodes"):
                items = [area(v, depth + 2) if key == "buurten" else pad + "    " + _line(v) for v in value]
                lines.append(f'{pad}  "{key}": [\n' + ",\n".join(items) + f"\n{pad}  ]")
            else:
                lines.append(f"{pad}  {_line(key)}: {_line(value)}")
        return pad + "{\n" + ",\n".join(lines) + "\n" + pad + "}"
    wijken = ",\n".join(area(w, 2) for w in data["wijken"])
    return '{\n  "gemeente": ' + _line(data["gemeente"]) + ',\n  "wijken": [\n' + wijken + "\n  ]\n}\n"


def main() -> None:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    buurten = [b for w in data["wijken"] for b in w["buurten"]]
    labelled = {}  # a point → its buurt (a PC4 shares its first PC6's point)
    for b in buurten:
        for point in [(b["lon"], b["lat"])] + [(p["lon"], p["lat"]) for p in b["postcodes"]]:
            labelled.setdefault(point, b["code"])
    points = list(labelled)
    town = MultiPoint(points).convex_hull.buffer(MARGIN_DEGREES)
    # Far points around the town make every real cell finite.
    x0, y0, x1, y1 = town.bounds
    far = [(x0 - 1, y0 - 1), (x0 - 1, y1 + 1), (x1 + 1, y0 - 1), (x1 + 1, y1 + 1)]
    diagram = Voronoi(np.array(points + far))
    parts: dict[str, list] = {}
    for index, point in enumerate(points):
        region = diagram.regions[diagram.point_region[index]]
        parts.setdefault(labelled[point], []).append(Polygon(diagram.vertices[region]))
    cells = {code: unary_union(polygons).intersection(town) for code, polygons in parts.items()}
    for wijk in data["wijken"]:
        for buurt in wijk["buurten"]:
            buurt["outline"] = _rounded(cells[buurt["code"]])
        wijk["outline"] = _rounded(unary_union([cells[b["code"]] for b in wijk["buurten"]]))
    PATH.write_text(_format(data), encoding="utf-8")
    print(f"outlines for {len(data['wijken'])} wijken and {len(buurten)} buurten in {PATH}")


if __name__ == "__main__":
    main()
