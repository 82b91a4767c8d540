"""Benchmark the matching library on a synthetic city around Enschede.

    .venv/bin/python benchmarks/bench_matching.py                           # 10^4, 10^5, 10^6
    .venv/bin/python benchmarks/bench_matching.py --sizes 10000,100000      # smaller
    BENCH_POSTGIS_URL=postgresql://user:pw@host:port/db .venv/bin/python benchmarks/bench_matching.py

Per size, in its own child process (so that ru_maxrss belongs to that size alone):

1. build: ``Matcher(supply, classifier)``: CPU seconds, and the peak memory of the process
   right after it (supply objects included) and what the build added to it;
2. suggest: ``matcher.suggest(request, limit=10)`` end to end, classifier included, for requests
   whose texts are all new (never seen by the classifier's per-text cache), CPU milliseconds p50 /
   p95 / p99; the classifier alone (``understand``) is reported beside it;
3. brute force: the same ``Matcher`` with its candidates from a NumPy haversine scan over every
   point (then the very same filters, scoring, picking, reasons), on other new texts, and the
   index's recall@10 against it; the speed-up is brute p50 / index p50 in this run;
4. changes: ``Matcher.update([item])`` (a changed item with a new text, or a new item) and
   ``Matcher.remove(kind, id)``, one at a time, CPU milliseconds p50 / p95 / max; and the
   rebuild of the largest category's tree, which a change pays once that category's delta or
   tombstones pass 5 % of it.

All times are CPU time of the process (time.process_time), which other work on a shared machine
does not inflate; wall clock is recorded in the JSON for reference. Results are printed as a
table and written to benchmarks/results/bench_<time>.json (git-ignored).

Optional: ``--batch-requests N`` times ``assign()`` of N requests over 10^5 volunteer offers;
BENCH_POSTGIS_URL compares with PostGIS KNN (``<->``) candidates on the brute-force sample.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.categories import CATEGORIES
from matching.classifier import CategoryClassifier, load_corpus
from matching.engine import Matcher
from matching.evaluate import load_eval
from matching.geo import haversine_m
from matching.index import Partition
from matching.synthetic import random_points, synthetic_supply
from matching.types import HelpRequestIn, Slot

TARGET_SUGGEST_P95_MS = 2.0      # at 10^6, classifier included
TARGET_SPEEDUP = 30.0            # index vs brute force, same run, at 10^6
TARGET_CHANGE_P95_MS = 50.0      # one update/remove at 10^5, text embedding included
BATCH_SIZE = 100_000
_SIGN_OFFS = ("Groetjes, {}.", "Alvast bedankt! {}", "Mvg {}", "Dank u wel, {}", "Groet {}", "{}")
_NAMES = ("Ans", "Mehmet", "Fatima", "Henk", "Olga", "Joost", "Samira", "Piet", "Yusuf", "Wilma")
_LANGS = (("nl",), ("nl",), ("nl", "tr"), ("nl", "ar"), ("en",))
_SLOTS = ((), (), (), (Slot(1, 600, 720),), (Slot(3, 840, 1020), Slot(4, 540, 720)))


def request_texts() -> list[str]:
    """Residents' texts: the seed sets plus the corpus' dev and test splits."""
    return [t for t, _ in load_eval() + load_eval("holdout.csv")] + \
        [r["text"] for r in load_corpus(("dev", "test"))]


def make_requests(n: int, seed: int, tag: str) -> list[HelpRequestIn]:
    """n requests with texts that are all new: a resident's text plus a signature with a
    number unique to this run and tag (so no per-text cache can answer them)."""
    texts = request_texts()
    rng = np.random.default_rng(seed)
    pts = random_points(rng, n, radius_km=15)
    out = []
    for i, p in enumerate(pts):
        sign = _SIGN_OFFS[rng.integers(len(_SIGN_OFFS))].format(
            f"{_NAMES[rng.integers(len(_NAMES))]} ({tag}{i})")
        out.append(HelpRequestIn(i, f"{texts[rng.integers(len(texts))]} {sign}", float(p[0]), float(p[1]),
                                 languages=_LANGS[rng.integers(len(_LANGS))],
                                 slots=_SLOTS[rng.integers(len(_SLOTS))]))
    return out


class BruteForce(Matcher):
    """The same Matcher, but candidates come from a haversine scan over every point (exact:
    every item of a chosen category within its radius, no per-category cap)."""

    @classmethod
    def sharing(cls, matcher: Matcher) -> BruteForce:
        brute = cls.__new__(cls)
        brute.__dict__.update(matcher.__dict__)  # same index, classifier and settings
        return brute

    def _candidates(self, latlon, chosen, kinds, radius):
        c = self.index.cols
        dist = haversine_m(latlon[0], latlon[1], c["latlon"][:, 0], c["latlon"][:, 1])
        ok = np.isin(c["kind"], kinds) & c["active"]
        fit_in = np.zeros(len(dist))  # best fit among chosen categories within their radius
        cat_in = np.zeros(len(dist), np.int64)
        for cat, weight in chosen:
            member = ((c["cats"] >> cat) & 1).astype(bool) & ok
            hit = member & (dist <= (radius or max(self._radius[cat], self._reach_max))) & (fit_in < weight)
            fit_in[hit], cat_in[hit] = weight, cat
        pos = np.flatnonzero(fit_in > 0)  # empty: the Matcher's own k nearest, however far
        return pos, dist[pos], cat_in[pos], fit_in[pos]


class PostGIS(Matcher):
    """The same Matcher, candidates from PostGIS: per chosen category the k nearest within
    its radius (ST_DWithin + ORDER BY <-> LIMIT k on a geography GiST index)."""

    @classmethod
    def sharing(cls, matcher: Matcher, conn) -> PostGIS:
        pg = cls.__new__(cls)
        pg.__dict__.update(matcher.__dict__)
        pg.conn = conn
        return pg

    def _candidates(self, latlon, chosen, kinds, radius):
        lat, lon = np.degrees(latlon)
        rows = []
        with self.conn.cursor() as cur:
            for cat, weight in chosen:
                r = radius or float(self._radius[cat])
                cur.execute(
                    "SELECT pos, ST_Distance(geom, p) FROM supply, "
                    "(SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS p) q "
                    "WHERE cat = %s AND kind = ANY(%s) AND ST_DWithin(geom, p, %s) "
                    "ORDER BY geom <-> p LIMIT %s",
                    (float(lon), float(lat), cat, [int(k) for k in kinds], r, self.per_category_k))
                rows += [(p, d, cat, weight) for p, d in cur.fetchall()]
        if not rows:
            empty = np.zeros(0, np.int64)
            return empty, np.zeros(0), empty, np.zeros(0)
        arr = np.array(rows, float)
        order = np.lexsort((arr[:, 0], -arr[:, 3]))  # best fit first; an item counts once
        _, first = np.unique(arr[order, 0], return_index=True)
        arr = arr[order[first]]
        return arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2].astype(np.int64), arr[:, 3]


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
                for p in np.flatnonzero(((c["cats"] >> cat) & 1).astype(bool) & c["active"]):
                    copy.write_row((int(p), cat, int(c["kind"][p]), float(lon[p]), float(lat[p])))
        cur.execute("ALTER TABLE supply ADD COLUMN geom geography(Point, 4326)")
        cur.execute("UPDATE supply SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography")
        cur.execute("CREATE INDEX supply_geom ON supply USING gist (geom)")
        cur.execute("CREATE INDEX supply_cat_kind ON supply (cat, kind)")
        cur.execute("ANALYZE supply")
    return conn, time.perf_counter() - t


# ---- measuring ----------------------------------------------------------------
def timed(fn, args) -> tuple[list[float], list[float], list]:
    """CPU and wall seconds per call, and the results."""
    cpu, wall, out = [], [], []
    for a in args:
        c, w = time.process_time(), time.perf_counter()
        out.append(fn(a))
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return cpu, wall, out


def ms(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q)) if len(values) else float("nan")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """Resident memory now (Linux), to tell what the index keeps from what training peaked at."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def recall(index: list[list[int]], exact: list[list[int]]) -> float:
    """Share of the exact top-10 that the index also returned."""
    hit = sum(len(set(a) & set(b)) for a, b in zip(index, exact))
    total = sum(len(b) for b in exact)
    return hit / total if total else 1.0


