"""Proposing internship places for a whole cohort at once (placements/assignment.py), on plain values.

Points are (lat, lon). Near latitude 52, 0.01 degree of longitude is about 0.69 km and 0.01 degree
of latitude about 1.11 km.
"""

import itertools
import random
import time
from collections import Counter

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from bench.assignment import random_cohort
from placements import assignment
from placements.assignment import (
    OfferPlaces,
    Proposal,
    Reason,
    TraineeHome,
    haversine_km,
    propose_placements,
)

LAT = 52.0


def east(km: float, lat: float = LAT) -> tuple[float, float]:
    """A point `km` east of (lat, 5.0), along the parallel (not exactly a great circle, close)."""
    return (lat, 5.0 + km / (111.32 * np.cos(np.radians(lat))))


def by_trainee(proposals: list[Proposal]) -> dict[int, tuple[int | None, str]]:
    return {p.trainee_id: (p.offer_id, p.reason) for p in proposals}


def test_home_municipality_beats_a_nearer_other_municipality():
    # The trainee's point lies 9 km from the centre of their own (large) municipality 1 and 1 km
    # from municipality 2: home first all the same.
    trainee = TraineeHome(1, 1, east(0))
    offers = [OfferPlaces(10, 1, east(-9), 1), OfferPlaces(20, 2, east(1), 1)]
    [proposal] = propose_placements([trainee], offers, max_km=20)
    assert (proposal.offer_id, proposal.reason) == (10, Reason.HOME)
    assert proposal.distance_km == pytest.approx(9, abs=0.05)
    assert proposal.rounded_km == round(proposal.distance_km, 1)


def test_an_offer_in_the_home_municipality_is_a_home_place():
    [proposal] = propose_placements([TraineeHome(1, 7, east(0))], [OfferPlaces(5, 7, east(0), 2)], 10)
    assert proposal == Proposal(1, 5, 0.0, Reason.HOME)


def test_one_place_two_equal_trainees_the_lower_id_wins():
    offer = OfferPlaces(10, 2, east(5), 1)
    trainees = [TraineeHome(3, 1, east(0)), TraineeHome(8, 1, east(0))]
    for order in (trainees, trainees[::-1]):
        result = by_trainee(propose_placements(order, [offer], 20))
        assert result == {3: (10, Reason.NEARBY), 8: (None, Reason.NO_CAPACITY)}


def test_equal_distance_from_different_municipalities_the_lower_id_wins():
    # Mirror images either side of the offer: exactly the same distance.
    offer = OfferPlaces(10, 3, east(0), 1)
    for west_id, east_id in ((1, 2), (2, 1)):
        trainees = [TraineeHome(west_id, 1, east(-6)), TraineeHome(east_id, 2, east(6))]
        result = by_trainee(propose_placements(trainees, [offer], 20))
        assert result == {1: (10, Reason.NEARBY), 2: (None, Reason.NO_CAPACITY)}


def test_interchangeable_trainees_the_lower_id_gets_the_better_place():
    offers = [OfferPlaces(10, 2, east(8), 1), OfferPlaces(20, 1, east(0), 1), OfferPlaces(30, 3, east(3), 1)]
    trainees = [TraineeHome(i, 1, east(0)) for i in (9, 4, 6)]
    result = by_trainee(propose_placements(trainees, offers, 20))
    assert result == {4: (20, Reason.HOME), 6: (30, Reason.NEARBY), 9: (10, Reason.NEARBY)}


def test_capacity_is_respected():
    trainees = [TraineeHome(i, 1, east(0)) for i in range(1, 6)]
    offers = [OfferPlaces(10, 1, east(0), 2), OfferPlaces(20, 2, east(4), 1)]
    result = by_trainee(propose_placements(trainees, offers, 20))
    assert Counter(offer for offer, _ in result.values()) == {10: 2, 20: 1, None: 2}
    assert result[1] == result[2] == (10, Reason.HOME)
    assert result[3] == (20, Reason.NEARBY)
    assert result[4] == result[5] == (None, Reason.NO_CAPACITY)


def test_beyond_max_km_is_too_far():
    offers = [OfferPlaces(10, 2, east(30), 3), OfferPlaces(20, 3, east(2), 0)]  # the near one is full
    [proposal] = propose_placements([TraineeHome(1, 1, east(0))], offers, max_km=25)
    assert proposal == Proposal(1, None, None, Reason.TOO_FAR)


