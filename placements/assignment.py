"""Internship places for a whole cohort at once. Pure: plain values in and out, no app or database.

Every trainee with a known home point may be placed on an offer whose municipality centre lies
within `max_km` of theirs (great-circle distance between the two centres: an estimate). Among all
assignments that never exceed an offer's free places, the proposal is the best one in this order:

1. the most trainees placed (all of them within `max_km`);
2. then the most trainees placed in their own municipality;
3. then the least total distance, counted per trainee in whole metres;
4. then the lowest ids placed: of two trainees who tie on 1-3 for a place, the lower id gets it.
   Exactly: the set of placed ids with the smallest sum of id ranks, which is also the
   lexicographically first set (see `_assign`). Among interchangeable trainees (same home
   municipality and point, so the same standing for every offer) the lower id also gets the
   better place: home first, then nearer, then the lower offer id. Other exact ties (say two
   trainees from different municipalities swapping places at the same total in metres) are
   settled by the solver on the id-sorted input: deterministic, but not by a stated rule.

How: scipy's linear_sum_assignment, twice, on a matrix of trainees by places (`_Matrix`; its
smaller side as the rows).

- (1) is built into the matrix rather than weighed: `_max_placed` counts the most trainees that
  can be placed at once (a maximum bipartite matching), and the matrix gets just enough extra
  columns ("unplaced" for trainee rows, "stays empty" for place rows) for the rest. Every row is
  assigned, so every solution places exactly that many trainees.
- (2) and (3) are integer costs: the distance in metres, plus `home_missed` for a place outside
  the trainee's municipality, larger than any possible sum of distances.
- (4) in the same solve would need an id term below one metre of total distance: costs beyond
  float64's exact integers at 2,000 trainees (see EXACT_LIMIT). So it is a second solve. The
  optimal dual of the first (`_optimal_face`: shortest paths over the offers, which also certify
  the first solve optimal) tells what the optimal assignments may do and must do; the second solve
  keeps to that and minimises the sum of id ranks of the placed trainees, with small costs.
  Interchangeable trainees are then sorted onto their group's places
  (`_better_places_to_lower_ids`).

Trainees with no free place within reach, and offers nobody can reach, stay out of the matrix;
an offer has no more places in it than trainees who can reach it.
"""

import math
import numbers
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

# Precision. float64 holds every integer up to 2**53 exactly, and scipy's solver (shortest augmenting
# paths, Crouse 2016) only adds and subtracts: with integer entries in [0, C] and R rows (R <= the
# columns), its dual values start at 0 and move by at most each augmenting path's length, and those
# lengths add up to the optimal cost, at most R * C. So every number it forms is an integer of
# magnitude at most (2R + 1) * C, and we refuse (ValueError) anything where that could reach 2**53.
# In the first solve R = min(trainees, places) and C is about (trainees placed) * (longest distance
# in metres): at 2,000 places all filled and 400 km (across the Netherlands), C = 2,000 * 400,000
# = 8e8 and the bound is 3.2e12, some 2,800 times below 2**53; at max_km 30 it is below 1e11. The
# second solve's entries lie in [0, 2 * trainees * placed + 1], a far smaller bound (below 2e10).
# An id term in the first solve would have to weigh less than one metre of total distance, so C
# would grow by a factor of trainees * placed (~2e6 here): past 2**53, hence the second solve.
EXACT_LIMIT = 2**53


class Reason(StrEnum):
    HOME = "home"  # placed in their own municipality
    NEARBY = "nearby"  # placed elsewhere, within max_km
    NO_HOME = "no_home"  # no home point known: the distance cannot be estimated
    TOO_FAR = "too_far"  # no offer with a free place within max_km
    NO_CAPACITY = "no_capacity"  # the places within reach went to others, or there are none at all


@dataclass(frozen=True)
class TraineeHome:
    id: int
    municipality_id: int | None
    point: tuple[float, float] | None  # (lat, lon) of the home municipality's centre


@dataclass(frozen=True)
class OfferPlaces:
    id: int
    municipality_id: int
    point: tuple[float, float]  # (lat, lon) of the offer's municipality centre
    places: int  # free places, >= 0


