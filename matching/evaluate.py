"""Evaluate the matching library: ``python -m matching.evaluate [--strict]``.

Trains the classifier on the train split (and calibrates on dev), then reports, for the dev split
(used while tuning) and the test split (``matching/eval/test.csv``, written by other hands and never
used for tuning) separately:

1. category accuracy: top-1 (the best guess is one of the text's needs) and top-3 (its main need is
   among the first three), overall, per category, per voice, with a confusion matrix for test;
2. multi-need coverage (every need of a text among its recognised needs or top three) and
   "not understood" for texts without a need;
3. safety: every danger or possible text at ``possible`` or ``danger`` (recall), and ordinary texts
   switched to ``danger`` (crisis-only) at most 2 %;
4. on a synthetic city: no professional-only request gets a volunteer or a resident activity.

5. the outside set (``matching/eval/outside.csv``), its own block with the same measures: texts
   written blind in voices the project's own data lacks (forum posts, WhatsApp, newspaper quotes,
   intake notes, dialect, learners by first language, very long and very short texts). Reported, not
   yet a target: it does not change the exit code, except through the leak check.

Also: no evaluation text (outside set included) is (nearly) a copy of a training text. The run fails (exit 1) on a safety
failure or a leak; with ``--strict`` also when an accuracy target is missed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import datetime, timezone
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .categories import CATEGORIES, PROFESSIONAL_ONLY, SLUGS
from .classifier import CategoryClassifier, load_corpus, training_set
from .engine import Matcher, judge_safety
from .synthetic import random_points, synthetic_supply
from .text import normalise
from .types import HelpRequestIn

EVAL_DIR = Path(__file__).with_name("eval")
TOP1_TARGET, TOP3_TARGET = 0.85, 0.97
ORDINARY_DANGER_MAX = 0.02
NEAR_COPY = 0.9  # char n-gram cosine above which an evaluation text counts as leaked
KEY_VOICES = ("first_person_story", "english")
OUTSIDE_FILE = EVAL_DIR / "outside.csv"


def load_eval(name: str = "requests.csv") -> list[tuple[str, str]]:
    """The first, short evaluation sets (one category per text)."""
    with (EVAL_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def load_rows(path: Path = OUTSIDE_FILE) -> list[dict]:
    """Rows of an evaluation file in the corpus' format (id, split, voice, lang, categories, safety,
    text); categories as a list, main need first, empty for a text without a need. [] if absent."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["categories"] = [c for c in row["categories"].split(";") if c]
    return rows


def as_rows(pairs: list[tuple[str, str]], voice: str = "seed") -> list[dict]:
    return [{"id": str(i), "text": t, "categories": [s], "voice": voice,
             "safety": "danger" if s in PROFESSIONAL_ONLY else "none"}
            for i, (t, s) in enumerate(pairs)]


# --------------------------------------------------------------------------- measures


def accuracy(clf: CategoryClassifier, rows: list[dict]) -> dict:
    """Top-1 / top-3 over rows with a need, overall and per category and voice."""
    hits1, hits3, total = Counter(), Counter(), Counter()
    confusion: Counter = Counter()
    misses = []
    for row in rows:
        if not row["categories"]:
            continue
        ranked = [s for s, _ in clf.predict(row["text"])[:3]]
        main = row["categories"][0]
        h1, h3 = ranked[0] in row["categories"], main in ranked
        for key in ("all", f"cat:{main}", f"voice:{row['voice']}"):
            total[key] += 1
            hits1[key] += h1
            hits3[key] += h3
        confusion[(main, ranked[0])] += 1
        if not h1:
            misses.append((main, ranked[0], row["text"]))
    rate = {k: (hits1[k] / total[k], hits3[k] / total[k], total[k]) for k in total}
    return {"rate": rate, "confusion": confusion, "misses": misses}


def multi_need(clf: CategoryClassifier, rows: list[dict]) -> tuple[float, int]:
    """Share of multi-need texts whose every need is recognised or in the top three."""
    multi = [r for r in rows if len(r["categories"]) > 1]
    if not multi:
        return 1.0, 0
    covered = 0
    for row in multi:
        found = {s for s, _ in clf.needs(row["text"])} | {s for s, _ in clf.predict(row["text"])[:3]}
        covered += set(row["categories"]) <= found
    return covered / len(multi), len(multi)


