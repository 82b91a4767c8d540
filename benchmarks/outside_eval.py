"""Measure the classifier and the safety judgement on the blind outside set (matching/eval/outside.csv).

    .venv/bin/python benchmarks/outside_eval.py            # figures only (what benchmarks/outside_eval.md reports)
    .venv/bin/python benchmarks/outside_eval.py --misses   # also each miss: for writing up error patterns, NOT for tuning

The set was written in voices the project's own data lacks (forum posts, WhatsApp, newspaper quotes,
intake notes, dialect, learners by first language, dictated by a grandchild, expats, very long and very
short texts). It is an evaluation set only: never train or tune on it. Uses matching/evaluate.py's
measures (top-1: the best guess is one of the text's needs; top-3: the main need among the first three).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.categories import CATEGORIES  # noqa: E402
from matching.classifier import CategoryClassifier  # noqa: E402
from matching.engine import judge_safety  # noqa: E402
from matching.evaluate import (OUTSIDE_FILE, accuracy, leaked, load_rows, multi_need,  # noqa: E402
                               not_understood, safety_measures)

# Ordinary requests written to sound alarming (a landlord's threat, drinking without aggression, grief,
# "ik word gek van de buren", a neglected allotment...): labelled none, they must stay none.
ALARMING_ORDINARY = {
    "O0004", "O0014", "O0016", "O0021", "O0023", "O0027", "O0038", "O0039", "O0049", "O0054", "O0057",
    "O0058", "O0068", "O0069", "O0086", "O0095", "O0098", "O0109", "O0113", "O0135", "O0137", "O0143",
    "O0163", "O0175", "O0177", "O0185", "O0189", "O0196", "O0199", "O0204", "O0208", "O0225",
}


def length_bucket(text: str) -> str:
    n = len(text.split())
    return "1-6 words" if n <= 6 else "7-40 words" if n <= 40 else "41-149 words" if n < 150 else "150+ words"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every miss (error analysis only)")
    args = parser.parse_args(argv)
    rows = load_rows(OUTSIDE_FILE)
    start = time.process_time()
    clf = CategoryClassifier.from_categories(CATEGORIES)
    print(f"classifier trained in {time.process_time() - start:.1f} s CPU; {len(rows)} outside texts")

    acc = accuracy(clf, rows)
    r = acc["rate"]
    a, b, n = r["all"]
    print(f"\nTOP-1 {a:.1%}  TOP-3 {b:.1%}  over {n} texts with a need")
    print("\nper voice (top-1, top-3, n):")
    for key in sorted((k for k in r if k.startswith("voice:")), key=lambda k: r[k][0]):
        print(f"  {key[6:]:<24} {r[key][0]:6.1%} {r[key][1]:6.1%} {r[key][2]:4d}")
    print("\nper main category (top-1, top-3, n):")
    for key in sorted((k for k in r if k.startswith("cat:")), key=lambda k: r[k][0]):
        print(f"  {key[4:]:<24} {r[key][0]:6.1%} {r[key][1]:6.1%} {r[key][2]:4d}")

    by_len: dict[str, list[int]] = {}
    single = {"hit": 0, "n": 0}
    for row in rows:
        if not row["categories"]:
            continue
        ranked = [s for s, _ in clf.predict(row["text"])[:3]]
        h1 = ranked[0] in row["categories"]
        by_len.setdefault(length_bucket(row["text"]), []).append(h1)
        if len(row["categories"]) == 1:
            single["n"] += 1
            single["hit"] += h1
    print("\nper length (top-1, n):", "; ".join(f"{k} {sum(v) / len(v):.0%} ({len(v)})" for k, v in sorted(by_len.items())))
    print(f"single-need texts top-1 {single['hit'] / single['n']:.1%} ({single['n']})")

    pairs = sorted(((c, t, g) for (t, g), c in acc["confusion"].items() if t != g), reverse=True)
    print("\nconfusion (main need -> first guess, count; a guessed secondary need counts as a top-1 hit):")
    print("  " + "; ".join(f"{t}->{g} {c}" for c, t, g in pairs))
    guessed = Counter(got for _, got, _ in acc["misses"])  # top-1 misses only (not a secondary need guessed first)
    print(f"first guess of the {len(acc['misses'])} top-1 misses:", ", ".join(f"{g} {c}" for g, c in guessed.most_common()))

    cover, n_multi = multi_need(clf, rows)
    dunno, n_empty = not_understood(clf, rows)
    confident_wrong = sum(1 for row in rows if row["categories"] and clf.is_confident(row["text"])
                          and clf.predict(row["text"])[0][0] not in row["categories"])
    unsure = sum(1 for row in rows if row["categories"] and not clf.is_confident(row["text"]))
    print(f"\nmulti-need: every need found in {cover:.0%} of {n_multi}; no-need texts 'not understood': {dunno:.0%} of {n_empty}")
    print(f"texts with a need answered 'not confident': {unsure}; confident and wrong: {confident_wrong}")

    s = safety_measures(clf, rows)
    level = {row["id"]: judge_safety(row["text"], clf).level for row in rows}
    danger = [row for row in rows if row["safety"] == "danger"]
    possible = [row for row in rows if row["safety"] == "possible"]
    alarm = [row for row in rows if row["id"] in ALARMING_ORDINARY]
    print("\nsafety:")
    print(f"  danger texts flagged (possible or danger): {sum(level[x['id']] != 'none' for x in danger)}/{len(danger)};"
          f" at danger: {sum(level[x['id']] == 'danger' for x in danger)}")
    print(f"  possible texts flagged: {sum(level[x['id']] != 'none' for x in possible)}/{len(possible)}")
    print(f"  ordinary texts at danger {len(s['crisis'])}/{s['ordinary']} ({len(s['crisis']) / s['ordinary']:.1%}),"
          f" at possible {len(s['possible'])}/{s['ordinary']}")
    print(f"  of which alarming-sounding ordinary texts: at danger {sum(level[x['id']] == 'danger' for x in alarm)},"
          f" at possible {sum(level[x['id']] == 'possible' for x in alarm)} of {len(alarm)}")

    leaks = leaked(rows)
    print(f"\nleak check: {len(leaks)} outside texts near a training text (cosine >= 0.9)")

    if args.misses:
        print("\n--- misses (for describing error patterns; never tune on these) ---")
        for row in rows:
            ranked = clf.predict(row["text"])[:3]
            if row["categories"] and ranked[0][0] not in row["categories"]:
                print(f"{row['id']} {row['voice']:<22} true={';'.join(row['categories'])} got="
                      + ",".join(f"{slug}:{p:.2f}" for slug, p in ranked)
                      + f" conf={clf.is_confident(row['text'])} | {row['text'][:160]!r}")
        for row in rows:
            if row["safety"] != level[row["id"]]:
                print(f"SAFETY {row['id']} true={row['safety']} got={level[row['id']]} | {row['text'][:160]!r}")
        for row in rows:
            if not row["categories"] and clf.is_confident(row["text"]):
                print(f"NO-NEED confident {row['id']} got={clf.predict(row['text'])[0]} | {row['text'][:100]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