def assert_new(clf: CategoryClassifier, requests: list[HelpRequestIn]) -> None:
    seen = [r.text for r in requests if r.text in clf._cache]
    if seen:
        raise AssertionError(f"{len(seen)} request texts are already cached, e.g. {seen[0]!r}")


def changes(matcher: Matcher, n_changes: int, seed: int = 7) -> list:
    """One supply change per entry: an existing item changed (new text, moved, sometimes
    another category), a new item, or an existing item removed."""
    rng = np.random.default_rng(seed)
    fresh = synthetic_supply(n_changes, seed=seed)
    existing = [it for it in matcher.index.items if it is not None]
    picks = rng.choice(len(existing), size=n_changes, replace=False)
    slugs = [c["slug"] for c in CATEGORIES if not c.get("professional_only")]
    out = []
    for i in range(n_changes):
        old, new = existing[picks[i]], fresh[i]
        text = f"{new.text} (bijgewerkt {seed}-{i})"  # a text never embedded before
        if i % 4 in (0, 1):  # a changed listing
            cats = old.categories if i % 8 else (slugs[rng.integers(len(slugs))],)
            out.append(("update", replace(old, text=text, categories=cats, lat=old.lat + rng.normal(0, 0.003),
                                          lon=old.lon + rng.normal(0, 0.005), load_this_month=0)))
        elif i % 4 == 2:  # a new listing
            out.append(("update", replace(new, id=10_000_000 + seed * 100_000 + i, text=text)))
        else:
            out.append(("remove", (old.kind, old.id)))
    return out


