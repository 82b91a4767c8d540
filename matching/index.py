"""Columnar store of active supply plus one spatial tree per category.

Partitioning by category keeps every query small (only supply that can fit
the question) and the number of tree queries per request low. The tree is a
SciPy cKDTree over points on the unit sphere: the straight-line (chord) distance
between two such points orders them exactly as the great-circle distance does,
and a query costs ~30 us where scikit-learn's haversine BallTree spends ~60 us
re-validating its input first. The chord converts back to metres exactly
(``arc_m``: the haversine distance of ``geo.haversine_m``, to ~1e-9 m). Updates go to a
small brute-force delta per partition and removals are tombstones; a partition
is rebuilt once its delta or tombstones grow past a fraction of its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
from scipy.spatial import cKDTree

from . import audience, topics
from .geo import EARTH_RADIUS_M, haversine_m, radius_for
from .slots import WORDS, slot_bits
from .types import KINDS, TIERS, SupplyItem

KIND_CODE = {k: i for i, k in enumerate(KINDS)}
TIER_CODE = {t: i for i, t in enumerate(TIERS)}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
REBUILD_FRACTION = 0.05
REBUILD_MIN = 64


class LanguageBits:
    """ISO language code -> bit; codes beyond 62 share the last bit."""

    def __init__(self) -> None:
        self._bits: dict[str, int] = {}

    def mask(self, codes: tuple[str, ...]) -> int:
        m = 0
        for code in codes:
            code = code.lower()
            if code not in self._bits:
                self._bits[code] = min(len(self._bits), 62)
            m |= 1 << self._bits[code]
        return m


def days_since_epoch(when: datetime | None) -> float:
    if when is None:
        return np.nan
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - _EPOCH).total_seconds() / 86400.0


@dataclass
class Partition:
    rows: np.ndarray  # store positions in the tree
    tree: cKDTree | None  # over unit_vectors(latlon[rows])
    delta: list[int] = field(default_factory=list)  # positions added since the build
    dead: int = 0  # tombstoned positions still inside the tree

    @classmethod
    def build(cls, rows: np.ndarray, latlon: np.ndarray) -> "Partition":
        tree = cKDTree(unit_vectors(latlon[rows])) if len(rows) else None
        return cls(rows=rows, tree=tree)

    def needs_rebuild(self) -> bool:
        limit = max(REBUILD_MIN, REBUILD_FRACTION * len(self.rows))
        return len(self.delta) > limit or self.dead > limit


class SupplyIndex:
    """All supply as NumPy columns, plus the spatial partitions over it."""

    def __init__(self, slugs: list[str], embed_many, key_terms=None) -> None:
        self.slugs = list(slugs)
        self.cat_bit = {s: i for i, s in enumerate(self.slugs)}
        self._embed_many = embed_many
        self._key_terms = key_terms or (lambda text, compounds=False: {})
        self.text_terms: list[frozenset[int]] = []  # per text row: its meaningful stem ids
        # The same as one flat array (CSR): row r's ids are term_ids[term_ptr[r]:term_ptr[r + 1]].
        self.term_ptr = np.zeros(1, np.int64)
        self.term_ids = np.zeros(0, np.int64)
        self.languages = LanguageBits()
        self.items: list[SupplyItem | None] = []
        self._key_pos: dict[tuple[str, int], int] = {}
        self._text_row: dict[str, int] = {}
        self._slot_row: dict[tuple, int] = {}
        self.text_vecs = embed_many([])  # (0, dim): an empty index still has the right shape
        self.slot_table = np.zeros((1, WORDS), np.uint64)  # row 0: no slots
        self._slot_row[()] = 0
        self.partitions: dict[int, Partition] = {}
        # Per category, the items that reach beyond its radius on their own (a volunteer's wider
        # radius, a service that comes to the home): searched apart, so the k nearest of a crowded
        # category never crowd them out.
        self.wide: dict[int, Partition] = {}
        self._cat_radius = np.array([radius_for(s) for s in self.slugs], float)
        self.areas: dict[int, frozenset[str]] = {}  # position -> area codes of a wijk-bound item
        self.n = 0

    # ---- building -------------------------------------------------------
    def build(self, items: list[SupplyItem]) -> None:
        """Replace everything with these items (one pass per column, no per-item objects)."""
        self.items = list(items)
        self.n = len(self.items)
        self._key_pos = {(it.kind, it.id): i for i, it in enumerate(self.items)}
        if len(self._key_pos) != self.n:
            raise ValueError("duplicate (kind, id) in supply")
        self.cols = self._columns(self.items)
        self.areas = {i: frozenset(it.areas) for i, it in enumerate(self.items) if it.areas}
        self.partitions = {}
        for cat in range(len(self.slugs)):
            self.partitions[cat] = Partition.build(self._rows_of(cat), self.cols["latlon"])
            self.wide[cat] = Partition.build(self._wide_rows_of(cat), self.cols["latlon"])

    def _columns(self, items: list) -> dict[str, np.ndarray]:
        n = len(items)
        cols: dict[str, np.ndarray] = {}
        cols["latlon"] = np.radians(np.array([(it.lat, it.lon) for it in items], float).reshape(n, 2))
        cols["id"] = np.fromiter((it.id for it in items), np.int64, n)
        cols["kind"] = np.fromiter((KIND_CODE[it.kind] for it in items), np.int8, n)
        cols["tier"] = np.fromiter((TIER_CODE.get(it.tier, 0) for it in items), np.int8, n)
        cols["professional"] = np.fromiter((it.professional for it in items), bool, n)
        cols["free"] = np.fromiter((it.free for it in items), bool, n)
        cols["indicatievrij"] = np.fromiter((it.indicatievrij for it in items), bool, n)
        cols["radius"] = np.fromiter((np.inf if it.radius_m is None else it.radius_m for it in items), float, n)
        cols["capacity"] = np.fromiter((-1 if it.capacity_per_month is None else it.capacity_per_month
                                        for it in items), np.int32, n)
        cols["load"] = np.fromiter((it.load_this_month for it in items), np.int32, n)
        cols["places"] = np.fromiter((-1 if it.places_left is None else it.places_left for it in items),
                                     np.int32, n)
        cols["updated"] = self._dates(items)
        cols["lang"] = self._cached(items, lambda it: it.languages, self.languages.mask, np.int64)
        cols["cats"] = self._cached(items, lambda it: it.categories, self._cat_mask, np.int32)
        cols["slot_row"] = np.fromiter((self._slots(it.slots) for it in items), np.int32, n)
        cols["text_row"] = self._texts(items)
        cols["active"] = np.ones(n, bool)
        who = self._cached(items, _audience_key, _audience, object)
        cols["age_lo"] = np.fromiter((w[0] for w in who), np.int16, n)
        cols["age_hi"] = np.fromiter((w[1] for w in who), np.int16, n)
        cols["groups"] = np.fromiter((w[2] for w in who), np.int32, n)
        cols["home"] = np.fromiter((w[3] for w in who), bool, n)
        cols["topics"] = np.fromiter((w[4] for w in who), np.int32, n)
        cols["title_subjects"] = np.fromiter((w[5] for w in who), np.int64, n)  # topics.py, of the title
        cols["subjects"] = np.fromiter((w[6] for w in who), np.int64, n)  # of title, text and eligibility
        cols["bound"] = np.fromiter((bool(it.areas) for it in items), bool, n)
        return cols

    def _dates(self, items: list) -> np.ndarray:
        memo: dict = {}
        return np.fromiter((memo[d] if d in memo else memo.setdefault(d, days_since_epoch(d))
                            for d in (it.updated_at for it in items)), float, len(items))

    @staticmethod
    def _cached(items, get, compute, dtype) -> np.ndarray:
        memo: dict = {}
        out = np.empty(len(items), dtype)
        for i, it in enumerate(items):
            key = get(it)
            val = memo.get(key)
            if val is None:
                val = memo[key] = compute(key)
            out[i] = val
        return out

    def _cat_mask(self, cats: tuple[str, ...]) -> int:
        return sum(1 << self.cat_bit[c] for c in set(cats) if c in self.cat_bit)

    def _slots(self, slots: tuple) -> int:
        row = self._slot_row.get(slots)
        if row is None:
            row = self._slot_row[slots] = len(self.slot_table)
            self.slot_table = np.vstack([self.slot_table, slot_bits(slots)[None, :]])
        return row

    def _texts(self, items: list) -> np.ndarray:
        """Embed each distinct listing text once: many listings share a text."""
        new: list[str] = []
        rows = np.empty(len(items), np.int32)
        for i, it in enumerate(items):
            key = f"{it.title}\n{it.text}"
            row = self._text_row.get(key)
            if row is None:
                row = self._text_row[key] = len(self._text_row)
                new.append(key)
            rows[i] = row
        if new:
            vecs = np.vstack([self._embed_many(new[i:i + 20_000]) for i in range(0, len(new), 20_000)])
            self.text_vecs = np.vstack([self.text_vecs, vecs])
            added = [frozenset(self._key_terms(t, compounds=True)) for t in new]
            self.text_terms.extend(added)
            lens = np.fromiter(map(len, added), np.int64, len(added))
            self.term_ptr = np.concatenate([self.term_ptr, self.term_ptr[-1] + np.cumsum(lens)])
            self.term_ids = np.concatenate([self.term_ids, np.fromiter(
                (i for terms in added for i in terms), np.int64, int(lens.sum()))])
        return rows

    def _rows_of(self, cat: int) -> np.ndarray:
        c = self.cols
        return np.flatnonzero(((c["cats"] >> cat) & 1).astype(bool) & c["active"])

    def _reaches_beyond(self, pos, cat: int) -> np.ndarray:
        c = self.cols
        own = c["radius"][pos]
        offer_far = (c["kind"][pos] == KIND_CODE["offer"]) & np.isfinite(own) & (own > self._cat_radius[cat])
        return c["home"][pos] | offer_far

    def _wide_rows_of(self, cat: int) -> np.ndarray:
        rows = self._rows_of(cat)
        return rows[self._reaches_beyond(rows, cat)]

    # ---- updates --------------------------------------------------------
    def upsert(self, items: list[SupplyItem]) -> None:
        """Add or replace items; touched partitions rebuild once their delta grows."""
        for it in items:
            self.remove(it.kind, it.id)
        if not items:
            return
        start = self.n
        new = self._columns(list(items))
        for name, col in new.items():
            self.cols[name] = np.concatenate([self.cols[name], col])
        self.items.extend(items)
        self.n += len(items)
        for offset, it in enumerate(items):
            pos = start + offset
            self._key_pos[(it.kind, it.id)] = pos
            if it.areas:
                self.areas[pos] = frozenset(it.areas)
            for slug in set(it.categories):
                if slug in self.cat_bit:
                    cat = self.cat_bit[slug]
                    self.partitions[cat].delta.append(pos)
                    if self._reaches_beyond(np.array([pos]), cat)[0]:
                        self.wide[cat].delta.append(pos)
        self._rebuild_if_needed()

    def remove(self, kind: str, item_id: int) -> bool:
        pos = self._key_pos.pop((kind, item_id), None)
        if pos is None:
            return False
        self.cols["active"][pos] = False
        self.items[pos] = None  # let the object go
        for slug in set(self.cols_slugs(pos)):
            cat = self.cat_bit[slug]
            parts = [self.partitions[cat]] + ([self.wide[cat]] if self._reaches_beyond(np.array([pos]), cat)[0] else [])
            for part in parts:
                if pos in part.delta:
                    part.delta.remove(pos)
                else:
                    part.dead += 1
        self._rebuild_if_needed()
        return True

    def cols_slugs(self, pos: int) -> list[str]:
        mask = int(self.cols["cats"][pos])
        return [s for s, b in self.cat_bit.items() if mask >> b & 1]

    def _rebuild_if_needed(self) -> None:
        for cat, part in self.partitions.items():
            if part.needs_rebuild():
                self.partitions[cat] = Partition.build(self._rows_of(cat), self.cols["latlon"])
        for cat, part in self.wide.items():
            if part.needs_rebuild():
                self.wide[cat] = Partition.build(self._wide_rows_of(cat), self.cols["latlon"])

    def position(self, kind: str, item_id: int) -> int | None:
        return self._key_pos.get((kind, item_id))

    # ---- queries --------------------------------------------------------
    def nearest(self, cat: int, latlon: np.ndarray, k: int,
                radius_m: float | None, wide: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Up to k nearest active positions of one category (within radius_m), with metres;
        ``wide``: only among its items that reach beyond the category radius on their own."""
        part = (self.wide if wide else self.partitions)[cat]
        pos, dist = _EMPTY_I, _EMPTY_F
        if part.tree is not None:
            kk = min(len(part.rows), k + part.dead)
            # A bound a hair wider than the radius prunes the search; the exact cut is below.
            bound = np.inf if radius_m is None else chord(radius_m) * (1 + 1e-9) + 1e-12
            d, i = part.tree.query(unit_vectors(latlon[None, :]), k=kk, distance_upper_bound=bound)
            d, i = d.reshape(-1), i.reshape(-1)
            found = i < len(part.rows)  # missing neighbours come back as len(rows)
            pos, dist = part.rows[i[found]], arc_m(d[found])
        if part.delta:
            dpos = np.asarray(part.delta)
            ll = self.cols["latlon"][dpos]
            ddist = haversine_m(latlon[0], latlon[1], ll[:, 0], ll[:, 1])
            pos, dist = np.concatenate([pos, dpos]), np.concatenate([dist, ddist])
        keep = self.cols["active"][pos]
        if radius_m is not None:
            keep &= dist <= radius_m
        pos, dist = pos[keep], dist[keep]
        if len(pos) > k:
            order = np.argsort(dist, kind="stable")[:k]
            pos, dist = pos[order], dist[order]
        return pos, dist