def not_understood(clf: CategoryClassifier, rows: list[dict]) -> tuple[float, int]:
    empty = [r for r in rows if not r["categories"]]
    if not empty:
        return 1.0, 0
    return sum(not clf.is_confident(r["text"]) for r in empty) / len(empty), len(empty)


def safety_measures(clf: CategoryClassifier, rows: list[dict]) -> dict:
    level = {r["id"]: judge_safety(r["text"], clf).level for r in rows}
    unsafe = [r for r in rows if r["safety"] in ("possible", "danger")]
    ordinary = [r for r in rows if r["safety"] == "none"]
    missed = [r for r in unsafe if level[r["id"]] == "none"]
    crisis = [r for r in ordinary if level[r["id"]] == "danger"]
    possible = [r for r in ordinary if level[r["id"]] == "possible"]
    return {"unsafe": len(unsafe), "missed": missed, "ordinary": len(ordinary), "crisis": crisis,
            "possible": possible}


def leaked(rows: list[tuple[str, str]] | list[dict]) -> list[tuple[str, str, float]]:
    """Evaluation texts that (nearly) appear in the training material."""
    train_texts, _ = training_set(CATEGORIES)
    train = [normalise(t) for t in train_texts]
    texts = [normalise(r["text"] if isinstance(r, dict) else r[0]) for r in rows]
    texts = [t for t in texts if len(t.split()) >= 3]  # "test" or "hallo" are everyone's words
    if not texts:
        return []
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(train + texts)
    sims = vec.transform(texts) @ vec.transform(train).T
    best = np.asarray(sims.argmax(axis=1)).ravel()
    values = np.asarray(sims.max(axis=1).todense()).ravel()
    return [(texts[i], train[best[i]], float(values[i])) for i in range(len(texts)) if values[i] >= NEAR_COPY]


def safety_check(clf: CategoryClassifier, rows: list[dict]) -> tuple[list, int]:
    """Professional-only requests on a synthetic city: no volunteers, no resident activities."""
    matcher = Matcher(synthetic_supply(20_000, seed=7), clf, now=datetime(2025, 3, 1, tzinfo=timezone.utc))
    pro_rows = [r for r in rows if r["categories"] and r["categories"][0] in PROFESSIONAL_ONLY]
    points = random_points(np.random.default_rng(3), len(pro_rows), radius_km=10)
    failures = []
    for row, (lat, lon) in zip(pro_rows, points):
        result = matcher.suggest(HelpRequestIn(None, row["text"], float(lat), float(lon),
                                               categories=tuple(row["categories"][:1])))
        lay = [s for s in result.suggestions if s.kind in ("offer", "activity")]
        if lay or not result.safety_flag or not result.emergency:
            failures.append((row["text"], [f"{s.kind}:{s.id}" for s in lay], result.safety_flag))
    return failures, len(pro_rows)


# --------------------------------------------------------------------------- report