def apply_change(matcher: Matcher, change) -> bool:
    what, arg = change
    if what == "update":
        matcher.update([arg])
        return True
    return matcher.remove(*arg)


# ---- one size, in a child process ------------------------------------------
def run_size(n: int, args) -> dict:
    out: dict = {"size": n}
    c = time.process_time()
    clf = CategoryClassifier.from_categories(CATEGORIES)
    out["train_cpu_s"] = time.process_time() - c
    c = time.process_time()
    supply = synthetic_supply(n, seed=1)
    out["generate_cpu_s"] = time.process_time() - c
    out["rss_before_build_mib"] = rss_mib()

    c, w = time.process_time(), time.perf_counter()
    matcher = Matcher(supply, clf, now=datetime(2025, 3, 1, tzinfo=UTC))
    out["build_cpu_s"], out["build_wall_s"] = time.process_time() - c, time.perf_counter() - w
    out["peak_after_build_mib"] = peak_mib()
    out["build_added_mib"] = rss_mib() - out["rss_before_build_mib"]  # what the index keeps
    del supply  # the matcher keeps its own list of the items

    # 2. whole suggestions, new texts, classifier included
    warm = make_requests(50, seed=10, tag="w")
    for r in warm:
        matcher.suggest(r, limit=10)
    reqs = make_requests(args.requests, seed=11, tag="s")
    assert_new(clf, reqs)
    cpu, wall, fast = timed(lambda r: [s.id for s in matcher.suggest(r, limit=10).suggestions], reqs)
    out.update(suggest_cpu_p50_ms=ms(cpu, 50), suggest_cpu_p95_ms=ms(cpu, 95), suggest_cpu_p99_ms=ms(cpu, 99),
               suggest_wall_p50_ms=ms(wall, 50), suggest_wall_p95_ms=ms(wall, 95),
               empty_share=sum(not f for f in fast) / len(fast))
    reqs = make_requests(args.requests, seed=13, tag="u")
    assert_new(clf, reqs)
    cpu, _, _ = timed(matcher.understand, reqs)
    out.update(classifier_cpu_p50_ms=ms(cpu, 50), classifier_cpu_p95_ms=ms(cpu, 95))

    # 3. brute force on other new texts, then the index on the same requests for recall
    brute = BruteForce.sharing(matcher)
    sample = make_requests(args.brute_sample, seed=17, tag="b")
    assert_new(clf, sample)
    bcpu, bwall, exact = timed(lambda r: [s.id for s in brute.suggest(r, limit=10).suggestions], sample)
    again = [[s.id for s in matcher.suggest(r, limit=10).suggestions] for r in sample]
    out.update(brute_cpu_p50_ms=ms(bcpu, 50), brute_cpu_p95_ms=ms(bcpu, 95), brute_wall_p50_ms=ms(bwall, 50),
               recall_at_10=recall(again, exact))
    out["speedup_p50"] = out["brute_cpu_p50_ms"] / out["suggest_cpu_p50_ms"]
    out["speedup_p95"] = out["brute_cpu_p95_ms"] / out["suggest_cpu_p95_ms"]
    url = os.environ.get("BENCH_POSTGIS_URL")
    if url:
        conn, out["postgis_load_s"] = postgis_setup(url, matcher)
        clf._cache.clear()
        _, pwall, pg = timed(lambda r: [s.id for s in PostGIS.sharing(matcher, conn).suggest(r).suggestions],
                                sample)
        out.update(postgis_wall_p50_ms=ms(pwall, 50), postgis_wall_p95_ms=ms(pwall, 95),
                   recall_postgis_vs_index=recall(pg, again))
        conn.close()

    # 4. supply changes, one at a time
    todo = changes(matcher, args.changes)
    trees = {cat: p.tree for cat, p in matcher.index.partitions.items()}  # to count rebuilds
    cpu, wall, done = timed(lambda ch: apply_change(matcher, ch), todo)
    if not all(done):
        raise AssertionError("a change was not applied")
    for what, arg in todo:  # the index reflects every change
        key = (arg.kind, arg.id) if what == "update" else arg
        if (matcher.index.position(*key) is None) != (what == "remove"):
            raise AssertionError(f"change not visible: {what} {key}")
    out.update(change_cpu_p50_ms=ms(cpu, 50), change_cpu_p95_ms=ms(cpu, 95), change_cpu_max_ms=max(cpu) * 1000,
               change_wall_p95_ms=ms(wall, 95), changes=len(todo),
               partition_rebuilds=sum(p.tree is not trees[cat] for cat, p in matcher.index.partitions.items()))
    # The worst change: one that makes its partition rebuild (every ~5 % of a category's size).
    index = matcher.index
    cat = max(index.partitions, key=lambda k: len(index.partitions[k].rows))
    c = time.process_time()
    index.partitions[cat] = Partition.build(index._rows_of(cat), index.cols["latlon"])
    out["rebuild_cpu_ms"] = (time.process_time() - c) * 1000
    out["rebuild_rows"] = len(index.partitions[cat].rows)
    reqs = make_requests(200, seed=19, tag="a")  # suggestions after the changes
    cpu, _, _ = timed(lambda r: matcher.suggest(r, limit=10), reqs)
    out["suggest_after_changes_cpu_p95_ms"] = ms(cpu, 95)

    if n == BATCH_SIZE and args.batch_requests:
        from matching.batch import assign
        del matcher, brute
        offers = Matcher(synthetic_supply(n, seed=2, kind_share=(1.0, 0.0, 0.0)), clf, now=datetime(2025, 3, 1, tzinfo=UTC))
        c = time.process_time()
        result = assign(make_requests(args.batch_requests, seed=12, tag="x"), offers)
        out.update(batch_cpu_s=time.process_time() - c, batch_pairs=len(result.pairs),
                   batch_unassigned=len(result.unassigned))
    out["peak_end_mib"] = peak_mib()
    out["load_avg"] = os.getloadavg()[0]
    return out


