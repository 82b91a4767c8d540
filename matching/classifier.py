"""Infer help categories from the free text residents write.

Features: character n-grams (char_wb 2-5, robust to misspellings and learners' spelling) and word
unigrams and bigrams over Dutch Snowball stems ("eenzaamheid" and "eenzaam" share a stem). Model:
one logistic regression per category (one-vs-rest), so a text can need two things ("eenzaam en
schulden") and "none of these" is an answer too ("test" scores low everywhere). Probabilities are
calibrated per category on the dev split (Platt scaling: one slope and offset per class), and the
confidence threshold is chosen on the dev split as well; the test split is never seen here.

Trained by ``fit`` (scikit-learn's estimator habits: ``__init__`` stores parameters, ``fit`` sets
the learned attributes and returns self); saved and loaded with joblib. Inference is "compiled" to
a dictionary lookup plus one small dense product, because sklearn's per-call input validation costs
milliseconds per single text and a request must be ranked in a few.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import snowballstemmer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import MultiLabelBinarizer, normalize

from .text import normalise, read

DATA_DIR = Path(__file__).with_name("data")
EMBED_DIM = 64
CONFIDENT = 0.35      # default calibrated probability of the best category to call it understood
ALSO_NEEDED = 0.45    # a second or third category is a need of its own above this probability
UNSAFE, NO_NEED = "__unsafe__", "__no_need__"  # two extra heads beside the categories
UNSAFE_FALSE_ALARMS = 0.10  # recall first, but at most this share of ordinary dev texts waits for a professional
# Recall floor of the unsafe head: the threshold never rises above the score that keeps this share of the
# labelled unsafe requests (train, re-scored by cross-validation, and dev) flagged; the rules' catches count.
UNSAFE_RECALL = 0.99
UNSAFE_CV_FOLDS = 5
REQUEST_WORDS = 6     # a labelled text this long is a request; shorter ones are keywords and phrases
_CACHE_MAX = 50_000
KEY_TERM_IDF = 2.5    # a word that appears in more than about a fifth of the training texts says little
# Function words say nothing about a need, however rare they are in the training texts.
STOPWORDS = frozenset("""
aan alle alles alleen als altijd ander andere beetje bent best deze dingen doen door echt eens elke even
helpen hulp gaan gaat komen krijgen maken nemen zoeken zoek vragen vraag
geen gewoon graag haar heel hebben heeft hier hij hoe iemand iets jaar jullie kan kon kunnen laat
maar meer mijn misschien moet moeten mogen naar niet niets niemand noch nodig nooit omdat onder ons
onze ook over paar staat steeds tegen toch tot veel voor vaak want waar wanneer wat weer weet welke
wel wij wil willen word worden wordt zelf zich zijn zou zoals zonder zeer
about also because been being could does doing from have having here just like more much need only
other really some something that their them then there these they this very want what when where which
while will with would your help helping
""".split())
_WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("dutch")
_STEMS: dict[str, str] = {}
_UNSEEN = object()  # a cache's "not looked up yet" (None is an answer)
_SUBLINEAR_TF = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 256)])  # sublinear tf of a count


def stem_tokens(text: str) -> list[str]:
    """Unigrams and bigrams of Dutch stems of a normalised text (module level: picklable)."""
    stems = []
    for word in _WORD.findall(text):
        stem = _STEMS.get(word)
        if stem is None:
            stem = _STEMS[word] = _STEMMER.stemWord(word) if len(word) > 3 else word
            if len(_STEMS) > 200_000:
                _STEMS.clear()
        stems.append(stem)
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:])]


# --------------------------------------------------------------------------- training data


def load_training_phrases() -> list[tuple[str, str]]:
    """The curated short (text, slug) phrases shipped with the library."""
    with (DATA_DIR / "training_phrases.csv").open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def load_corpus(splits: tuple[str, ...] = ("train",)) -> list[dict]:
    """Rows of the labelled corpus (matching/data/corpus_*.csv, matching/eval/test.csv) in ``splits``.

    Each row: id, split, voice, lang, categories (list, primary first; empty: no need), safety, text.
    """
    paths = sorted(DATA_DIR.glob("corpus_*.csv")) + [DATA_DIR.parent / "eval" / "test.csv"]
    rows = []
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["split"] in splits:
                    row["categories"] = [c for c in row["categories"].split(";") if c]
                    rows.append(row)
    return rows


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


def training_set(categories: list[dict], examples=()) -> tuple[list[str], list[list[str]]]:
    """(texts, label lists): category texts, phrases, the corpus' train split and app examples.

    Label lists hold category slugs, plus ``UNSAFE`` for texts a professional must see first
    (the corpus' safety label; a professional-only category elsewhere) and ``NO_NEED`` for texts
    without any help need."""
    known = {c["slug"] for c in categories}
    pro_only = {c["slug"] for c in categories if c.get("professional_only")}
    pairs = [(t, [s], None) for t, s in category_documents(categories) + load_training_phrases()]
    pairs += [(r["text"], r["categories"], r["safety"]) for r in load_corpus(("train",))]
    pairs += [(t, [s] if isinstance(s, str) else list(s), None) for t, s in examples]
    texts, labels = [], []
    for text, slugs, safety in pairs:
        if not (text and text.strip()):
            continue
        label = [s for s in slugs if s in known]
        texts.append(text)
        labels.append(label + head_labels(label, safety, pro_only))
    return texts, labels


def head_labels(categories: list[str], safety: str | None, pro_only: set[str]) -> list[str]:
    unsafe = safety in ("possible", "danger") if safety else bool(pro_only & set(categories))
    return ([UNSAFE] if unsafe else []) + ([] if categories else [NO_NEED])


# --------------------------------------------------------------------------- the estimator


def _vectorizer() -> FeatureUnion:
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1,
                           dtype=np.float32)
    word = TfidfVectorizer(analyzer=stem_tokens, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion([("char", char), ("word", word)])


class _Block:
    """One fitted TfidfVectorizer reduced to what inference needs."""

    def __init__(self, tfidf: TfidfVectorizer, offset: int):
        self.analyse = tfidf.build_analyzer()
        self.vocab = tfidf.vocabulary_
        self.idf = tfidf.idf_.astype(np.float64)
        self.offset = offset
        # char_wb n-grams never cross a space, so a text's n-grams are its words' n-grams in
        # order: cache the in-vocabulary ids per word (sklearn's own n-grams of that word).
        self._per_word = tfidf.analyzer == "char_wb" and tfidf.preprocessor is None and tfidf.input == "content"
        self._preprocess = tfidf.build_preprocessor()
        self._word_ngrams = tfidf._char_wb_ngrams
        self._word_ids: dict[str, list[int]] = {}

    def _ids(self, text: str) -> list[int]:
        """Vocabulary ids of the text's in-vocabulary n-grams, in the analyser's order."""
        get = self.vocab.get
        if not self._per_word:
            return [i for i in map(get, self.analyse(text)) if i is not None]
        ids: list[int] = []
        cache = self._word_ids
        for word in self._preprocess(text).split():
            hit = cache.get(word)
            if hit is None:
                if len(cache) > _CACHE_MAX:
                    cache.clear()
                hit = cache[word] = [i for i in map(get, self._word_ngrams(word)) if i is not None]
            ids += hit
        return ids

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and l2-normalised sublinear tf-idf values (the fitted vectoriser's numbers)."""
        counts = Counter(self._ids(text))
        idx = np.fromiter(counts, np.intp, len(counts))
        n = np.fromiter(counts.values(), np.intp, len(counts))
        tf = _SUBLINEAR_TF[n] if len(n) and n.max() < len(_SUBLINEAR_TF) else \
            np.array([1.0 + math.log(c) for c in n.tolist()])
        vals = tf * self.idf[idx]
        norm = math.sqrt(sum((vals * vals).tolist())) or 1.0  # summed in order, as before
        return idx + self.offset, vals / norm


class CategoryClassifier:
    """Text -> calibrated probability per category slug, plus a small dense text embedding.

    Parameters: ``C`` (inverse regularisation of each logistic regression), ``embed_dim``.
    Learned: ``slugs``, ``calibration_`` (slope, offset per class), ``confident_threshold_``.
    """

    def __init__(self, C: float = 8.0, embed_dim: int = EMBED_DIM, random_state: int = 0):
        self.C = C
        self.embed_dim = embed_dim
        self.random_state = random_state

    # ---- training ---------------------------------------------------------
    def fit(self, texts: list[str], labels: list[list[str]], slugs: list[str] | None = None,
            dev: tuple[list[str], list[list[str]]] | None = None, caught=None) -> "CategoryClassifier":
        """Learn from texts and their label lists (an empty list: no help need).
        ``dev`` (texts, labels), if given, calibrates the probabilities and the thresholds.
        ``caught`` (text -> bool), if given, tells which texts the safety rules flag without the
        unsafe head: the head's recall floor is about the others."""
        self.slugs = list(slugs or sorted({s for ls in labels for s in ls} - {UNSAFE, NO_NEED}))
        self.heads_ = self.slugs + [UNSAFE, NO_NEED]
        norm = [normalise(t) for t in texts]
        self.vectorizer = _vectorizer()
        x = self.vectorizer.fit_transform(norm)
        y = MultiLabelBinarizer(classes=self.heads_).fit_transform(labels)
        self.model = OneVsRestClassifier(self._logistic()).fit(x, y)
        n_comp = max(2, min(self.embed_dim, x.shape[0] - 1, x.shape[1] - 1))
        self.svd = TruncatedSVD(n_components=n_comp, random_state=self.random_state).fit(x)
        self._compile()
        self.calibration_ = np.tile([1.0, 0.0], (len(self.heads_), 1))
        self.confident_threshold_ = CONFIDENT
        self.unsafe_threshold_ = 0.5
        self.unsafe_cv_margins_, self.unsafe_cv_total_ = self._unsafe_cross_validated(texts, x, y, caught)
        if dev is not None and dev[0]:
            self.calibrate(*dev, caught=caught)
        return self

    def _logistic(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, solver="liblinear")

    def _unsafe_cross_validated(self, texts, x, y, caught) -> tuple[np.ndarray, int]:
        """The unsafe head's margins of the labelled unsafe requests, each from a model that did not
        see it (``UNSAFE_CV_FOLDS``-fold cross-validation of that head alone): how the head scores
        an unsafe text it has never read. Only requests (``REQUEST_WORDS`` words or more) the rules
        do not catch are kept; also returned: how many unsafe requests there are in all. A held-out
        text keeps only n-grams its fold saw, re-normalised, as inference reads an unseen text."""
        col = y[:, self._n].astype(bool)
        request = np.array([len(t.split()) >= REQUEST_WORDS for t in texts])
        wanted = col & request
        total = int(wanted.sum())
        if caught is not None:
            wanted &= ~np.array([bool(caught(t)) if w else False for t, w in zip(texts, wanted)])
        if not wanted.any() or col.sum() < UNSAFE_CV_FOLDS or (~col).sum() < UNSAFE_CV_FOLDS:
            return np.zeros(0), total
        x = x.tocsr()
        sizes = [len(tfidf.vocabulary_) for _, tfidf in self.vectorizer.transformer_list]
        margins = np.full(len(texts), np.nan)
        folds = StratifiedKFold(UNSAFE_CV_FOLDS, shuffle=True, random_state=self.random_state)
        for train, held in folds.split(np.zeros(len(col)), col):
            held = held[wanted[held]]
            if not len(held):
                continue
            head = self._logistic().fit(x[train], col[train])
            seen = np.asarray((x[train] != 0).sum(axis=0)).ravel() > 0
            xh = x[held] @ sp.diags(seen.astype(np.float32))
            blocks, start = [], 0
            for size in sizes:
                blocks.append(normalize(xh[:, start:start + size]))
                start += size
            margins[held] = head.decision_function(sp.hstack(blocks).tocsr())
        return margins[wanted], total

    def calibrate(self, texts: list[str], labels: list[list[str]], caught=None) -> "CategoryClassifier":
        """Platt-scale each head's margin on held-out texts; then choose the confidence threshold
        (keep 95 % of the dev texts with a need) and the unsafe threshold, recall first: as low as it
        can go while at most ``UNSAFE_FALSE_ALARMS`` of the ordinary dev texts would wait for a
        professional (a missed danger costs more than a false alarm, but every false alarm delays a
        neighbour's help), and never above the recall floor: the score that keeps ``UNSAFE_RECALL`` of
        the unsafe train requests (scored by cross-validation) and dev texts flagged, counting those
        the rules (``caught``) flag anyway. More training data can move the false-alarm quantile up,
        but not past a score at which known unsafe texts would be missed."""
        margins = np.vstack([self._margins(t) for t in texts])
        y = MultiLabelBinarizer(classes=self.heads_).fit_transform(labels)
        for j in range(len(self.heads_)):
            if 0 < y[:, j].sum() < len(y):
                lr = LogisticRegression(C=10.0).fit(margins[:, [j]], y[:, j])
                self.calibration_[j] = (lr.coef_[0, 0], lr.intercept_[0])
        self._cache = {}
        heads = np.vstack([self._analyse(t)[0] for t in texts])
        best = heads[:, : self._n].max(axis=1)
        has_need = y[:, : self._n].any(axis=1)
        if has_need.any():
            self.confident_threshold_ = float(min(CONFIDENT, np.quantile(best[has_need], 0.05)))
        unsafe = y[:, self._n].astype(bool)
        self.unsafe_floor_ = 0.5
        if unsafe.any():
            ordinary = np.sort(heads[~unsafe, self._n])[::-1]
            allowed = int(UNSAFE_FALSE_ALARMS * len(ordinary))
            floor = ordinary[allowed] if allowed < len(ordinary) else 0.0
            self.unsafe_threshold_ = float(min(0.5, np.nextafter(floor, 1.0)))
            self.unsafe_floor_ = self._recall_floor(texts, heads[:, self._n], unsafe, caught)
            self.unsafe_threshold_ = min(self.unsafe_threshold_, self.unsafe_floor_)
        return self

    def _recall_floor(self, texts, scores, unsafe, caught) -> float:
        """The highest unsafe threshold that keeps ``UNSAFE_RECALL`` of the known unsafe requests
        flagged (train by cross-validation, dev as scored now; the rules' catches count as flagged)."""
        a, b = self.calibration_[self._n]
        cv = getattr(self, "unsafe_cv_margins_", np.zeros(0))
        pool = list(1.0 / (1.0 + np.exp(-(a * cv + b))))
        total = getattr(self, "unsafe_cv_total_", 0) + int(unsafe.sum())
        for text, score, bad in zip(texts, scores, unsafe):
            if bad and not (caught is not None and caught(text)):
                pool.append(float(score))
        if not pool:
            return 0.5
        pool.sort()
        allowed = int((1.0 - UNSAFE_RECALL) * total)
        if allowed >= len(pool):
            return 0.5
        return float(min(0.5, np.nextafter(pool[allowed], 0.0)))

    def _compile(self) -> None:
        coef = np.vstack([est.coef_ for est in self.model.estimators_])
        bias = np.array([est.intercept_[0] for est in self.model.estimators_])
        self._blocks = _blocks(self.vectorizer)
        # One matrix: first the class weights (in slug order), then the SVD components.
        self._weights = np.hstack([coef.T, self.svd.components_.T]).astype(np.float32)
        self._bias = bias.astype(np.float32)
        self._n = len(self.slugs)
        self._h = len(self.heads_)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._terms_cache: dict[tuple[str, bool], dict[int, str]] = {}
        self._word_terms: dict[str, int | None] = {}  # a word -> its key term id (None: not a key term)

    @classmethod
    def from_categories(cls, categories: list[dict], examples=(), **params) -> "CategoryClassifier":
        """Train on the library's own material (and the app's ``examples``), calibrated on dev."""
        texts, labels = training_set(categories, examples)
        pro_only = {c["slug"] for c in categories if c.get("professional_only")}
        known = {c["slug"] for c in categories}
        dev = load_corpus(("dev",))
        dev_labels = [[s for s in r["categories"] if s in known] for r in dev]
        dev_labels = [ls + head_labels(ls, r["safety"], pro_only) for ls, r in zip(dev_labels, dev)]
        return cls(**params).fit(texts, labels, slugs=[c["slug"] for c in categories],
                                 dev=([r["text"] for r in dev], dev_labels), caught=_caught_by_rules)

    # ---- saving -----------------------------------------------------------
    def save(self, path: Path | str) -> None:
        import joblib
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("_cache", "_terms_cache", "_word_terms", "_last_norm", "_blocks")}
        joblib.dump(state, path)

    @classmethod
    def load(cls, path: Path | str) -> "CategoryClassifier":
        import joblib
        obj = cls.__new__(cls)
        obj.__dict__.update(joblib.load(path))
        obj._blocks = _blocks(obj.vectorizer)
        obj._cache = {}
        obj._terms_cache = {}
        obj._word_terms = {}
        return obj

    # ---- inference --------------------------------------------------------
    def _normalised(self, text: str) -> str:
        return read(text)[0]  # shared with safety, ages and topics: the text is read once

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        norm_text = self._normalised(text)
        parts = [block.features(norm_text) for block in self._blocks]
        return (np.concatenate([i for i, _ in parts]),
                np.concatenate([v for _, v in parts]).astype(np.float32))

    def _raw(self, text: str) -> np.ndarray:
        idx, vals = self._features(text)
        return vals @ self._weights[idx] if len(idx) else np.zeros(self._weights.shape[1], np.float32)

    def _margins(self, text: str) -> np.ndarray:
        return (self._raw(text)[: self._h] + self._bias).astype(np.float64)

    def _analyse(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated probabilities of every head (slugs, then unsafe, no-need) and unit embedding,
        cached per text."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        out = self._raw(text)
        margins = out[: self._h] + self._bias
        a, b = self.calibration_[:, 0], self.calibration_[:, 1]
        probs = 1.0 / (1.0 + np.exp(-(a * margins + b)))
        emb = out[self._h:]
        norm = np.sqrt(np.add.reduce(emb * emb))  # as _unit (np.linalg.norm) computes it
        emb = emb / (norm if norm != 0 else np.float32(1.0))
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[text] = (probs, emb)
        return probs, emb

    def probabilities(self, text: str) -> np.ndarray:
        """Calibrated probability per slug (independent: a text may need several), in slug order."""
        return self._analyse(text)[0][: self._n]

    def unsafe_probability(self, text: str) -> float:
        """How likely a professional should see this text before any volunteer does."""
        return float(self._analyse(text)[0][self._n])

    def looks_unsafe(self, text: str) -> bool:
        return self.unsafe_probability(text) >= self.unsafe_threshold_

    def predict(self, text: str) -> list[tuple[str, float]]:
        """All slugs with their probability, best first (ties by slug order)."""
        probs = self.probabilities(text)
        order = np.argsort(-probs, kind="stable")
        return [(self.slugs[i], float(probs[i])) for i in order]

    def is_confident(self, text: str) -> bool:
        """False when no category is likely enough: then ask the resident instead of guessing."""
        heads = self._analyse(text)[0]
        best = heads[: self._n].max()
        return bool(best >= self.confident_threshold_ and best > heads[self._n + 1]) and bool(self._normalised(text))

    def needs(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The categories this text needs: the best one (when confident) and any other that is
        likely on its own. Empty when not confident."""
        if not self.is_confident(text):
            return []
        ranked = self.predict(text)
        return [ranked[0]] + [(s, p) for s, p in ranked[1:limit] if p >= ALSO_NEEDED]

    def key_terms(self, text: str, compounds: bool = False) -> dict[int, str]:
        """The text's meaningful words: stem id -> the word as written (first occurrence). Only
        stems rare enough to say something (idf above ``KEY_TERM_IDF``); the text reason names them.
        ``compounds``: also the known stems a long word starts with, so a listing's
        "boodschappendienst" or "huurachterstand" answers a request about "boodschappen" or "huur".
        Cached per text: a suggestion asks for the request's terms once per listing shown."""
        key = (text, compounds)
        hit = self._terms_cache.get(key)
        if hit is None:
            if len(self._terms_cache) >= _CACHE_MAX:
                self._terms_cache.clear()
            hit = self._terms_cache[key] = self._key_terms(text, compounds)
        return dict(hit)

    def _key_terms(self, text: str, compounds: bool) -> dict[int, str]:
        block = self._blocks[-1]  # the word-stem block
        found: dict[int, str] = {}
        if not compounds:  # each word's term looked up once (words recur across requests)
            cache = self._word_terms
            for word in _WORD.findall(self._normalised(text)):
                i = cache.get(word, _UNSEEN)
                if i is _UNSEEN:
                    if len(cache) > _CACHE_MAX:
                        cache.clear()
                    i = cache[word] = self._word_term(block, word)
                if i is not None and i not in found:
                    found[i] = word
            return found

        def add(stem: str, word: str) -> None:
            i = block.vocab.get(stem)
            if i is not None and i not in found and block.idf[i] >= KEY_TERM_IDF:
                found[i] = word

        for word in _WORD.findall(self._normalised(text)):
            if len(word) <= 3 or word in STOPWORDS:
                continue
            add(_STEMS.get(word) or _STEMMER.stemWord(word), word)
            if compounds and len(word) >= 8:
                for end in range(4, len(word) - 3):
                    if word[:end] not in STOPWORDS:
                        add(word[:end], word)
        return found

    @staticmethod
    def _word_term(block: _Block, word: str) -> int | None:
        """The key term id of one word, as ``_key_terms`` adds it (None: too short, a stopword, too common)."""
        if len(word) <= 3 or word in STOPWORDS:
            return None
        i = block.vocab.get(_STEMS.get(word) or _STEMMER.stemWord(word))
        return i if i is not None and block.idf[i] >= KEY_TERM_IDF else None

    def term_count(self) -> int:
        """How many term ids ``key_terms`` can return (ids are below this)."""
        return len(self._blocks[-1].idf)

    def term_weights(self, ids) -> np.ndarray:
        return self._blocks[-1].idf[np.asarray(list(ids), dtype=np.int64)] if ids else np.zeros(0)

    def embed(self, text: str) -> np.ndarray:
        """Unit-length dense vector; the dot product of two is their text similarity."""
        return self._analyse(text)[1]

    def embed_many(self, texts: list[str]) -> np.ndarray:
        """Embed many texts at once (used when indexing supply), without caching."""
        if not texts:
            return np.zeros((0, self._weights.shape[1] - self._h), dtype=np.float32)
        x = self.vectorizer.transform([normalise(t) for t in texts])
        return _unit(x @ self._weights[:, self._h:])


def _caught_by_rules(text: str) -> bool:
    """The safety rules flag this text without the classifier (module level: picklable)."""
    from .safety import assess  # safety needs only text.py; imported here to keep the heads first
    return assess(text).level != "none"


def _blocks(vectorizer: FeatureUnion) -> list[_Block]:
    blocks, offset = [], 0
    for _, tfidf in vectorizer.transformer_list:
        blocks.append(_Block(tfidf, offset))
        offset += len(tfidf.vocabulary_)
    return blocks


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)
