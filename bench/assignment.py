"""Proposing internship places for a whole cohort at once (placements/assignment.py): 2,000 trainees
on 300 offers with 1-6 free places each, at random points in the Netherlands (seeded).

    .venv/bin/python -m bench.assignment                  # median of 5 runs at max_km 30
    .venv/bin/python -m bench.assignment --max-km 60 -n 9
    .venv/bin/python -m bench.assignment --large-demo     # the service on `demo --scale large`

Prints wall and CPU time (median and max of the runs) and the counts: placed at home, placed within
max_km (home included), unplaced (too far, no capacity). The aim is under a second. Pure Python and
numpy/scipy: no app, no database.
"""

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from placements.assignment import OfferPlaces, Reason, TraineeHome, propose_placements  # noqa: E402

TARGET_S = 1.0


def random_cohort(rng: random.Random, trainees: int = 2000, offers: int = 300, places=(1, 6)):
    """Offers at random points in the Netherlands, each in a municipality of its own, with `places`
    (lowest, highest) free places; a third of the trainees live in one of those municipalities (at
    its centre), the rest at random points. Also the unit tests' data (tests/unit/test_assignment.py)."""

    def point() -> tuple[float, float]:
        return (rng.uniform(50.8, 53.5), rng.uniform(3.4, 7.2))

    offer_list = [OfferPlaces(1000 + k, k, point(), rng.randint(*places)) for k in range(offers)]
    trainee_list = []
    for i in range(trainees):
        if rng.random() < 1 / 3:
            home = rng.choice(offer_list)
            trainee_list.append(TraineeHome(i + 1, home.municipality_id, home.point))
        else:
            trainee_list.append(TraineeHome(i + 1, 10_000 + i, point()))
    return trainee_list, offer_list


def assignment_timing(max_km: float = 30.0, runs: int = 5, seed: int = 2026) -> dict:
    trainees, offers = random_cohort(random.Random(seed))
    walls, cpus = [], []
    for _ in range(runs):
        began_wall, began_cpu = time.perf_counter(), time.process_time()
        proposals = propose_placements(trainees, offers, max_km)
        walls.append(time.perf_counter() - began_wall)
        cpus.append(time.process_time() - began_cpu)
    reasons = Counter(p.reason for p in proposals)
    return {
        "trainees": len(trainees),
        "offers": len(offers),
        "places": sum(o.places for o in offers),
        "max_km": max_km,
        "runs": runs,
        "median_s": statistics.median(walls),
        "max_s": max(walls),
        "median_cpu_s": statistics.median(cpus),
        "home": reasons[Reason.HOME],
        "within": reasons[Reason.HOME] + reasons[Reason.NEARBY],
        "unplaced": len(proposals) - reasons[Reason.HOME] - reasons[Reason.NEARBY],
        "too_far": reasons[Reason.TOO_FAR],
        "no_capacity": reasons[Reason.NO_CAPACITY],
    }


def large_demo_proposals(max_km: int) -> dict:
    """`flask demo --scale large` in a temporary SQLite file, then the whole-group proposal
    (placements/group_proposal.py, with its queries) for every cohort that has trainees without a
    place: the slowest cohort's time and the counts over all of them."""
    import tempfile
    from datetime import date

    import sqlalchemy as sa

    from app import create_app
    from cohort.models import Cohort
    from demo_large import LARGE, load_large_demo
    from extensions import db
    from placements.group_proposal import group_proposal

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/large.db", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            load_large_demo(date.today(), seed=1, scale=LARGE, password="bench-password")  # noqa: S106
            db.session.commit()
            counts, slowest, cohorts = Counter(), 0.0, 0
            for cohort in db.session.scalars(sa.select(Cohort)).all():
                started = time.perf_counter()
                proposal = group_proposal(cohort, max_km)
                seconds = time.perf_counter() - started
                if proposal.lines:
                    cohorts += 1
                    slowest = max(slowest, seconds)
                    counts.update(line.reason for line in proposal.lines)
            db.session.remove()
            db.engine.dispose()
    return {"cohorts": cohorts, "slowest_s": slowest, "max_km": max_km, **counts}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-km", type=float, default=30.0)
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--large-demo", action="store_true", help="the service on the large demo data")
    args = parser.parse_args()
    if args.large_demo:
        r = large_demo_proposals(int(args.max_km))
        print(
            f"{r['cohorts']} cohorts with trainees to place, max_km {r['max_km']}: slowest"
            f" {r['slowest_s']:.3f} s (target < {TARGET_S:g} s); at home {r.get('home', 0)}, elsewhere within"
            f" {r['max_km']} km {r.get('nearby', 0)}, beyond {r.get('too_far', 0)}, no place left"
            f" {r.get('no_capacity', 0)}, home unknown {r.get('no_home', 0)}"
        )
        return
    r = assignment_timing(args.max_km, args.runs, args.seed)
    print(
        f"{r['trainees']} trainees, {r['offers']} offers ({r['places']} places), max_km {r['max_km']:g}: "
        f"median {r['median_s']:.3f} s wall, {r['median_cpu_s']:.3f} s CPU, max {r['max_s']:.3f} s "
        f"over {r['runs']} runs (target < {TARGET_S:g} s: {'met' if r['median_s'] < TARGET_S else 'NOT met'})"
    )
    print(
        f"home {r['home']}, within {r['within']} (home included), unplaced {r['unplaced']} "
        f"(too far {r['too_far']}, no capacity {r['no_capacity']})"
    )


if __name__ == "__main__":
    main()