# ---- the parent: one child per size, then the table ------------------------------
def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import numpy
    import sklearn
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": numpy.__version__,
            "scikit-learn": sklearn.__version__, "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "load_avg_start": os.getloadavg()[0]}


def table(results: list[dict]) -> str:
    head = ("| supply | build CPU s | peak MiB (index part) | suggest p50 / p95 / p99 CPU ms | classifier p50 ms "
            "| brute force p50 / p95 ms | speed-up p50 (p95) | recall@10 | change p50 / p95 / max ms | rebuild ms |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['build_cpu_s']:.2f} | {r['peak_after_build_mib']:.0f} ({r['build_added_mib']:.0f}) "
            f"| {r['suggest_cpu_p50_ms']:.2f} / {r['suggest_cpu_p95_ms']:.2f} / {r['suggest_cpu_p99_ms']:.2f} "
            f"| {r['classifier_cpu_p50_ms']:.2f} | {r['brute_cpu_p50_ms']:.1f} / {r['brute_cpu_p95_ms']:.1f} "
            f"| {r['speedup_p50']:.0f}× ({r['speedup_p95']:.0f}×) | {r['recall_at_10']:.1%} "
            f"| {r['change_cpu_p50_ms']:.2f} / {r['change_cpu_p95_ms']:.2f} / {r['change_cpu_max_ms']:.1f} "
            f"| {r['rebuild_cpu_ms']:.1f} |")
    return "\n".join(lines)


