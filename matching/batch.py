"""One-to-one pairs of help requests and volunteer offers for a whole batch.

Maximises the total score with scipy's sparse min-weight full bipartite matching
over candidate edges only. A volunteer with c matches left this month becomes
c columns, and each further copy scores a little lower on 'load', so the work
spreads over volunteers. Every request also gets a private 'stay unassigned'
column, which makes a full matching always exist. Inputs are put in canonical
order (by id) first, so the same input always gives the same pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .engine import Matcher
from .index import KIND_CODE
from .types import HelpRequestIn

UNASSIGNED_COST = 2.0  # scores are <= 1, so any real pair costs less than staying alone
REASON_SAFETY = "veiligheid: alleen voor professionals, nooit een vrijwilliger"
REASON_NONE = "geen passende vrijwilliger met tijd in de buurt"
REASON_OUTBID = "passende vrijwilligers zijn al gekoppeld aan andere hulpvragen"
URGENCY_BOOST = {"1-2 dagen": 1.2, "vandaag": 1.2, "spoed": 1.2, "urgent": 1.2, "snel": 1.1, "deze week": 1.1}


@dataclass
class Assignment:
    pairs: list[tuple[int, int, float]]  # (request_id, offer_id, score), by request id
    unassigned: list[int]
    reasons: dict[int, str] = field(default_factory=dict)  # request_id -> why unassigned
    capacity_left: dict[int, int] = field(default_factory=dict)  # offer_id -> matches left

    def report(self, show: int = 20) -> str:
        """A dry-run report in Dutch for the wijkcoach or beheerder."""
        total = len(self.pairs) + len(self.unassigned)
        share = f" ({100 * len(self.pairs) / total:.0f} %)" if total else ""
        per_offer = Counter(o for _, o, _ in self.pairs)
        lines = [
            "Proefrun koppelen: er is nog niets verstuurd of vastgelegd.",
            f"Hulpvragen: {total}",
            f"Gekoppeld aan een vrijwilliger: {len(self.pairs)}{share}",
            f"Niet gekoppeld: {len(self.unassigned)}",
        ]
        lines += [f"  - {n} x {why}" for why, n in Counter(self.reasons.values()).most_common()]
        if self.pairs:
            scores = [s for _, _, s in self.pairs]
            lines.append(f"Vrijwilligers ingezet: {len(per_offer)}; meeste koppelingen voor één "
                         f"vrijwilliger: {max(per_offer.values())} (binnen de maandcapaciteit)")
            lines.append(f"Gemiddelde score: {_nl(np.mean(scores))} (laagste {_nl(min(scores))})")
            lines.append("Koppelingen:")
            lines += [f"  hulpvraag {r} -> aanbod {o} (score {_nl(s)})" for r, o, s in self.pairs[:show]]
            if len(self.pairs) > show:
                lines.append(f"  ... en nog {len(self.pairs) - show} koppelingen")
        return "\n".join(lines)


def assign(requests: list[HelpRequestIn], matcher: Matcher, candidates_per_request: int = 10,
           min_score: float = 0.3, default_capacity: int = 1, now: datetime | None = None) -> Assignment:
    """Pair requests with volunteer offers, maximising the total score under capacity.
    ``now`` as in ``Matcher.suggest`` (the Matcher's own when not given)."""
    ordered = _canonical(requests)
    reasons: dict[int, str] = {}
    edges: list[tuple[int, int, float, float]] = []  # (row, offer position, score, urgency)
    for row, (rid, req) in enumerate(ordered):
        und = matcher.understand(req)
        if und.safety.level != "none":  # danger or doubt: a professional first, never the batch
            reasons[rid] = REASON_SAFETY
            continue
        ranked = matcher.rank(req, und, candidates_per_request, kinds=(KIND_CODE["offer"],), now=now)
        good = ranked.score >= min_score
        boost = _urgency(req.urgency)
        edges += [(row, int(p), float(s), boost) for p, s in zip(ranked.pos[good], ranked.score[good])]
        if not good.any():
            reasons[rid] = REASON_NONE
    pairs, left = _solve(edges, len(ordered), matcher, default_capacity)
    ids = [rid for rid, _ in ordered]
    matched = {ids[row] for row, _, _ in pairs}
    for rid in ids:
        if rid not in matched and rid not in reasons:
            reasons[rid] = REASON_OUTBID
    out = [(ids[row], offer_id, round(score, 4)) for row, offer_id, score in pairs]
    unassigned = [rid for rid in ids if rid not in matched]
    return Assignment(sorted(out), unassigned, {r: reasons[r] for r in unassigned}, left)


def _canonical(requests: list[HelpRequestIn]) -> list[tuple[int, HelpRequestIn]]:
    """Requests by id (a request without id gets its list position)."""
    keyed = [(req.id if req.id is not None else i, req) for i, req in enumerate(requests)]
    if len({rid for rid, _ in keyed}) != len(keyed):
        raise ValueError("request ids must be unique")
    return sorted(keyed, key=lambda pair: pair[0])


def _urgency(urgency: str) -> float:
    text = (urgency or "").lower()
    return max((boost for word, boost in URGENCY_BOOST.items() if word in text), default=1.0)


def _solve(edges, n_rows: int, matcher: Matcher, default_capacity: int):
    """Sparse assignment; returns [(row, offer_id, score)] and matches left per offer."""
    cols = matcher.index.cols
    w_load = matcher.weights.get("load", 0.0)
    wanted = Counter(p for _, p, _, _ in edges)
    offers = sorted(wanted, key=lambda p: int(cols["id"][p]))  # canonical column order
    first_col, copies, left = {}, {}, {}
    n_cols = 0
    for p in offers:
        cap, load = int(cols["capacity"][p]), int(cols["load"][p])
        room = cap - load if cap >= 0 else default_capacity
        first_col[p], copies[p] = n_cols, max(0, min(room, wanted[p]))
        left[int(cols["id"][p])] = room
        n_cols += copies[p]
    rows, cs, costs, base = [], [], [], {}
    for row, p, score, boost in sorted(edges, key=lambda e: (e[0], int(cols["id"][e[1]]))):
        cap, load = int(cols["capacity"][p]), int(cols["load"][p])
        for k in range(copies[p]):
            # The k-th extra match of this volunteer: recompute 'load' as if k were already added.
            adj = score
            if cap > 0:
                adj += w_load * ((1 - (load + k) / cap) - max(0.0, 1 - load / cap))
            rows.append(row)
            cs.append(first_col[p] + k)
            costs.append(UNASSIGNED_COST - boost * max(adj, 1e-6))
            base[(row, first_col[p] + k)] = (p, score)
    rows += list(range(n_rows))
    cs += [n_cols + r for r in range(n_rows)]
    costs += [UNASSIGNED_COST] * n_rows  # every real pair (score > 0) costs less
    graph = csr_matrix((np.round(costs, 6), (rows, cs)), shape=(n_rows, n_cols + n_rows))  # float noise is no preference
    r_idx, c_idx = min_weight_full_bipartite_matching(graph)
    pairs = []
    for r, c in zip(r_idx, c_idx):
        if c < n_cols:
            p, score = base[(int(r), int(c))]
            offer_id = int(cols["id"][p])
            pairs.append((int(r), offer_id, score))
            left[offer_id] -= 1
    return pairs, left


def _nl(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")
