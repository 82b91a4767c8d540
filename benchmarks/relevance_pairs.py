"""The judged rounds' verdicts per listing, against what the current matcher shows.

The wijkcoach rounds (benchmarks/relevance_judgements*.csv) judged whole lists; their reasons say,
per shown listing, whether it fits. ``benchmarks/relevance_pair_labels.csv`` holds those verdicts
per (request, listing), read from the reasons (yes / no / unclear). This script asks the current
matcher for each judged request's first answer (what the API and the pages show first) from the
same demo municipality and reports, over the judged listings it still shows:

- how many judged requests still show a listing the wijkcoach said does not fit (lower bound of
  the failures: a listing nobody judged may not fit either);
- the share of the shown judged listings that fit;
- per feature of the ranking, how well it tells fitting listings from the others (ROC AUC).

Not a blind check: the rows were judged before and rules were made from them. It is the quick
loop between blind rounds (benchmarks/relevance_rubric.md); a blind round decides.

Usage (from the repository root, demo instance as in relevance_sample.py):

    BUURTPLEIN_INSTANCE=/tmp/rel DATABASE_URL=sqlite:////tmp/rel/demo.db \\
        .venv/bin/python benchmarks/relevance_pairs.py [--complete] [--out /tmp/pair_features.csv]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ROOT / "benchmarks" / "relevance_pair_labels.csv"
POSTCODES = ("7541", "7522")
DEPTH = 15  # how far down the complete ranked list a judged listing is looked for
SHOWN = 3   # what a judge sees
TITLE_QUERY = {"offer": "select title from volunteer_offer where id = :id",
               "voorziening": "select name from voorziening where id = :id",
               "activity": "select title from activity where id = :id"}


def texts_by_id() -> dict[str, str]:
    from matching.classifier import load_corpus
    rows = load_corpus(("train", "dev", "test"))
    with (ROOT / "matching/eval/test.csv").open(encoding="utf-8", newline="") as fh:
        rows += list(csv.DictReader(fh))
    return {r["id"]: r["text"] for r in rows}


def same_title(session, pair: dict) -> bool:
    """The demo's listing with this id still has the judged title (its content may have grown)."""
    from sqlalchemy import text as sql
    row = session.exec(sql(TITLE_QUERY[pair["kind"]]).bindparams(id=int(pair["id"]))).first()
    return bool(row) and row[0].strip().lower() == pair["title"].strip().lower()


def listing_features(matcher, request, und, ranked) -> dict[str, np.ndarray]:
    """What the ranking knows of each ranked listing."""
    from matching import topics
    from matching.index import KIND_CODE
    c, pos = matcher.index.cols, ranked.pos
    asked = topics.topics_of(request.text)
    n_asked = int(np.bitwise_count(np.int64(asked)))
    turn = {cat: t for t, (cat, _w) in enumerate(und.chosen)}
    p = ranked.parts
    return {
        "fit": p["fit"], "text": p["text"], "category": p["category"], "ladder": p["ladder"],
        "distance": p["distance"], "together": p["together"],
        "meaning": matcher.index.text_vecs[c["text_row"][pos]] @ matcher.classifier.embed(request.text),
        "need_turn": np.array([turn.get(int(k), len(und.chosen)) for k in ranked.cat], float),
        "best_of_need": ranked.best.astype(float),
        "title_named": ((c["title_subjects"][pos] & topics.widen(asked)) != 0).astype(float),
        "subject_share": (np.bitwise_count(c["subjects"][pos] & asked) / n_asked) if n_asked else np.zeros(len(pos)),
        "offer": (c["kind"][pos] == KIND_CODE["offer"]).astype(float),
        "activity": (c["kind"][pos] == KIND_CODE["activity"]).astype(float),
        "professional": c["professional"][pos].astype(float),
    }