@dataclass(frozen=True)
class Proposal:
    trainee_id: int
    offer_id: int | None
    distance_km: float | None  # unrounded estimate, None when not placed
    reason: Reason

    @property
    def placed(self) -> bool:
        return self.offer_id is not None

    @property
    def rounded_km(self) -> float | None:
        """The distance for display, to 0.1 km."""
        return None if self.distance_km is None else round(self.distance_km, 1)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points in degrees; numpy broadcasting applies."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(np.subtract(lon2, lon1)) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def propose_placements(
    trainees: Iterable[TraineeHome], offers: Iterable[OfferPlaces], max_km: float
) -> list[Proposal]:
    """One proposal per trainee, sorted by trainee id; the same input in any order gives the same
    result. Raises ValueError on duplicate ids, negative places or a max_km that is not a number
    >= 0."""
    trainees = sorted(trainees, key=lambda t: t.id)
    offers = sorted(offers, key=lambda o: o.id)
    _validate(trainees, offers, max_km)

    outcome: dict[int, tuple[int | None, float | None, Reason]] = {}
    located = [t for t in trainees if t.point is not None]
    open_offers = [o for o in offers if o.places > 0]
    for t in trainees:
        if t.point is None:
            outcome[t.id] = (None, None, Reason.NO_HOME)
        elif not open_offers:
            outcome[t.id] = (None, None, Reason.NO_CAPACITY)
    if not located or not open_offers:
        return _proposals(trainees, outcome)

    t_lat, t_lon = np.array([t.point for t in located], dtype=float).T
    o_lat, o_lon = np.array([o.point for o in open_offers], dtype=float).T
    km = haversine_km(t_lat[:, None], t_lon[:, None], o_lat[None, :], o_lon[None, :])
    within = km <= max_km  # compared unrounded

    reachable = within.any(axis=1)
    for t in (t for t, ok in zip(located, reachable, strict=True) if not ok):
        outcome[t.id] = (None, None, Reason.TOO_FAR)
    rows = np.flatnonzero(reachable)
    reach = within[rows].sum(axis=0)
    capacity = np.minimum(np.array([o.places for o in open_offers]), reach)
    cols = np.flatnonzero(capacity > 0)
    candidates = [located[i] for i in rows]

    if candidates:
        km, within, capacity = km[np.ix_(rows, cols)], within[np.ix_(rows, cols)], capacity[cols]
        kept_offers = [open_offers[j] for j in cols]
        known = np.array([t.municipality_id is not None for t in candidates])
        t_mun = np.array([t.municipality_id if t.municipality_id is not None else 0 for t in candidates])
        o_mun = np.array([o.municipality_id for o in kept_offers])
        home = (t_mun[:, None] == o_mun[None, :]) & known[:, None]
        chosen = _assign(within, home, np.rint(km * 1000).astype(np.int64), capacity, candidates)
        for i, t in enumerate(candidates):
            j = chosen[i]
            if j < 0:
                outcome[t.id] = (None, None, Reason.NO_CAPACITY)
            else:
                reason = Reason.HOME if home[i, j] else Reason.NEARBY
                outcome[t.id] = (kept_offers[j].id, float(km[i, j]), reason)
    return _proposals(trainees, outcome)


def _validate(trainees: list[TraineeHome], offers: list[OfferPlaces], max_km: float) -> None:
    if not isinstance(max_km, numbers.Real) or not math.isfinite(max_km) or max_km < 0:
        raise ValueError(f"max_km must be a number >= 0, not {max_km!r}")
    for name, items in (("trainee", trainees), ("offer", offers)):
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {name} ids")
    if any(o.places < 0 for o in offers):
        raise ValueError("an offer cannot have fewer than 0 free places")


def _proposals(trainees, outcome) -> list[Proposal]:
    return [Proposal(t.id, *outcome[t.id]) for t in trainees]