def verdicts(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        if r["size"] == 1_000_000:
            p95, sp = r["suggest_cpu_p95_ms"], r["speedup_p50"]
            out.append(f"suggest p95 at 10^6: {p95:.2f} ms (target <= {TARGET_SUGGEST_P95_MS} ms) "
                       f"{'met' if p95 <= TARGET_SUGGEST_P95_MS else 'MISSED'}")
            out.append(f"speed-up vs brute force at 10^6: {sp:.0f}x p50, {r['speedup_p95']:.0f}x p95 "
                       f"(target >= {TARGET_SPEEDUP:.0f}x) {'met' if sp >= TARGET_SPEEDUP else 'MISSED'}")
        if r["size"] == 100_000:
            p95 = r["change_cpu_p95_ms"]
            out.append(f"one change p95 at 10^5: {p95:.2f} ms (target <= {TARGET_CHANGE_P95_MS:.0f} ms) "
                       f"{'met' if p95 <= TARGET_CHANGE_P95_MS else 'MISSED'}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated supply sizes")
    ap.add_argument("--requests", type=int, default=2000, help="timed suggestions per size (new texts)")
    ap.add_argument("--brute-sample", type=int, default=200, help="requests also run by brute force")
    ap.add_argument("--changes", type=int, default=200, help="timed supply changes per size")
    ap.add_argument("--batch-requests", type=int, default=0, help="time assign() of N requests at 10^5")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child, args)))
        return 0
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, NumPy {info['numpy']}, "
          f"scikit-learn {info['scikit-learn']}; load average {info['load_avg_start']:.1f}; CPU times")
    if not os.environ.get("BENCH_POSTGIS_URL"):
        print("PostGIS: skipped (set BENCH_POSTGIS_URL=postgresql://... to compare)")
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(n), "--requests", str(args.requests),
               "--brute-sample", str(args.brute_sample), "--changes", str(args.changes),
               "--batch-requests", str(args.batch_requests)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            return proc.returncode
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(f"  {n:>9,}: build {res['build_cpu_s']:.2f} s, suggest p95 {res['suggest_cpu_p95_ms']:.2f} ms, "
              f"brute p50 {res['brute_cpu_p50_ms']:.1f} ms, change p95 {res['change_cpu_p95_ms']:.2f} ms, "
              f"{res['partition_rebuilds']} partition rebuilds, load avg {res['load_avg']:.1f}", flush=True)
    print()
    print(table(results))
    for r in results:
        if "batch_cpu_s" in r:
            print(f"batch assign: {r['batch_cpu_s']:.1f} s CPU for {args.batch_requests} requests over 10^5 offers "
                  f"({r['batch_pairs']} pairs, {r['batch_unassigned']} unassigned)")
        if "postgis_wall_p50_ms" in r:
            print(f"PostGIS at {r['size']:,}: p50 {r['postgis_wall_p50_ms']:.1f} ms, p95 {r['postgis_wall_p95_ms']:.1f} "
                  f"ms wall (load {r['postgis_load_s']:.0f} s; same top-10 as index {r['recall_postgis_vs_index']:.1%})")
    for line in verdicts(results):
        print(line)
    save = ROOT / "benchmarks" / "results"
    save.mkdir(exist_ok=True)
    path = save / f"bench_{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=2))
    print(f"written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