def judged_rows(matcher, query, judged: list[dict], complete: bool, now) -> list[dict]:
    from matching.index import KIND_CODE
    names = {v: k for k, v in KIND_CODE.items()}
    und = matcher.understand(query)
    ranked = matcher.rank(query, und, DEPTH, now=now)
    if not len(ranked.pos):  # not understood: nothing shown
        return []
    feats = listing_features(matcher, query, und, ranked)
    c = matcher.index.cols
    at = {(names[int(c["kind"][p])], int(c["id"][p])): j for j, p in enumerate(ranked.pos)}
    shown = matcher.suggest(query, limit=SHOWN, now=now, complete=complete).suggestions
    shown_at = {(s.kind, s.id): i + 1 for i, s in enumerate(shown)}
    out = []
    for p in judged:
        key = (p["kind"], int(p["id"]))
        if key not in at:
            continue
        j = at[key]
        out.append({"test_id": p["test_id"], "kind": p["kind"], "id": p["id"], "fits": int(p["fits"] == "yes"),
                    "shown_at": shown_at.get(key, 0), "safety": und.safety.level,
                    **{f: round(float(v[j]), 5) for f, v in feats.items()}})
    return out


def report(rows: list[dict]) -> None:
    from sklearn.metrics import roc_auc_score
    by = defaultdict(list)
    for r in rows:
        if r["shown_at"]:
            by[r["test_id"]].append(r["fits"])
    shown = sum(len(v) for v in by.values())
    print(f"judged requests with a judged listing shown: {len(by)}; judged listings shown: {shown}, "
          f"of which fit: {sum(map(sum, by.values())) / max(1, shown):.1%}")
    print(f"judged requests showing a listing judged not to fit: {sum(0 in v for v in by.values()) / max(1, len(by)):.1%}")
    y = np.array([r["fits"] for r in rows])
    print("ROC AUC per feature over all judged listings in the top", DEPTH, "(0.5 = no signal):")
    for f in [k for k in rows[0] if k not in ("test_id", "kind", "id", "fits", "shown_at", "safety")]:
        x = np.array([r[f] for r in rows])
        print(f"  {f:14} {roc_auc_score(y, x):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", default=str(LABELS))
    ap.add_argument("--out", default="/tmp/pair_features.csv")
    ap.add_argument("--complete", action="store_true", help="judge the complete list instead of the first answer")
    args = ap.parse_args()
    if not os.environ.get("BUURTPLEIN_INSTANCE"):
        print("set BUURTPLEIN_INSTANCE to the demo instance", file=sys.stderr)
        return 2

    from sqlalchemy import text as sql

    import marketplace.db
    import marketplace.matching_service as ms
    from marketplace import create_app
    from marketplace.models import utcnow
    from matching.types import HelpRequestIn

    with open(args.labels, newline="", encoding="utf-8") as fh:
        labelled = [p for p in csv.DictReader(fh) if p["fits"] in ("yes", "no")]
    # The same request and listing judged in several rounds (before / after): the last verdict.
    pairs = list({(p["test_id"], p["kind"], p["id"]): p for p in labelled}.values())
    texts = texts_by_id()
    now = utcnow()
    out = []
    with create_app().app_context():
        session = marketplace.db.get_session()
        matcher = ms.get_matcher(session)
        points = {}
        for pc in POSTCODES:
            r = session.exec(sql("select lat, lon from postcode_area where postcode = :p").bindparams(p=pc)).first()
            points[pc] = (float(r[0]), float(r[1]))
        by_request: dict[str, list[dict]] = defaultdict(list)
        for p in pairs:
            if p["test_id"] in texts and same_title(session, p):  # a listing whose id now names another: skip
                by_request[p["test_id"]].append(p)
        for test_id, judged in by_request.items():
            best = []
            for lat, lon in points.values():  # the judged point: where most judged listings are in reach
                query = HelpRequestIn(id=None, text=texts[test_id], lat=lat, lon=lon, areas=ms.areas_at(session, lat, lon))
                rows = judged_rows(matcher, query, judged, args.complete, now)
                if len(rows) > len(best):
                    best = rows
            out += best
    if not out:
        print("no judged listing found", file=sys.stderr)
        return 1
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]))
        w.writeheader()
        w.writerows(out)
    print(f"{len(out)} of {len(pairs)} judged pairs are in the current top {DEPTH} (rows: {args.out})")
    report(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