def test_max_km_is_inclusive_and_compared_unrounded():
    trainee = TraineeHome(1, 1, east(0))
    assert propose_placements([trainee], [OfferPlaces(10, 2, east(0), 1)], 0)[0].reason == Reason.NEARBY
    offer = OfferPlaces(10, 2, east(10.04), 1)  # 10.0 km when rounded for display
    assert round(float(haversine_km(*trainee.point, *offer.point)), 1) == 10.0
    assert propose_placements([trainee], [offer], 10.0)[0].reason == Reason.TOO_FAR
    assert propose_placements([trainee], [offer], 10.1)[0].reason == Reason.NEARBY


def test_no_free_places_at_all_is_no_capacity():
    trainees = [TraineeHome(1, 1, east(0)), TraineeHome(2, 2, east(400))]
    offers = [OfferPlaces(10, 1, east(0), 0)]
    assert [p.reason for p in propose_placements(trainees, offers, 20)] == [Reason.NO_CAPACITY] * 2
    assert [p.reason for p in propose_placements(trainees, [], 20)] == [Reason.NO_CAPACITY] * 2


def test_no_home_point_is_no_home():
    trainees = [TraineeHome(1, 1, None), TraineeHome(2, None, None), TraineeHome(3, None, east(1))]
    offers = [OfferPlaces(10, 1, east(0), 5)]
    result = by_trainee(propose_placements(trainees, offers, 20))
    # Trainee 3 has a point but no municipality: placed, never "home".
    assert result == {1: (None, Reason.NO_HOME), 2: (None, Reason.NO_HOME), 3: (10, Reason.NEARBY)}


def test_placing_the_most_beats_the_shortest_distance():
    # Greedy by distance gives trainee 1 the 2 km place, and trainee 2 (who can reach only that
    # one) nothing. Placing both sends trainee 1 to the 20 km place.
    trainees = [TraineeHome(1, 1, east(0)), TraineeHome(2, 2, east(-10))]
    offers = [OfferPlaces(10, 3, east(-2), 1), OfferPlaces(20, 4, east(20), 1)]
    result = by_trainee(propose_placements(trainees, offers, max_km=25))
    assert result == {1: (20, Reason.NEARBY), 2: (10, Reason.NEARBY)}


def test_home_count_beats_the_total_distance():
    # Trainee 1 lives 9 km from their municipality's centre (offer 10) and 1 km from offer 20;
    # trainee 2 lives 1 km from offer 10. Shortest: 1 -> 20, 2 -> 10 (2 km in all). One more at
    # home: 1 -> 10, 2 -> 20 (about 20 km).
    trainees = [TraineeHome(1, 1, east(0)), TraineeHome(2, 2, east(-10))]
    offers = [OfferPlaces(10, 1, east(-9), 1), OfferPlaces(20, 3, east(1), 1)]
    result = by_trainee(propose_placements(trainees, offers, max_km=25))
    assert result == {1: (10, Reason.HOME), 2: (20, Reason.NEARBY)}


def test_shuffled_input_gives_the_same_output():
    trainees, offers = random_cohort(random.Random(5), trainees=120, offers=25)
    expected = propose_placements(trainees, offers, 30)
    assert [p.trainee_id for p in expected] == sorted(t.id for t in trainees)
    rng = random.Random(6)
    for _ in range(3):
        rng.shuffle(trainees)
        rng.shuffle(offers)
        assert propose_placements(trainees, offers, 30) == expected


def test_invalid_input_is_refused():
    trainee, offer = TraineeHome(1, 1, east(0)), OfferPlaces(10, 1, east(0), 1)
    for trainees, offers, max_km in (
        ([trainee, trainee], [offer], 10),
        ([trainee], [offer, offer], 10),
        ([trainee], [OfferPlaces(10, 1, east(0), -1)], 10),
        ([trainee], [offer], -1),
        ([trainee], [offer], float("nan")),
    ):
        with pytest.raises(ValueError):
            propose_placements(trainees, offers, max_km)


