"""Evaluate the matching library: `python -m matching.evaluate`.

1. Category accuracy on matching/eval/requests.csv (targets: top-1 >= 90 %, top-3 >= 97 %),
   and, for information, on the untouched hold-out matching/eval/holdout.csv.
2. No leakage: no eval sentence (or a near copy) is in the training phrases or keywords.
3. Safety: every professional-only request gets zero volunteer offers and zero resident
   activities, the emergency numbers and safety_flag, on a synthetic city.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .categories import CATEGORIES, PROFESSIONAL_ONLY
from .classifier import CategoryClassifier, category_documents, load_training_phrases
from .engine import Matcher
from .synthetic import random_points, synthetic_supply
from .text import normalise
from .types import HelpRequestIn

EVAL_DIR = Path(__file__).with_name("eval")
TOP1_TARGET, TOP3_TARGET = 0.90, 0.97
NEAR_COPY = 0.9  # char n-gram cosine above which an eval sentence counts as leaked


def load_eval(name: str = "requests.csv") -> list[tuple[str, str]]:
    with (EVAL_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def accuracy(clf: CategoryClassifier, rows: list[tuple[str, str]]) -> tuple[float, float, list]:
    top1 = top3 = 0
    misses = []
    for text, slug in rows:
        ranked = [s for s, _ in clf.predict(text)[:3]]
        top1 += ranked[0] == slug
        top3 += slug in ranked
        if ranked[0] != slug:
            misses.append((slug, ranked[0], text))
    return top1 / len(rows), top3 / len(rows), misses


def leaked(rows: list[tuple[str, str]]) -> list[tuple[str, str, float]]:
    """Eval sentences that (nearly) appear in the training material."""
    train = [normalise(t) for t, _ in load_training_phrases() + category_documents(CATEGORIES)]
    texts = [normalise(t) for t, _ in rows]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(train + texts)
    sims = (vec.transform(texts) @ vec.transform(train).T).toarray()
    best = sims.argmax(axis=1)
    return [(texts[i], train[best[i]], float(sims[i, best[i]]))
            for i in range(len(texts)) if sims[i, best[i]] >= NEAR_COPY]


def safety_check(clf: CategoryClassifier, rows: list[tuple[str, str]]) -> tuple[list, int, int]:
    """Professional-only requests on a synthetic city: no volunteers, no resident activities."""
    matcher = Matcher(synthetic_supply(20_000, seed=7), clf)
    points = random_points(np.random.default_rng(3), len(rows), radius_km=10)
    failures, flagged_other, checked = [], 0, 0
    for (text, slug), (lat, lon) in zip(rows, points):
        result = matcher.suggest(HelpRequestIn(None, text, float(lat), float(lon)))
        if slug not in PROFESSIONAL_ONLY:
            flagged_other += result.safety_flag
            continue
        checked += 1
        lay = [s for s in result.suggestions if s.kind in ("offer", "activity")]
        if lay or not result.safety_flag or not result.emergency or not result.suggestions:
            failures.append((text, [f"{s.kind}:{s.id}" for s in lay], result.safety_flag))
    return failures, flagged_other, checked


def main() -> int:
    start = time.perf_counter()
    clf = CategoryClassifier.from_categories(CATEGORIES)
    train_s = time.perf_counter() - start
    rows, holdout = load_eval(), load_eval("holdout.csv")
    counts = Counter(slug for _, slug in rows)
    print(f"Classifier trained in {train_s:.2f} s; {len(rows)} eval requests, "
          f"{len(counts)} categories, {min(counts.values())}-{max(counts.values())} each")
    top1, top3, misses = accuracy(clf, rows)
    h1, h3, _ = accuracy(clf, holdout)
    print(f"Eval     top-1 {top1:.1%} (target {TOP1_TARGET:.0%})  top-3 {top3:.1%} (target {TOP3_TARGET:.0%})")
    print(f"Hold-out top-1 {h1:.1%}  top-3 {h3:.1%}  ({len(holdout)} requests, never used for tuning)")
    by_cat = defaultdict(int)
    for slug, _, _ in misses:
        by_cat[slug] += 1
    for slug, got, text in misses:
        print(f"  miss: {slug:>13} -> {got:<13} {text}")
    leaks = leaked(rows + holdout)
    for text, train, sim in leaks:
        print(f"  LEAK ({sim:.2f}): {text!r} ~ {train!r}")
    failures, flagged_other, checked = safety_check(clf, rows)
    print(f"Safety: {checked} professional-only requests, {len(failures)} got a volunteer, an "
          f"activity or no emergency numbers; {flagged_other} other requests flagged as unsafe")
    for text, lay, flag in failures:
        print(f"  UNSAFE: {text!r} flag={flag} lay={lay}")
    ok = top1 >= TOP1_TARGET and top3 >= TOP3_TARGET and not leaks and not failures and len(counts) == len(CATEGORIES)
    print("OK: all targets met" if ok else "FAILED: a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
