"""Infer help categories from the free text residents write.

Trained at start-up (about 0.5 s) on the category descriptions and keywords,
a curated list of training phrases (matching/data/training_phrases.csv) and the
platform's own examples. Character n-grams (char_wb 2-5) make it robust to
misspellings; word n-grams add whole-word evidence. No downloaded model.

scikit-learn does the training; inference is "compiled" to a dictionary lookup
plus one small dense product, because sklearn's per-call input validation
costs milliseconds per single text and a request must be ranked in a few.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from .text import normalise

EMBED_DIM = 64
SOFTMAX_TEMPERATURE = 5.0  # turns SVM margins (about -1..1) into readable probabilities
_CACHE_MAX = 50_000


def load_training_phrases() -> list[tuple[str, str]]:
    """The curated (text, slug) phrases shipped with the library."""
    path = Path(__file__).with_name("data") / "training_phrases.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def category_documents(categories: list[dict]) -> list[tuple[str, str]]:
    """Turn each category's names, description and keywords into short training texts."""
    docs: list[tuple[str, str]] = []
    for cat in categories:
        slug = cat["slug"]
        for key in ("name_nl", "name_en", "description_nl"):
            if cat.get(key):
                docs.append((cat[key], slug))
        docs.extend((kw, slug) for kw in cat.get("keywords", ()))
        docs.append((" ".join(cat.get("keywords", ())), slug))
    return docs


def _vectorizer() -> FeatureUnion:
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                           dtype=np.float32)
    word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                           token_pattern=r"(?u)\b\w+\b", dtype=np.float32)
    return FeatureUnion([("char", char), ("word", word)])


class _Block:
    """One fitted TfidfVectorizer reduced to what inference needs."""

    def __init__(self, tfidf: TfidfVectorizer, offset: int):
        self.analyse = tfidf.build_analyzer()
        self.vocab = tfidf.vocabulary_
        self.idf = tfidf.idf_.astype(np.float64)
        self.offset = offset

    def features(self, text: str) -> tuple[list[int], list[float]]:
        counts = Counter(t for t in self.analyse(text) if t in self.vocab)
        idx = [self.vocab[t] for t in counts]
        vals = [(1.0 + math.log(c)) * self.idf[i] for i, c in zip(idx, counts.values())]
        norm = math.sqrt(sum(v * v for v in vals)) or 1.0
        return [i + self.offset for i in idx], [v / norm for v in vals]


class CategoryClassifier:
    """Text -> probability per category slug, plus a small dense text embedding."""

    def __init__(self, slugs: list[str], vectorizer: FeatureUnion, model: LinearSVC,
                 svd: TruncatedSVD):
        self.slugs = list(slugs)
        self.vectorizer, self.model, self.svd = vectorizer, model, svd
        order = [list(model.classes_).index(s) for s in self.slugs]
        self._blocks = _blocks(vectorizer)
        # One matrix: first the class weights (in slug order), then the SVD components.
        self._weights = np.hstack([model.coef_[order].T, svd.components_.T]).astype(np.float32)
        self._bias = model.intercept_[order].astype(np.float32)
        self._n = len(self.slugs)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def from_categories(cls, categories: list[dict],
                        examples: list[tuple[str, str]] | tuple = ()) -> "CategoryClassifier":
        slugs = [c["slug"] for c in categories]
        known = set(slugs)
        docs = category_documents(categories) + load_training_phrases() + list(examples)
        docs = [(normalise(t), s) for t, s in docs if s in known and t and t.strip()]
        texts, labels = zip(*docs)
        vec = _vectorizer()
        x = vec.fit_transform(texts)
        model = LinearSVC(C=1.0).fit(x, labels)
        n_comp = max(2, min(EMBED_DIM, x.shape[0] - 1, x.shape[1] - 1))
        svd = TruncatedSVD(n_components=n_comp, random_state=0).fit(x)
        return cls(slugs, vec, model, svd)

    def _features(self, text: str) -> tuple[list[int], np.ndarray]:
        norm_text = normalise(text)
        idx: list[int] = []
        vals: list[float] = []
        for block in self._blocks:
            i, v = block.features(norm_text)
            idx += i
            vals += v
        return idx, np.asarray(vals, dtype=np.float32)

    def _analyse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (in slug order) and unit embedding, cached per text."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        idx, vals = self._features(text)
        out = vals @ self._weights[idx] if idx else np.zeros(self._weights.shape[1], np.float32)
        probs = _softmax((out[: self._n] + self._bias) * SOFTMAX_TEMPERATURE)
        emb = _unit(out[None, self._n:])[0]
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[text] = (probs, emb)
        return probs, emb

    def probabilities(self, text: str) -> np.ndarray:
        """Probability per slug, in the order of self.slugs."""
        return self._analyse(text)[0]

    def predict(self, text: str) -> list[tuple[str, float]]:
        """All slugs with their probability, best first (ties by slug order)."""
        probs = self.probabilities(text)
        order = np.argsort(-probs, kind="stable")
        return [(self.slugs[i], float(probs[i])) for i in order]

    def embed(self, text: str) -> np.ndarray:
        """Unit-length dense vector; the dot product of two is their text similarity."""
        return self._analyse(text)[1]

    def embed_many(self, texts: list[str]) -> np.ndarray:
        """Embed many texts at once (used when indexing supply), without caching."""
        if not texts:
            return np.zeros((0, self._weights.shape[1] - self._n), dtype=np.float32)
        x = self.vectorizer.transform([normalise(t) for t in texts])
        return _unit(x @ self._weights[:, self._n:])


def _blocks(vectorizer: FeatureUnion) -> list[_Block]:
    blocks, offset = [], 0
    for _, tfidf in vectorizer.transformer_list:
        blocks.append(_Block(tfidf, offset))
        offset += len(tfidf.vocabulary_)
    return blocks


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return (e / e.sum()).astype(np.float64)


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)
