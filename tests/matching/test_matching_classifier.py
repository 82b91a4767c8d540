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


def test_predict_returns_every_slug_best_first_summing_to_one(clf):
    ranked = clf.predict("boodschapen doen")
    assert sorted(s for s, _ in ranked) == sorted(SLUGS)
    probs = [p for _, p in ranked]
    assert probs == sorted(probs, reverse=True)
    assert abs(sum(probs) - 1.0) < 1e-6


def test_compiled_inference_equals_sklearn(clf):
    text = "Mijn compuuter doet raar, wie helpt?"
    x = clf.vectorizer.transform([normalise(text)])
    order = [list(clf.model.classes_).index(s) for s in clf.slugs]
    reference = clf.model.decision_function(x)[0][order]
    idx, vals = clf._features(text)
    mine = vals @ clf._weights[idx][:, : len(clf.slugs)] + clf._bias
    assert np.allclose(reference, mine, atol=1e-5)
    assert np.allclose(clf.embed(text), clf.embed_many([text])[0], atol=1e-5)


def test_examples_teach_new_words(clf):
    from matching.categories import CATEGORIES
    from matching.classifier import CategoryClassifier

    taught = CategoryClassifier.from_categories(CATEGORIES, examples=[("zwerfafval prikken", "klussen")] * 3)
    assert taught.predict("zwerfafval prikken")[0][0] == "klussen"


def test_eval_sentences_are_not_in_the_training_material():
    assert leaked(load_eval() + load_eval("holdout.csv")) == []
