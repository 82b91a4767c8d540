"""The blind outside evaluation set (matching/eval/outside.csv) and how matching.evaluate reports it."""

from collections import Counter

import matching.evaluate as evaluate
from matching.categories import SLUGS
from matching.classifier import load_corpus
from matching.safety import LEVELS


def test_outside_set_is_well_formed():
    rows = evaluate.load_rows(evaluate.OUTSIDE_FILE)
    assert len(rows) >= 200
    assert [r["id"] for r in rows] == [f"O{i:04d}" for i in range(1, len(rows) + 1)]
    assert {r["split"] for r in rows} == {"test"}
    assert all(r["safety"] in LEVELS and r["text"].strip() and r["voice"] for r in rows)
    assert all(set(r["categories"]) <= set(SLUGS) for r in rows)
    main = Counter(r["categories"][0] for r in rows if r["categories"])
    assert min(main[s] for s in SLUGS) >= 8
    assert sum(not r["categories"] for r in rows) >= 10


def test_outside_set_is_never_training_material():
    """Not read by the corpus loader (training, dev or test split) and no text near a training text."""
    ids = {r["id"] for r in evaluate.load_rows(evaluate.OUTSIDE_FILE)}
    assert not ids & {r["id"] for r in load_corpus(("train", "dev", "test"))}
    assert evaluate.leaked(evaluate.load_rows(evaluate.OUTSIDE_FILE)) == []


def test_evaluate_reports_outside_apart_and_keeps_its_exit_code(clf, monkeypatch, tmp_path):
    """Its own block; in the leak check; its figures do not change the exit code (not a target yet)."""
    seen = {"reports": [], "leak_rows": []}

    def fake_report(name, clf_, rows, confusion=False, show_misses=0):
        seen["reports"].append((name, len(rows)))
        good = "OUTSIDE" not in name
        return {"top1": 1.0 if good else 0.0, "top3": 1.0 if good else 0.0, "crisis_rate": 0.0,
                "rate": {"all": (1.0, 1.0, len(rows))} if good else {"all": (0.0, 0.0, len(rows))},
                "safety": {"missed": [] if good else rows[:1]}}

    def fake_leaked(rows):
        seen["leak_rows"].append(len(rows))
        return []

    monkeypatch.setattr(evaluate.CategoryClassifier, "from_categories", classmethod(lambda cls, cats: clf))
    monkeypatch.setattr(evaluate, "report", fake_report)
    monkeypatch.setattr(evaluate, "leaked", fake_leaked)
    monkeypatch.setattr(evaluate, "safety_check", lambda clf_, rows: ([], 0))

    n_outside = len(evaluate.load_rows(evaluate.OUTSIDE_FILE))
    with_outside = evaluate.main(["--strict"])
    assert [n for name, n in seen["reports"] if "OUTSIDE" in name] == [n_outside]
    leak_rows_with = seen["leak_rows"][-1]

    monkeypatch.setattr(evaluate, "OUTSIDE_FILE", tmp_path / "absent.csv")
    seen["reports"].clear()
    without = evaluate.main(["--strict"])
    assert not [name for name, _ in seen["reports"] if "OUTSIDE" in name]
    assert leak_rows_with - seen["leak_rows"][-1] == n_outside
    assert with_outside == without == 0
