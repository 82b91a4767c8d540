"""Regenerate the suggestions judged in benchmarks/relevance.md (data gathering only, no verdicts).

Usage (from the repository root):

    BUURTPLEIN_INSTANCE=/tmp/relevance .venv/bin/flask --app wsgi demo
    BUURTPLEIN_INSTANCE=/tmp/relevance .venv/bin/python benchmarks/relevance_sample.py \
        [--out /tmp/relevance_sample.json] [--n 50] [--seed 2026] [--split test|dev]

Takes a fixed-seed sample of matching/eval/test.csv (random.Random(seed).sample over all rows;
``--split dev``: over the dev rows of the labelled corpus instead, for trying changes),
asks the demo municipality's matcher for the top 3 of each text, and writes one JSON record per
request: the test row, where it was asked from, the matcher's needs/safety/confidence/emergency
numbers and the three suggestions with the listing's real description from the database. A short
human-readable dump goes to stdout. Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Two requester points, alternating over the sample: Velve (7541, south-east) and
# Tubantia-Toekomst (7522, north of the centre).
POSTCODES = ("7541", "7522")
LIMIT = 3


def load_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def describe(session, kind: str, item_id: int) -> dict:
    from sqlalchemy import text as sql

    query = {
        "offer": "select title, description from volunteer_offer where id = :id",
        "voorziening": "select name, description from voorziening where id = :id",
        "activity": "select title, description from activity where id = :id",
    }[kind]
    row = session.exec(sql(query).bindparams(id=item_id)).first()
    return {"db_title": row[0], "description": row[1]} if row else {"db_title": None, "description": None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/tmp/relevance_sample.json")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--csv", default=str(ROOT / "matching/eval/test.csv"))
    ap.add_argument("--split", choices=("test", "dev"), default="test",
                    help="test (default, the judged rounds): the rows of --csv; dev: the dev rows of the "
                         "labelled corpus, for trying changes (the test split is for the judged report only)")
    args = ap.parse_args()

    if not os.environ.get("BUURTPLEIN_INSTANCE"):
        print("set BUURTPLEIN_INSTANCE to the demo instance (e.g. /tmp/relevance)", file=sys.stderr)
        return 2

    from sqlalchemy import text as sql

    from marketplace import create_app
    import marketplace.db
    import marketplace.matching_service as ms

    if args.split == "dev":
        from matching.classifier import load_corpus
        rows = [dict(r, categories=";".join(r["categories"])) for r in load_corpus((args.split,))]
    else:
        rows = load_rows(Path(args.csv))
    sample = random.Random(args.seed).sample(rows, args.n)

    app = create_app()
    records = []
    with app.app_context():
        session = marketplace.db.get_session()
        points = {}
        for pc in POSTCODES:
            r = session.exec(sql("select postcode, lat, lon from postcode_area where postcode = :p")
                             .bindparams(p=pc)).first()
            points[pc] = (r[0], float(r[1]), float(r[2]))
        for i, row in enumerate(sample):
            pc, lat, lon = points[POSTCODES[i % len(POSTCODES)]]
            res = ms.suggest_for_text(session, row["text"], lat, lon, limit=LIMIT, complete=False)
            sugg = []
            for s in res.suggestions:
                sugg.append({"kind": s.kind, "id": s.id, "title": s.title, "category": s.category,
                             "tier": s.tier, "distance_m": s.distance_m, "reasons": list(s.reasons),
                             **describe(session, s.kind, s.id)})
            records.append({
                "test_id": row["id"], "voice": row["voice"], "lang": row["lang"],
                "gold_categories": row["categories"], "gold_safety": row["safety"], "text": row["text"],
                "postcode": pc, "lat": lat, "lon": lon,
                "needs": list(res.needs), "safety": res.safety, "confident": res.confident,
                "predicted": [[c, round(float(p), 3)] for c, p in res.categories[:5]],
                "emergency": res.emergency, "suggestions": sugg,
            })

    Path(args.out).write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    for r in records:
        print(f"=== {r['test_id']} [{r['lang']}/{r['voice']}] gold={r['gold_categories']} "
              f"gold_safety={r['gold_safety']} @ {r['postcode']}")
        print("TEXT:", r["text"])
        print(f"needs={r['needs']} safety={r['safety']} confident={r['confident']} "
              f"emergency={[e.get('number', e) for e in r['emergency']] if r['emergency'] else []}")
        for s in r["suggestions"]:
            print(f"  - {s['kind']}:{s['id']} {s['title']} [{s['category']}/{s['tier']}, {s['distance_m']} m]"
                  f" :: {s['description']}")
        print()
    print(f"wrote {len(records)} records to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