@pytest.mark.parametrize(
    ("trainees", "places"),
    [(2000, (1, 6)), (500, (5, 20))],  # fewer places than trainees (the brief's case), then more
)
def test_a_cohort_on_300_offers_is_quick_and_respects_every_capacity(trainees, places):
    trainees, offers = random_cohort(random.Random(2026), trainees=trainees, offers=300, places=places)
    began = time.perf_counter()
    proposals = propose_placements(trainees, offers, max_km=30)
    elapsed = time.perf_counter() - began
    assert elapsed < 3, f"{elapsed:.2f} s"

    assert len(proposals) == len(trainees)
    offer_of = {o.id: o for o in offers}
    home_of = {t.id: t for t in trainees}
    used = Counter(p.offer_id for p in proposals if p.placed)
    assert all(used[o] <= offer_of[o].places for o in used)
    for p in proposals:
        if p.placed:
            offer, trainee = offer_of[p.offer_id], home_of[p.trainee_id]
            assert p.distance_km <= 30
            assert p.distance_km == pytest.approx(float(haversine_km(*trainee.point, *offer.point)))
            assert (p.reason == Reason.HOME) == (offer.municipality_id == trainee.municipality_id)
        else:
            assert p.reason in (Reason.TOO_FAR, Reason.NO_CAPACITY)
    reasons = Counter(p.reason for p in proposals)
    assert reasons[Reason.HOME] > 0 and reasons[Reason.NEARBY] > 0


# The brute force: every assignment of a few trainees, compared on the objective tuple.


def objective(placed: dict[int, tuple[bool, int]]) -> tuple:
    """(most placed, most at home, least metres, lowest placed ids) as a tuple to minimise;
    `placed` maps a placed trainee id to (at home, metres)."""
    return (
        -len(placed),
        -sum(home for home, _ in placed.values()),
        sum(m for _, m in placed.values()),
        tuple(sorted(placed)),
    )


def brute_force(trainees, offers, max_km) -> tuple:
    located = sorted((t for t in trainees if t.point is not None), key=lambda t: t.id)
    open_offers = sorted((o for o in offers if o.places > 0), key=lambda o: o.id)
    if not located or not open_offers:
        return objective({})
    t_lat, t_lon = np.array([t.point for t in located]).T
    o_lat, o_lon = np.array([o.point for o in open_offers]).T
    km = haversine_km(t_lat[:, None], t_lon[:, None], o_lat[None, :], o_lon[None, :])
    choices = [
        [None] + [j for j in range(len(open_offers)) if km[i, j] <= max_km] for i in range(len(located))
    ]
    best = None
    for combo in itertools.product(*choices):
        taken = Counter(j for j in combo if j is not None)
        if any(taken[j] > open_offers[j].places for j in taken):
            continue
        placed = {
            t.id: (
                t.municipality_id is not None and t.municipality_id == open_offers[j].municipality_id,
                round(km[i, j] * 1000),
            )
            for i, (t, j) in enumerate(zip(located, combo, strict=True))
            if j is not None
        }
        best = min(best, objective(placed)) if best else objective(placed)
    return best


def solver_objective(proposals: list[Proposal]) -> tuple:
    return objective(
        {p.trainee_id: (p.reason == Reason.HOME, round(p.distance_km * 1000)) for p in proposals if p.placed}
    )


def small_case(rng: random.Random):
    """A handful of trainees and offers on a coarse grid of municipality centres (so that equal
    distances and shared municipalities are common), some trainees off-centre or without a point."""
    grid = [(52.0 + 0.1 * a, 5.0 + 0.15 * b) for a in range(3) for b in range(3)]
    municipalities = rng.sample(range(len(grid)), 5)
    offers = [
        OfferPlaces(100 + k, m, grid[m], rng.choice((0, 1, 1, 2, 2)))
        for k, m in enumerate(rng.sample(municipalities, 3))
    ]
    trainees = []
    for tid in rng.sample(range(1, 50), 5):
        m = rng.choice(municipalities)
        kind = rng.random()
        if kind < 0.1:
            trainees.append(TraineeHome(tid, m, None))
        elif kind < 0.25:
            trainees.append(TraineeHome(tid, m, (grid[m][0] + rng.uniform(-0.1, 0.1), grid[m][1])))
        else:
            trainees.append(TraineeHome(tid, m, grid[m]))
    return trainees, offers


