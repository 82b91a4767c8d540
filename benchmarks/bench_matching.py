"""Benchmark the matching library on a synthetic city around Enschede.

    .venv/bin/python benchmarks/bench_matching.py                    # 10^4, 10^5, 10^6
    .venv/bin/python benchmarks/bench_matching.py --sizes 10000,100000
    BENCH_POSTGIS_URL=postgresql://user:pw@host:port/db .venv/bin/python benchmarks/bench_matching.py

Each size runs in its own child process so that the peak memory (ru_maxrss)
belongs to that size alone. Per size it prints: index build time, p50/p95 of
one request's top-10 (inference + candidates + scoring, classifier cache
cleared before every request), the same top-10 by a brute-force NumPy
haversine scan and, when BENCH_POSTGIS_URL is set, by PostGIS KNN (<->);
and at 10^5 the batch assignment of 10^4 requests over 10^5 offers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import scoring  # noqa: E402
from matching.batch import assign  # noqa: E402
from matching.categories import CATEGORIES  # noqa: E402
from matching.classifier import CategoryClassifier  # noqa: E402
from matching.engine import ALL_KINDS, Matcher  # noqa: E402
from matching.evaluate import load_eval  # noqa: E402
from matching.geo import haversine_m  # noqa: E402
from matching.synthetic import random_points, synthetic_supply  # noqa: E402
from matching.types import HelpRequestIn  # noqa: E402

BATCH_SIZE = 100_000  # the batch figure: 10^4 requests over 10^5 offers


def make_requests(n: int, seed: int = 11) -> list[HelpRequestIn]:
    texts = [t for t, _ in load_eval() + load_eval("holdout.csv")]
    rng = np.random.default_rng(seed)
    pts = random_points(rng, n, radius_km=15)
    langs = [("nl",), ("nl",), ("nl", "tr"), ("nl", "ar"), ("en",)]
    return [HelpRequestIn(i, texts[rng.integers(len(texts))], float(p[0]), float(p[1]),
                          languages=langs[rng.integers(len(langs))]) for i, p in enumerate(pts)]


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


# ---- top-10 three ways --------------------------------------------------------
def top10_index(matcher: Matcher, req: HelpRequestIn) -> list[int]:
    matcher.classifier._cache.clear()  # measure inference too, not a cache hit
    return [s.id for s in matcher.suggest(req, limit=10).suggestions]


def top10_bruteforce(matcher: Matcher, req: HelpRequestIn) -> list[int]:
    """Exact reference: haversine to every point, then the same filters and score."""
    matcher.classifier._cache.clear()
    und = matcher.understand(req)
    chosen, kinds, radius = matcher._search_plan(und, ALL_KINDS)
    c = matcher.index.cols
    lat, lon = np.radians([req.lat, req.lon])
    dist = haversine_m(lat, lon, c["latlon"][:, 0], c["latlon"][:, 1])
    kind_ok = np.isin(c["kind"], kinds) & c["active"]
    best_fit = np.zeros(len(dist))
    best_cat = np.zeros(len(dist), np.int64)
    for cat, weight in chosen:  # best fit first, as the index does
        r = radius or matcher._radius[cat]
        hit = ((c["cats"] >> cat) & 1).astype(bool) & kind_ok & (dist <= r) & (best_fit < weight)
        best_fit[hit], best_cat[hit] = weight, cat
    pos = np.flatnonzero(best_fit > 0)
    keep = matcher._allowed(pos, dist[pos], und.safety)
    pos = pos[keep]
    parts = matcher._parts(req, und, pos, dist[pos], best_cat[pos], best_fit[pos])
    score = scoring.total(parts, matcher.weights)
    order = matcher._best_first(pos, dist[pos], score)[:10]
    return [int(c["id"][p]) for p in pos[order]]


def top10_postgis(conn, matcher: Matcher, req: HelpRequestIn, k: int) -> list[int]:
    """KNN per (category, kind) in PostGIS, then the same NumPy scoring."""
    matcher.classifier._cache.clear()
    und = matcher.understand(req)
    chosen, kinds, radius = matcher._search_plan(und, ALL_KINDS)
    rows = []
    with conn.cursor() as cur:
        for cat, weight in chosen:
            r = radius or float(matcher._radius[cat])
            cur.execute(
                "SELECT pos, ST_Distance(geom, p) FROM supply, "
                "(SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS p) q "
                "WHERE cat = %s AND kind = ANY(%s) AND ST_DWithin(geom, p, %s) "
                "ORDER BY geom <-> p LIMIT %s", (req.lon, req.lat, cat, list(kinds), r, k))
            rows += [(p, d, cat, weight) for p, d in cur.fetchall()]
    if not rows:
        return []
    arr = np.array(rows, float)
    order = np.lexsort((arr[:, 0], -arr[:, 3]))
    _, first = np.unique(arr[order, 0], return_index=True)
    arr = arr[order[first]]
    pos, dist, cat, fit = arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2].astype(np.int64), arr[:, 3]
    keep = matcher._allowed(pos, dist, und.safety)
    pos, dist, cat, fit = pos[keep], dist[keep], cat[keep], fit[keep]
    parts = matcher._parts(req, und, pos, dist, cat, fit)
    order = matcher._best_first(pos, dist, scoring.total(parts, matcher.weights))[:10]
    return [int(matcher.index.cols["id"][p]) for p in pos[order]]


def time_calls(fn, requests, cpu: list | None = None) -> tuple[list[float], list[list[int]]]:
    """Wall-clock seconds per call (and CPU seconds in `cpu`, immune to other load)."""
    times, results = [], []
    for req in requests:
        t, c = time.perf_counter(), time.thread_time()
        results.append(fn(req))
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.thread_time() - c)
    return times, results


def recall(a: list[list[int]], b: list[list[int]]) -> float:
    """Share of the reference top-10 that the other method also returned."""
    hit = sum(len(set(x) & set(y)) for x, y in zip(a, b))
    total = sum(len(y) for y in b)
    return hit / total if total else 1.0


# ---- PostGIS --------------------------------------------------------------------
def postgis_setup(url: str, matcher: Matcher):
    import psycopg  # only needed here

    conn = psycopg.connect(url, autocommit=True)
    c = matcher.index.cols
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cur.execute("DROP TABLE IF EXISTS supply")
        cur.execute("CREATE UNLOGGED TABLE supply (pos int, cat smallint, kind smallint, lon float8, lat float8)")
        t = time.perf_counter()
        lat, lon = np.degrees(c["latlon"][:, 0]), np.degrees(c["latlon"][:, 1])
        with cur.copy("COPY supply (pos, cat, kind, lon, lat) FROM STDIN") as copy:
            for cat in range(len(matcher.slugs)):
                for p in np.flatnonzero((c["cats"] >> cat) & 1):
                    copy.write_row((int(p), cat, int(c["kind"][p]), float(lon[p]), float(lat[p])))
        cur.execute("ALTER TABLE supply ADD COLUMN geom geography(Point, 4326)")
        cur.execute("UPDATE supply SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography")
        cur.execute("CREATE INDEX supply_geom ON supply USING gist (geom)")
        cur.execute("CREATE INDEX supply_cat_kind ON supply (cat, kind)")
        cur.execute("ANALYZE supply")
        load_s = time.perf_counter() - t
    return conn, load_s


# ---- one size, in a child process ------------------------------------------
def run_size(n: int, n_requests: int, brute_sample: int, batch_requests: int) -> dict:
    out: dict = {"size": n}
    t = time.perf_counter()
    clf = CategoryClassifier.from_categories(CATEGORIES)
    out["train_s"] = time.perf_counter() - t
    t = time.perf_counter()
    supply = synthetic_supply(n, seed=1)
    out["generate_s"] = time.perf_counter() - t
    t = time.perf_counter()
    matcher = Matcher(supply, clf)
    out["build_s"] = time.perf_counter() - t
    requests = make_requests(n_requests)
    cpu: list[float] = []
    times, fast = time_calls(lambda r: top10_index(matcher, r), requests, cpu)
    out.update(p50_ms=pct(times, 50), p95_ms=pct(times, 95), p99_ms=pct(times, 99),
               cpu_p50_ms=pct(cpu, 50), cpu_p95_ms=pct(cpu, 95), load_avg=os.getloadavg()[0])
    sample = requests[:brute_sample]
    btimes, brute = time_calls(lambda r: top10_bruteforce(matcher, r), sample)
    out.update(brute_p50_ms=pct(btimes, 50), brute_p95_ms=pct(btimes, 95),
               recall_vs_brute=recall(fast[:brute_sample], brute),
               speedup_p50=pct(btimes, 50) / max(pct(times[:brute_sample], 50), 1e-9))
    url = os.environ.get("BENCH_POSTGIS_URL")
    if url:
        conn, out["postgis_load_s"] = postgis_setup(url, matcher)
        ptimes, pg = time_calls(lambda r: top10_postgis(conn, matcher, r, matcher.per_category_k), sample)
        out.update(postgis_p50_ms=pct(ptimes, 50), postgis_p95_ms=pct(ptimes, 95),
                   recall_postgis_vs_index=recall(pg, fast[:brute_sample]))
        conn.close()
    if n == BATCH_SIZE and batch_requests:
        del matcher, supply
        offers = Matcher(synthetic_supply(n, seed=2, kind_share=(1.0, 0.0, 0.0)), clf)
        t = time.perf_counter()
        result = assign(make_requests(batch_requests, seed=12), offers)
        out["batch_s"] = time.perf_counter() - t
        out["batch_pairs"] = len(result.pairs)
        out["batch_unassigned"] = len(result.unassigned)
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--brute-sample", type=int, default=300, help="requests also run brute force / PostGIS")
    ap.add_argument("--batch-requests", type=int, default=10_000)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args.requests, args.brute_sample, args.batch_requests)))
        return 0
    if not os.environ.get("BENCH_POSTGIS_URL"):
        print("PostGIS: skipped (set BENCH_POSTGIS_URL=postgresql://... to compare with <-> KNN)")
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n), "--requests", str(args.requests),
               "--brute-sample", str(args.brute_sample), "--batch-requests", str(args.batch_requests)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print_result(res)
    save = ROOT / "benchmarks" / "results"
    save.mkdir(exist_ok=True)
    (save / f"bench_{int(time.time())}.json").write_text(json.dumps(results, indent=2))
    return 0


def print_result(r: dict) -> None:
    print(f"\n== {r['size']:,} supply points ==")
    print(f"classifier training     {r['train_s']:.2f} s")
    print(f"synthetic data          {r['generate_s']:.1f} s (not part of the index)")
    print(f"index build             {r['build_s']:.2f} s")
    print(f"top-10 per request      p50 {r['p50_ms']:.2f} ms  p95 {r['p95_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
          f"  (CPU time p50 {r['cpu_p50_ms']:.2f} ms  p95 {r['cpu_p95_ms']:.2f} ms; load avg {r['load_avg']:.1f})")
    print(f"brute-force NumPy       p50 {r['brute_p50_ms']:.1f} ms  p95 {r['brute_p95_ms']:.1f} ms  "
          f"-> index {r['speedup_p50']:.1f}x faster; recall@10 vs exact {r['recall_vs_brute']:.1%}")
    if "postgis_p50_ms" in r:
        print(f"PostGIS KNN (<->)       p50 {r['postgis_p50_ms']:.1f} ms  p95 {r['postgis_p95_ms']:.1f} ms  "
              f"(load+index {r['postgis_load_s']:.0f} s; same top-10 as index {r['recall_postgis_vs_index']:.1%})")
    if "batch_s" in r:
        print(f"batch assign            {r['batch_s']:.1f} s for 10^4 requests over 10^5 offers "
              f"({r['batch_pairs']} pairs, {r['batch_unassigned']} unassigned)")
    print(f"peak memory             {r['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