def _assign(
    within: np.ndarray, home: np.ndarray, metres: np.ndarray, capacity: np.ndarray, candidates
) -> np.ndarray:
    """For each candidate (rows of the trainee x offer arrays, in id order) the chosen offer's
    column, or -1. Every candidate can reach at least one offer, every offer has capacity > 0."""
    n_trainees = len(candidates)
    place_offer = np.repeat(np.arange(len(capacity)), capacity)  # the offer of each place
    most = _max_placed(within[:, place_offer])
    longest = int(metres[within].max())
    home_missed = most * longest + 1  # more than any sum of `most` distances
    cost = np.where(within, np.where(home, 0, home_missed) + metres, np.inf)  # trainees x offers
    matrix = _Matrix(place_offer, n_trainees, most)
    if (2 * matrix.rows + 1) * (home_missed + longest) >= EXACT_LIMIT:
        raise ValueError("too large to solve exactly in float64 (see EXACT_LIMIT)")
    first = matrix.solve(cost, unplaced=np.zeros(n_trainees), empty=np.zeros(len(capacity)))

    # (4): only what some optimal assignment does, with the smallest sum of id ranks placed. That
    # sum picks the lexicographically first set of placed ids too: the sets of trainees that the
    # optimal assignments place are the bases of a matroid (a transversal matroid of the cells
    # allowed on the optimal face, contracted by what every optimal assignment covers), and on the
    # bases of a matroid one basis has the smallest weight for every weight that increases with
    # the rank (Gale's theorem: the greedy choice). The unit tests check it against brute force.
    face = _optimal_face(cost, capacity, first)
    bonus = n_trainees * most + 1  # more than any difference in rank sums
    rank = np.arange(n_trainees, dtype=float)
    # A row is always assigned, a column need not be. So what every optimal assignment covers is
    # kept on the rows' side by forbidding the alternative (np.inf), and on the columns' side by
    # charging every cell `bonus` except the cells that cover it: leaving one out costs more than
    # any difference in rank sums. (The same charge on a whole row changes no choice.)
    pair = np.where(face.allowed, rank[:, None] + bonus, np.inf)
    if matrix.by_trainee:  # trainee rows; place and "unplaced" columns
        pair -= bonus * face.full[None, :]
        unplaced, empty = np.where(face.must_place, np.inf, bonus), np.zeros(len(capacity))
    else:  # place rows; trainee and "stays empty" columns
        pair -= bonus * face.must_place[:, None]
        unplaced, empty = np.zeros(n_trainees), np.where(face.full, np.inf, bonus)
    second = matrix.solve(pair, unplaced=unplaced, empty=empty)
    assert _total(cost, second) == _total(cost, first)
    return _better_places_to_lower_ids(second, cost, candidates)


def _total(cost: np.ndarray, offer_of: np.ndarray) -> float:
    placed = offer_of >= 0
    return cost[placed, offer_of[placed]].sum()


def _max_placed(feasible: np.ndarray) -> int:
    """The most trainees that can be placed at once (trainees x places feasibility)."""
    matched = maximum_bipartite_matching(csr_matrix(feasible), perm_type="column")
    return int((matched >= 0).sum())


@dataclass(frozen=True)
class _Matrix:
    """The problem as a matrix for linear_sum_assignment, with its smaller side as the rows (the
    solver's work grows with the square of the rows): trainees x (places + "unplaced" columns),
    or places x (trainees + "stays empty" columns). Every row is assigned, and there are just
    enough extra columns for the trainees who cannot be placed (or for the places that must stay
    empty), so every solution places exactly `most` trainees: (1) is built in, not weighed."""

    place_offer: np.ndarray  # the offer of each place
    n_trainees: int
    most: int

    @property
    def by_trainee(self) -> bool:
        return self.n_trainees <= len(self.place_offer)

    @property
    def rows(self) -> int:
        return min(self.n_trainees, len(self.place_offer))

    def solve(self, pair: np.ndarray, unplaced: np.ndarray, empty: np.ndarray) -> np.ndarray:
        """The offer of each trainee (-1: none) in the assignment of the least total: pair[i, k] for
        trainee i on a place of offer k, unplaced[i] for trainee i on none (trainee rows only),
        empty[k] for a place of offer k left empty (place rows only). np.inf forbids a cell."""
        offers, n = self.place_offer, self.n_trainees
        offer_of = np.full(n, -1)
        if self.by_trainee:
            extra = np.repeat(unplaced[:, None], n - self.most, axis=1)
            rows, cols = linear_sum_assignment(np.hstack([pair[:, offers], extra]))
            on_place = cols < len(offers)
            offer_of[rows[on_place]] = offers[cols[on_place]]
        else:
            extra = np.repeat(empty[offers][:, None], len(offers) - self.most, axis=1)
            rows, cols = linear_sum_assignment(np.hstack([pair.T[offers], extra]))
            on_trainee = cols < n
            offer_of[cols[on_trainee]] = offers[rows[on_trainee]]
        return offer_of


@dataclass(frozen=True)
class _Face:
    """What the optimal assignments have in common, from complementary slackness."""

    allowed: np.ndarray  # trainees x offers: the cells an optimal assignment may use
    must_place: np.ndarray  # trainees every optimal assignment places
    full: np.ndarray  # offers every optimal assignment fills