@pytest.fixture(params=["smaller side", "trainee rows", "place rows"])
def matrix_rows(request, monkeypatch):
    """The solver puts the smaller side on the rows; both ways must give the same optimum."""
    if request.param != "smaller side":
        by_trainee = request.param == "trainee rows"
        monkeypatch.setattr(assignment._Matrix, "by_trainee", property(lambda self: by_trainee))


@pytest.mark.usefixtures("matrix_rows")
def test_optimal_against_a_brute_force():
    rng = random.Random(11)
    compared = 0
    for _ in range(250):
        trainees, offers = small_case(rng)
        max_km = rng.choice((8.0, 15.0, 25.0, 40.0))
        proposals = propose_placements(trainees, offers, max_km)
        assert solver_objective(proposals) == brute_force(trainees, offers, max_km), (
            trainees,
            offers,
            max_km,
        )
        compared += 1

        # Interchangeable trainees: the lower id has the better place (home, metres, offer id).
        home_of = {t.id: t for t in trainees}
        groups = {}
        for p in proposals:
            if p.placed:
                t = home_of[p.trainee_id]
                groups.setdefault((t.municipality_id, t.point), []).append(
                    (p.reason != Reason.HOME, round(p.distance_km * 1000), p.offer_id)
                )
        for places in groups.values():
            assert places == sorted(places)
    assert compared == 250


def single_weighted_solve(trainees, offers, max_km) -> tuple:
    """The objective in one solve with every level weighed (unplaced, home, metres, id rank): exact in
    float64 only for small cohorts (the module explains why), so an independent check on them."""
    located = sorted((t for t in trainees if t.point is not None), key=lambda t: t.id)
    open_offers = sorted((o for o in offers if o.places > 0), key=lambda o: o.id)
    if not located or not open_offers:
        return objective({})
    t_lat, t_lon = np.array([t.point for t in located]).T
    o_lat, o_lon = np.array([o.point for o in open_offers]).T
    km = haversine_km(t_lat[:, None], t_lon[:, None], o_lat[None, :], o_lon[None, :])
    metres = np.rint(km * 1000)
    home = np.array([[t.municipality_id == o.municipality_id for o in open_offers] for t in located])
    n, within = len(located), km <= max_km
    longest = metres[within].max() if within.any() else 0
    home_missed, per_metre = n * longest + 1, n * n + 1
    placed_bonus = (n + 1) * ((home_missed + longest) * per_metre + n)
    weighed = (np.where(home, 0, home_missed) + metres) * per_metre + np.arange(n)[:, None] - placed_bonus
    place_offer = np.repeat(np.arange(len(open_offers)), [o.places for o in open_offers])
    matrix = np.hstack([np.where(within, weighed, np.inf)[:, place_offer], np.zeros((n, n))])
    assert matrix.shape[1] * placed_bonus * 4 < 2**53
    placed = {}
    for i, col in zip(*linear_sum_assignment(matrix), strict=True):
        if col < len(place_offer):
            placed[located[i].id] = (bool(home[i, place_offer[col]]), int(metres[i, place_offer[col]]))
    return objective(placed)


def squeeze(point: tuple[float, float]) -> tuple[float, float]:
    """Into a region 8 times smaller, on a 0.01 degree grid: many in reach, many equal distances."""
    return (round(52 + (point[0] - 52) / 8, 2), round(5 + (point[1] - 5) / 8, 2))


@pytest.mark.usefixtures("matrix_rows")
def test_agrees_with_a_single_weighted_solve_on_medium_cohorts():
    rng = random.Random(3)
    for _ in range(60):
        size = {"trainees": rng.randint(5, 60), "offers": rng.randint(1, 15)}
        trainees, offers = random_cohort(rng, **size, places=(0, 3))
        trainees = [TraineeHome(t.id, t.municipality_id, squeeze(t.point)) for t in trainees]
        offers = [OfferPlaces(o.id, o.municipality_id, squeeze(o.point), o.places) for o in offers]
        max_km = rng.choice((3.0, 8.0, 15.0, 30.0))
        expected = single_weighted_solve(trainees, offers, max_km)
        assert solver_objective(propose_placements(trainees, offers, max_km)) == expected
