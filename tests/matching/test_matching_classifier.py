"""The start-up classifier: clear sentences, probabilities, no leakage."""

import numpy as np
import pytest

from matching.categories import SLUGS
from matching.evaluate import leaked, load_eval
from matching.text import normalise


@pytest.mark.parametrize("text, slug", [
    ("Wie kan boodschappen voor mij doen?", "boodschappen"),
    ("ik heb een lift naar het ziekenhuis nodig", "vervoer"),
    ("mijn digid werkt niet", "digitaal"),
    ("ik wil nederlands leren", "taal"),
    ("wie laat mijn hond uit", "huisdieren"),
    ("ik heb schulden", "geldzaken"),
    ("I feel lonely", "gezelschap"),
    ("mijn man slaat mij", "veiligheid"),
])
def test_clear_sentences(clf, text, slug):
    assert clf.predict(text)[0][0] == slug


def test_predict_returns_every_slug_best_first_with_independent_probabilities(clf):
    ranked = clf.predict("boodschapen doen")
    assert sorted(s for s, _ in ranked) == sorted(SLUGS)
    probs = [p for _, p in ranked]
    assert probs == sorted(probs, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probs) and probs[0] > 0.5


def test_two_needs_and_no_need(clf):
    needs = [s for s, _ in clf.needs("ik ben zo eenzaam en ik heb ook nog schulden")]
    assert set(needs[:2]) == {"gezelschap", "geldzaken"}
    for nonsense in ("test", "asdf", ""):
        assert not clf.is_confident(nonsense) and clf.needs(nonsense) == []


def test_save_and_load_give_the_same_answers(clf, tmp_path):
    from matching.classifier import CategoryClassifier

    clf.save(tmp_path / "clf.joblib")
    loaded = CategoryClassifier.load(tmp_path / "clf.joblib")
    text = "wie helpt mij met mijn belastingaangifte"
    assert loaded.predict(text) == clf.predict(text)
    assert loaded.confident_threshold_ == clf.confident_threshold_


def test_compiled_inference_equals_sklearn(clf):
    text = "Mijn compuuter doet raar, wie helpt?"
    x = clf.vectorizer.transform([normalise(text)])
    reference = clf.model.decision_function(x)[0]  # every head: the slugs in order, then unsafe, no-need
    idx, vals = clf._features(text)
    mine = vals @ clf._weights[idx][:, : len(clf.heads_)] + clf._bias
    assert np.allclose(reference, mine, atol=1e-5)
    assert np.allclose(clf.embed(text), clf.embed_many([text])[0], atol=1e-5)


def test_examples_teach_new_words(clf):
    from matching.categories import CATEGORIES
    from matching.classifier import CategoryClassifier

    assert clf.predict("zwerfafval prikken")[0][0] != "klussen"  # a word the material does not know
    # Two categories and a tiny embedding are enough to see the examples reach the model, at a sixth
    # of the fitting time (the category heads do not use the embedding).
    two = [c for c in CATEGORIES if c["slug"] in ("klussen", "huisdieren")]
    taught = CategoryClassifier.from_categories(two, examples=[("zwerfafval prikken", "klussen")] * 3, embed_dim=2)
    (slug, probability), *_ = taught.predict("zwerfafval prikken")
    assert slug == "klussen" and probability > 0.9


def test_eval_sentences_are_not_in_the_training_material():
    assert leaked(load_eval() + load_eval("holdout.csv")) == []


def test_the_unsafe_threshold_keeps_a_recall_floor(clf):
    """The unsafe head's threshold never rises above the score that keeps 99 % of the labelled unsafe
    requests flagged: train ones scored by models that never saw them, dev ones as scored, and the
    ones the rules catch counted as flagged. More training data cannot silently lower recall."""
    from matching.classifier import UNSAFE_RECALL, load_corpus
    from matching.engine import judge_safety

    assert 0.0 < clf.unsafe_threshold_ <= clf.unsafe_floor_ <= 0.5
    a, b = clf.calibration_[clf._n]
    cv = 1.0 / (1.0 + np.exp(-(a * clf.unsafe_cv_margins_ + b)))
    assert len(cv) > 10 and clf.unsafe_cv_total_ > len(cv)  # most unsafe requests are caught by the rules
    dev = [r for r in load_corpus(("dev",)) if r["safety"] != "none"]
    missed_dev = sum(judge_safety(r["text"], clf).level == "none" for r in dev)
    missed = int((cv < clf.unsafe_threshold_).sum()) + missed_dev
    assert missed <= (1.0 - UNSAFE_RECALL) * (clf.unsafe_cv_total_ + len(dev))
    assert missed_dev == 0


def test_cross_validated_unsafe_scores_are_held_out(clf):
    """A held-out score is lower than the score of the model that learned the text (it did not see it)."""
    from matching.categories import CATEGORIES
    from matching.classifier import REQUEST_WORDS, UNSAFE, _caught_by_rules, training_set

    texts, labels = training_set(CATEGORIES)
    pool = [t for t, ls in zip(texts, labels)
            if UNSAFE in ls and len(t.split()) >= REQUEST_WORDS and not _caught_by_rules(t)]
    assert len(pool) == len(clf.unsafe_cv_margins_)
    full = np.array([clf._margins(t)[clf._n] for t in pool])
    assert np.median(clf.unsafe_cv_margins_) < np.median(full)