def _optimal_face(cost: np.ndarray, capacity: np.ndarray, offer_of: np.ndarray) -> _Face:
    """The optimal face, given one optimal assignment `offer_of` (an offer per trainee or -1).

    As a flow of `most` units: source -> trainee (capacity 1, cost 0) -> offer (1, cost[i, k])
    -> sink (the offer's capacity, 0). Node potentials p with reduced costs cost + p[tail] -
    p[head] >= 0 on every arc of the residual graph are an optimal dual, and then a flow is optimal
    iff it uses no arc of positive reduced cost and fills every arc of negative reduced cost
    (complementary slackness). The potentials here are shortest-path distances in the residual
    graph from a root with 0-arcs to every node, so p <= 0. Passing through the trainees, that
    graph shrinks to the source and the offers, a few hundred nodes: Bellman-Ford on it, in
    integers that float64 holds exactly. The sink drops out: an offer with a free place must get
    p = 0 (a path of negative cost into it would be a cheaper way to fill that place), so p[sink]
    = 0 and the sink's arcs say only what p <= 0 already does. A negative cycle, or an offer with a
    free place and p < 0, would mean that `offer_of` is not optimal: this certifies the first solve.
    """
    n_offers = len(capacity)
    source = n_offers
    placed = offer_of >= 0
    own = cost[placed, offer_of[placed]]  # what the placed trainees cost now
    used = np.bincount(offer_of[placed], minlength=n_offers)

    arc = np.full((n_offers + 1, n_offers + 1), np.inf)  # the cheapest residual path, node to node
    if (~placed).any():  # source -> an unplaced trainee -> offer
        arc[source, :n_offers] = cost[~placed].min(axis=0)
    if placed.any():  # offer -> a trainee placed there -> another offer, or back to the source
        order = np.argsort(offer_of[placed], kind="stable")
        holder = offer_of[placed][order]
        starts = np.flatnonzero(np.diff(holder, prepend=-1))
        moves = (cost[placed] - own[:, None])[order]
        arc[holder[starts], :n_offers] = np.minimum.reduceat(moves, starts, axis=0)
        arc[holder[starts], source] = np.minimum.reduceat(-own[order], starts)

    p = np.zeros(n_offers + 1)  # the root's 0-arcs
    for _ in range(n_offers + 2):
        relaxed = np.minimum(p, (p[:, None] + arc).min(axis=0))
        if np.array_equal(relaxed, p):
            break
        p = relaxed
    else:
        raise AssertionError("negative cycle: the first assignment is not optimal")
    p_offer = p[:n_offers]
    p_trainee = np.where(placed, 0.0, p[source])  # its only way in: from the source, or from its offer
    p_trainee[placed] = p_offer[offer_of[placed]] - own

    finite = np.isfinite(cost)
    on_arc = np.zeros(cost.shape, dtype=bool)
    on_arc[placed, offer_of[placed]] = True
    reduced = np.where(finite, cost + p_trainee[:, None] - p_offer[None, :], 0)
    from_source = p[source] - p_trainee  # <= 0 for the placed (their arc back to the source)
    # By the choice of p_trainee the arcs in use have reduced cost 0, and so do the source arcs of
    # the unplaced: no cell is ever required and no trainee ever kept out, beyond what the cells say.
    certified = (reduced[finite & ~on_arc] >= 0).all() and (p_offer[used < capacity] == 0).all()
    assert certified, "not an optimal dual: the first assignment is not optimal"
    return _Face(finite & (reduced == 0), must_place=from_source < 0, full=p_offer < 0)


def _better_places_to_lower_ids(chosen: np.ndarray, cost: np.ndarray, candidates) -> np.ndarray:
    """Interchangeable trainees (same municipality and point: the same cost for every offer) may swap
    places without changing (1)-(3): give the better places (lower cost, then lower offer id, as
    offers are in id order) to the lower ids. The set of placed trainees stays the same."""
    groups = defaultdict(list)
    for i, t in enumerate(candidates):
        if chosen[i] >= 0:
            groups[(t.municipality_id, t.point)].append(i)  # in id order
    result = chosen.copy()
    for members in groups.values():
        if len(members) > 1:
            offers = sorted((chosen[i] for i in members), key=lambda j: (cost[members[0], j], j))
            result[members] = offers
    return result