def _audience_key(it: SupplyItem):
    # Most listings share their audience texts (synthetic supply: all of them), so compute once per key.
    return it.title, it.eligibility, it.access, it.min_age, it.max_age, it.text


def _audience(key) -> tuple[int, int, int, bool, int]:
    title, eligibility, access, min_age, max_age, text = key
    lo, hi = audience.item_ages(title, text, eligibility, min_age, max_age)
    return (lo, hi, audience.item_groups(title, eligibility), audience.comes_home(access),
            audience.item_topics(f"{title} {text} {eligibility or ''}"), topics.topics_of(title),
            topics.topics_of(f"{title} {text}"))


def unit_vectors(latlon: np.ndarray) -> np.ndarray:
    """(lat, lon) rows in radians -> points on the unit sphere (x, y, z)."""
    cos_lat = np.cos(latlon[:, 0])
    return np.column_stack([cos_lat * np.cos(latlon[:, 1]), cos_lat * np.sin(latlon[:, 1]), np.sin(latlon[:, 0])])


def arc_m(chords: np.ndarray) -> np.ndarray:
    """Chord lengths on the unit sphere -> great-circle metres (the haversine distance)."""
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.minimum(chords / 2.0, 1.0))


def chord(metres: float) -> float:
    """Straight-line distance between two points on the unit sphere `metres` apart on the earth."""
    return 2.0 * np.sin(min(metres / EARTH_RADIUS_M, np.pi) / 2.0)


_EMPTY_I = np.zeros(0, np.int64)
_EMPTY_F = np.zeros(0, float)