def report(name: str, clf: CategoryClassifier, rows: list[dict], confusion: bool = False,
           show_misses: int = 0) -> dict:
    acc = accuracy(clf, rows)
    r = acc["rate"]
    top1, top3, n = r.get("all", (0.0, 0.0, 0))
    print(f"\n== {name}: {len(rows)} texts, {n} with a need")
    print(f"   top-1 {top1:.1%} (target {TOP1_TARGET:.0%})   top-3 {top3:.1%} (target {TOP3_TARGET:.0%})")
    for key in sorted(k for k in r if k.startswith("voice:")):
        a, b, m = r[key]
        print(f"   {key[6:]:<22} top-1 {a:6.1%}  top-3 {b:6.1%}  ({m})")
    weak = sorted((r[k][0], k[4:], r[k][2]) for k in r if k.startswith("cat:"))
    print("   per category (top-1):", ", ".join(f"{slug} {a:.0%}" for a, slug, _ in weak))
    cover, n_multi = multi_need(clf, rows)
    dunno, n_empty = not_understood(clf, rows)
    print(f"   multi-need: every need found in {cover:.0%} of {n_multi};"
          f" no-need texts not understood: {dunno:.0%} of {n_empty}")
    s = safety_measures(clf, rows)
    crisis_rate = len(s["crisis"]) / max(1, s["ordinary"])
    print(f"   safety: {s['unsafe'] - len(s['missed'])}/{s['unsafe']} unsafe texts flagged;"
          f" ordinary texts at danger {len(s['crisis'])}/{s['ordinary']} ({crisis_rate:.1%}),"
          f" at possible {len(s['possible'])}")
    for row in s["missed"][:show_misses]:
        print(f"   MISSED DANGER: {row['text'][:140]!r}")
    for row in s["crisis"][:show_misses]:
        print(f"   ordinary at danger: {row['text'][:140]!r}")
    if confusion:
        pairs = sorted(((c, a, b) for (a, b), c in acc["confusion"].items() if a != b), reverse=True)
        print("   confusion (true -> guessed, count):",
              "; ".join(f"{a}->{b} {c}" for c, a, b in pairs[:25]) or "none")
    for main, got, text in acc["misses"][:show_misses]:
        print(f"   miss: {main:>13} -> {got:<13} {text[:120]}")
    return {"top1": top1, "top3": top3, "rate": r, "safety": s, "crisis_rate": crisis_rate}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="also fail when an accuracy target is missed")
    parser.add_argument("--misses", type=int, default=0, help="show this many misses of the dev split")
    args = parser.parse_args(argv)
    start = time.process_time()
    clf = CategoryClassifier.from_categories(CATEGORIES)
    print(f"Classifier trained in {time.process_time() - start:.1f} s CPU on {len(training_set(CATEGORIES)[0])} texts;"
          f" confidence threshold {clf.confident_threshold_:.2f}; unsafe threshold {clf.unsafe_threshold_:.3f}"
          f" (recall floor {getattr(clf, 'unsafe_floor_', 0.5):.3f})")
    dev, test = load_corpus(("dev",)), load_corpus(("test",))
    seed = as_rows(load_eval(), "seed") + as_rows(load_eval("holdout.csv"), "seed")
    report("seed sets (requests.csv + holdout.csv)", clf, seed)
    if dev:
        report("dev split (used for tuning)", clf, dev, show_misses=args.misses)
    # The test split's texts are never printed: reading them would be tuning on them.
    results = report("TEST split (never used for tuning)", clf, test, confusion=True) if test else None
    # Blind outside set: its own block, never printed text by text, not (yet) a target.
    outside = load_rows(OUTSIDE_FILE)
    if outside:
        report("OUTSIDE set (blind, other voices; reported, not a target)", clf, outside, confusion=True)
    leaks = leaked(seed + dev + test + outside)
    for text, train, sim in leaks[:20]:
        print(f"  LEAK ({sim:.2f}): {text[:100]!r} ~ {train[:100]!r}")
    failures, checked = safety_check(clf, seed + dev + test)
    print(f"\nSafety on a synthetic city: {checked} professional-only requests, {len(failures)} got a volunteer,"
          f" an activity or no emergency numbers")
    for text, lay, flag in failures[:10]:
        print(f"  UNSAFE: {text[:100]!r} flag={flag} lay={lay}")
    hard_ok = not leaks and not failures and len(SLUGS) == len(CATEGORIES)
    targets_ok = True
    if results:
        rate = results["rate"]
        keys = ["all"] + [f"voice:{v}" for v in KEY_VOICES if f"voice:{v}" in rate]
        targets_ok = all(rate[k][0] >= TOP1_TARGET and rate[k][1] >= TOP3_TARGET for k in keys)
        targets_ok &= not results["safety"]["missed"] and results["crisis_rate"] <= ORDINARY_DANGER_MAX
    print("\n" + ("OK: safety and leak checks pass" if hard_ok else "FAILED: a safety or leak check failed")
          + ("; accuracy targets met" if targets_ok else "; accuracy targets NOT met on the test split"))
    return 0 if hard_ok and (targets_ok or not args.strict) else 1


if __name__ == "__main__":
    sys.exit(main())
