"""`flask demo --scale large`: a national programme's worth of data, for the benchmark (bench/run.py).

Deterministic from a seed (same seed, same day: same data). Rows go in with bulk INSERTs in
batches, not one ORM object at a time, so 300,000 attendance rows take seconds, not minutes.
Sessions come from the real planner (cohort/planning.py), around holidays and closures, exactly
as saving a cohort would plan them.
"""

import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from accounts.models import Role, User
from cohort import planning
from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import Evidence, Source, Work, follow_up_moments
from cohort.models import (
    Closure,
    Cohort,
    CohortPhase,
    PlanAttention,
    ProgrammeTemplate,
    Trainee,
    TraineeOutcome,
    TraineeStatus,
)
from cohort.services import _session_from_plan, seed_default_templates
from extensions import db
from outbox.models import MessageStatus, OutboxMessage
from placements.evaluations.rules import CRITERIA as EVALUATION_CRITERIA
from placements.evaluations.services import LINK_SUBMITTER
from placements.models import (
    Evaluation,
    InternshipOffer,
    Municipality,
    Placement,
    PlacementStatus,
    Supervisor,
    new_feed_salt,
)
from placements.municipalities.register import REGISTER_FILE, load_files
from sessions.models import Attendance, AttendanceStatus, SessionStatus, TrainingSession


@dataclass(frozen=True)
class Scale:
    """How much to make. The defaults are the issue's "large"; tests and `bench --quick` shrink it."""

    cohorts: int = 100
    trainees_per_cohort: int = 20
    municipalities: int = 150
    messages: int = 100_000
    trainers: int = 10
    managers: int = 5
    # Long training (4 days a week) gives ~210 sessions a cohort: ~21,000 for 100 cohorts.
    training_weeks: int = 42
    internship_weeks: int = 8
    programme_weeks: int = 52


LARGE = Scale()
BATCH = 5_000

# One login per role: the trainee is an intern right now, the contact is their municipality's.
MANAGER_EMAIL = "manager@cohort.example"
TRAINER_EMAIL = "trainer@cohort.example"
CONTACT_EMAIL = "gemeente@cohort.example"
TRAINEE_EMAIL = "deelnemer@cohort.example"

FIRST_NAMES = (
    "Amina", "Rahaf", "Dawit", "Nour", "Samir", "Tesfay", "Fatima", "Yonas", "Leila", "Mohammed",
    "Aziz", "Hiba", "Selam", "Omar", "Mariam", "Ahmad", "Zainab", "Yusuf", "Rania", "Bilal",
)  # fmt: skip
LAST_NAMES = (
    "Yusuf", "Al-Hassan", "Tesfaye", "Haddad", "Rahimi", "Gebremedhin", "Osman", "Berhane",
    "Ahmadi", "Al-Khatib", "Mansour", "Kebede", "Nasser", "Hosseini", "Ibrahim", "Saleh",
)  # fmt: skip
TOWN_PARTS = ("Berg", "Dijk", "Veen", "Hoven", "Dam", "Wold", "Broek", "Horst", "Zand", "Meer")
ATTENDANCE_WEIGHTS = (
    (AttendanceStatus.PRESENT, 85),
    (AttendanceStatus.LATE, 7),
    (AttendanceStatus.ABSENT_EXCUSED, 5),
    (AttendanceStatus.ABSENT, 3),
)


@dataclass
class Built:
    """What the later steps need to know about what the earlier steps inserted."""

    municipality_ids: list[int] = field(default_factory=list)
    trainer_ids: list[int] = field(default_factory=list)
    manager_ids: list[int] = field(default_factory=list)
    # cohort id -> (start date, plan); trainee rows per cohort id, with their ids.
    cohorts: dict[int, tuple[date, planning.Plan]] = field(default_factory=dict)
    trainees: dict[int, list[dict]] = field(default_factory=dict)
    sessions: dict[int, list[dict]] = field(default_factory=dict)
    trainee_user_ids: dict[int, int] = field(default_factory=dict)  # trainee id -> user id
    placed_at: Counter = field(default_factory=Counter)  # municipality id -> current interns
    demo_cohort_id: int | None = None
    demo_trainee: dict | None = None
    demo_municipality_id: int | None = None


def insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Bulk INSERT, returning the new ids in the order of `rows` (SQLite and PostgreSQL alike)."""
    ids = []
    for start in range(0, len(rows), BATCH):
        statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(statement, rows[start : start + BATCH]).all())
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    return ids


class BatchInserter:
    """Collects rows of one table and inserts them BATCH at a time, so memory stays flat."""

    def __init__(self, model, on_insert: Callable[[int], None] = lambda _n: None):
        self.model, self.rows, self.on_insert, self.count = model, [], on_insert, 0

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            db.session.execute(sa.insert(self.model), self.rows)
            self.count += len(self.rows)
            self.on_insert(len(self.rows))
            self.rows = []


def _utc(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=UTC)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _cohort_start_weeks(rng: random.Random, scale: Scale) -> list[int]:
    """Weeks from this Monday: 45% finished, 40% running (the first in its internship), the rest planned."""
    past = round(scale.cohorts * 0.45)
    running = round(scale.cohorts * 0.40)
    planned = scale.cohorts - past - running
    in_internship = -(scale.training_weeks + 3)  # internship week 4: the demo trainee's cohort (unique)
    return (
        [rng.randint(-150, -scale.programme_weeks - 1) for _ in range(past)]
        + [in_internship]
        + [rng.randint(-scale.programme_weeks + 1, -1) for _ in range(running - 1)]
        + [rng.randint(1, 26) for _ in range(planned)]
    )


def _register_municipalities(rng: random.Random, scale: Scale) -> list[int]:
    """`scale.municipalities` real municipalities from the national register (loaded if it is not
    yet), in a seeded random choice, each with a town-hall address: the homes and hosts."""
    load_files(REGISTER_FILE)
    rows = db.session.execute(
        sa.select(Municipality.id, Municipality.name).order_by(Municipality.cbs_code)
    ).all()
    chosen = sorted(rng.sample(rows, min(scale.municipalities, len(rows))))
    db.session.execute(
        sa.update(Municipality),
        [{"id": m.id, "address": f"Raadhuisplein {m.id % 40 + 1}, {m.name}"} for m in chosen],
    )
    return [m.id for m in chosen]


def _people(rng: random.Random, password_hash: str, scale: Scale, built: Built) -> None:
    built.municipality_ids = _register_municipalities(rng, scale)
    staff = [
        _user(password_hash, MANAGER_EMAIL if n == 0 else f"manager{n}@cohort.example", Role.MANAGER)
        for n in range(scale.managers)
    ] + [
        _user(password_hash, TRAINER_EMAIL if n == 0 else f"trainer{n}@cohort.example", Role.TRAINER)
        for n in range(scale.trainers)
    ]
    ids = insert_returning_ids(User, staff)
    built.manager_ids, built.trainer_ids = ids[: scale.managers], ids[scale.managers :]


def _user(password_hash: str, email: str, role: Role, **links) -> dict:
    name = email.split("@")[0].replace(".", " ").title()
    row = {"email": email, "name": name, "password_hash": password_hash, "role": role.value}
    return row | {"municipality_id": None, "trainee_id": None} | links


def _closures(today: date) -> list[planning.Closure]:
    rows = [
        {"start_date": date(year, 12, 21), "end_date": date(year + 1, 1, 1), "reason": "Kerstvakantie"}
        for year in range(today.year - 4, today.year + 3)
    ]
    db.session.execute(sa.insert(Closure), rows)
    return [planning.Closure(r["start_date"], r["end_date"], r["reason"]) for r in rows]


def _plan_cohorts(rng, today, scale: Scale, closures, built: Built) -> None:
    """Every cohort planned by the real planner; cohorts, phases and attention rows inserted."""
    template = db.session.scalar(sa.select(ProgrammeTemplate).filter_by(slug=planning.DEFAULT_TEMPLATE_SLUG))
    monday, rows, plans = _monday(today), [], []
    for n, weeks in enumerate(_cohort_start_weeks(rng, scale)):
        start = monday + timedelta(weeks=weeks)
        settings = planning.settings_from_template(
            template.as_plan_template(),
            start,
            training_weeks=scale.training_weeks,
            internship_weeks=scale.internship_weeks,
            programme_weeks=scale.programme_weeks,
        )
        plan = planning.plan_cohort(settings, closures)
        plans.append((start, plan))
        city = f"{rng.choice(TOWN_PARTS)}{rng.choice(TOWN_PARTS).lower()}"
        rows.append(
            {
                "name": f"Cohort {n + 1} {city} {start:%Y-%m}",
                "template_id": template.id,
                "start_date": start,
                "end_date": plan.end_date,
                "location": f"Leslocatie Stationsplein {n % 30 + 1}, {city}",
                "capacity": scale.trainees_per_cohort + 4,
                "training_weeks": scale.training_weeks,
                "internship_weeks": scale.internship_weeks,
                "programme_weeks": scale.programme_weeks,
                "planned_at": _utc(start - timedelta(weeks=8), time(10)),
            }
        )
    ids = insert_returning_ids(Cohort, rows)
    built.cohorts = dict(zip(ids, plans, strict=True))
    demo_start = monday - timedelta(weeks=scale.training_weeks + 3)
    built.demo_cohort_id = next(cid for cid, (start, _plan) in built.cohorts.items() if start == demo_start)
    phases = [
        {"cohort_id": cid, "kind": str(p.kind), "start_date": p.start_date, "end_date": p.end_date}
        for cid, (_start, plan) in built.cohorts.items()
        for p in plan.phases
    ]
    attention = [
        {"cohort_id": cid, "date": a.date, "kind": str(a.kind), "reason": a.reason.split(";")[0]}
        for cid, (_start, plan) in built.cohorts.items()
        for a in plan.attention
    ]
    db.session.execute(sa.insert(CohortPhase), phases)
    if attention:
        db.session.execute(sa.insert(PlanAttention), attention)


def _phase(plan: planning.Plan, kind: planning.PhaseKind) -> planning.Phase | None:
    return next((p for p in plan.phases if p.kind == kind), None)


def _trainees(rng, today, scale: Scale, password_hash: str, built: Built) -> None:
    """20 trainees a cohort, each with an account; a few withdrew, finished cohorts have outcomes."""
    rows, serial = [], 0
    for cohort_id, (start, plan) in built.cohorts.items():
        finished, started = plan.end_date < today, start <= today
        for _ in range(scale.trainees_per_cohort):
            serial += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            status = TraineeStatus.COMPLETED if finished else TraineeStatus.ACTIVE
            withdrawn_on = None
            if started and rng.random() < 0.03:
                status = TraineeStatus.WITHDRAWN
                withdrawn_on = start + timedelta(
                    days=rng.randint(7, max(8, (min(today, plan.end_date) - start).days))
                )
            elif not started:
                status = TraineeStatus.ENROLLED
            rows.append(
                {
                    "cohort_id": cohort_id,
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}.{serial}@mail.example".lower(),
                    "phone": f"06-{10_000_000 + serial}",
                    "home_municipality_id": rng.choice(built.municipality_ids),
                    "languages": rng.choice(
                        ("Arabisch, Engels", "Tigrinya, Engels", "Dari, Farsi", "Somali")
                    ),
                    "status": status.value,
                    "withdrawn_on": withdrawn_on,
                    "withdrawal_reason": "Werk gevonden" if withdrawn_on else None,
                    "outcome": rng.choice(list(TraineeOutcome)).value if finished else None,
                    "outcome_date": plan.end_date if finished else None,
                    "completed_on": plan.end_date if status == TraineeStatus.COMPLETED else None,
                    # From the seed, so the same seed gives the same feed links (demo data only).
                    "calendar_salt": f"{rng.getrandbits(96):024x}",
                }
            )
    insert_returning_ids(Trainee, rows)
    for row in rows:
        built.trainees.setdefault(row["cohort_id"], []).append(row)
    built.demo_trainee = next(
        t for t in built.trainees[built.demo_cohort_id] if t["status"] == TraineeStatus.ACTIVE
    )
    accounts = [
        _user(
            password_hash,
            TRAINEE_EMAIL if t is built.demo_trainee else t["email"],
            Role.TRAINEE,
            trainee_id=t["id"],
        )
        | {"name": t["name"]}
        for t in rows
    ]
    insert_returning_ids(User, accounts)
    built.trainee_user_ids = {a["trainee_id"]: a["id"] for a in accounts}


def _session_row(cohort_id: int, trainer_id: int, planned: planning.PlannedSession, now: datetime) -> dict:
    # The planned fields exactly as save_cohort stores them; `now` instead of the clock keeps the
    # demo data the same on every run.
    return {
        **_session_from_plan(planned),
        "cohort_id": cohort_id,
        "trainer_id": trainer_id,
        "status": SessionStatus.SCHEDULED.value,
        "updated_at": now,
    }


def _sessions(rng, built: Built, now: datetime) -> None:
    rows = []
    for cohort_id, (_start, plan) in built.cohorts.items():
        trainer_id = rng.choice(built.trainer_ids)
        rows.extend(_session_row(cohort_id, trainer_id, planned, now) for planned in plan.sessions)
    insert_returning_ids(TrainingSession, rows)
    for row in rows:
        built.sessions.setdefault(row["cohort_id"], []).append(row)


def _attendance_status(rng: random.Random) -> str:
    pick = rng.randrange(100)
    for status, weight in ATTENDANCE_WEIGHTS:
        if pick < weight:
            return status.value
        pick -= weight
    return AttendanceStatus.PRESENT.value


def _attendance(rng, today: date, built: Built, bar) -> int:
    """Every trainee's attendance at every past session of their cohort (until they withdrew)."""
    rows = BatchInserter(Attendance, bar.update)
    for cohort_id, sessions in built.sessions.items():
        trainees = built.trainees[cohort_id]
        for sess in sessions:
            if sess["date"] >= today:
                break  # sessions are in date order
            recorded_at = _utc(sess["date"], sess["end_time"])
            for trainee in trainees:
                if trainee["withdrawn_on"] and sess["date"] > trainee["withdrawn_on"]:
                    continue
                rows.add(
                    {
                        "session_id": sess["id"],
                        "trainee_id": trainee["id"],
                        "status": _attendance_status(rng),
                        "note": "",
                        "recorded_by_id": sess["trainer_id"],
                        "recorded_at": recorded_at,
                    }
                )
    rows.flush()
    return rows.count


def _placements(rng, today: date, scale: Scale, built: Built) -> int:
    """An internship near home for every trainee whose cohort reached its internship; offers to match.

    Finished internships are completed, current ones active; each offer's places_taken counts them.
    Municipalities without interns still offer places to a planned or running cohort.
    """
    offers, placements = {}, []
    for cohort_id, (_start, plan) in built.cohorts.items():
        internship = _phase(plan, planning.PhaseKind.INTERNSHIP)
        if internship is None or internship.start_date > today:
            continue
        status = PlacementStatus.COMPLETED if internship.end_date < today else PlacementStatus.ACTIVE
        for trainee in built.trainees[cohort_id]:
            if trainee["withdrawn_on"] and trainee["withdrawn_on"] < internship.start_date:
                continue
            municipality_id = trainee["home_municipality_id"]
            offer = offers.setdefault((municipality_id, cohort_id), _offer(rng, municipality_id, cohort_id))
            offer["places_taken"] += 1
            offer["places"] = max(offer["places"], offer["places_taken"])
            if status == PlacementStatus.ACTIVE:
                built.placed_at[municipality_id] += 1
            placements.append(_placement(trainee, offer, status, internship.start_date))
    not_started = [cid for cid, (_s, plan) in built.cohorts.items() if plan.phases[0].start_date > today]
    # Cohorts still before their internship have places on offer in about half of their trainees'
    # home municipalities: the whole-group proposal (and the shortage view) have work to do.
    for cohort_id, (_start, plan) in built.cohorts.items():
        internship = _phase(plan, planning.PhaseKind.INTERNSHIP)
        if internship is not None and internship.start_date > today:
            for municipality_id in sorted({t["home_municipality_id"] for t in built.trainees[cohort_id]}):
                if rng.random() < 0.5:
                    offers.setdefault((municipality_id, cohort_id), _offer(rng, municipality_id, cohort_id))
    offering = {municipality_id for municipality_id, _cohort_id in offers}
    for municipality_id in built.municipality_ids:
        if municipality_id not in offering and not_started:
            cohort_id = rng.choice(not_started)
            offers[(municipality_id, cohort_id)] = _offer(rng, municipality_id, cohort_id)
    offer_rows = list(offers.values())
    supervisor_ids = _supervisors({offer["municipality_id"] for offer in offer_rows})
    for offer in offer_rows:
        offer["supervisor_id"] = supervisor_ids[offer["municipality_id"]]
    insert_returning_ids(InternshipOffer, offer_rows)
    for placement in placements:
        offer = placement.pop("offer")
        placement["offer_id"], placement["supervisor_id"] = offer["id"], offer["supervisor_id"]
    insert_returning_ids(Placement, placements)
    _final_evaluations(rng, placements)
    return len(placements)


def _final_evaluations(rng, placements: list[dict]) -> None:
    """Completed internships have both evaluations, but a few finals never came in."""
    rows = []
    for placement in placements:
        if placement["status"] != PlacementStatus.COMPLETED:
            continue
        for kind in ("midterm", "final"):
            if kind == "final" and rng.random() < 0.06:
                continue
            scores = {code: rng.randint(2, 5) for code in EVALUATION_CRITERIA}
            rows.append(
                {
                    "placement_id": placement["id"],
                    "kind": kind,
                    "scores": scores,
                    "submitted_by": f"{LINK_SUBMITTER} (Sanne de Vries)",
                }
            )
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(Evaluation), rows[start : start + BATCH])


# After the programme: how many answer each follow-up, and what they say.
ANSWERS = {3: 0.75, 6: 0.7, 12: 0.6}
OTHER_EMPLOYERS = ("Vluchtelingenwerk", "Zorggroep De Linde", "Taalhuis", "Bibliotheek", "Buurtteam")


def _work_after(rng, previous: str | None) -> str:
    """Once working, most stay working; consultants mostly stay consultants."""
    if previous in (Work.CONSULTANT, Work.OTHER) and rng.random() < 0.85:
        return previous if rng.random() < 0.9 else Work.OTHER
    return rng.choices((Work.CONSULTANT, Work.OTHER, Work.NONE), (45, 30, 25))[0]


def _work_outcomes(rng, now: datetime, built: Built) -> int:
    """Former trainees' answers to the follow-ups whose moment has passed; some confirmed by the
    employer municipality, some recorded by a manager after a phone call."""
    rows = []
    for trainees in built.trainees.values():
        for trainee in trainees:
            left_on = trainee["completed_on"] or trainee["withdrawn_on"]
            if left_on is None:
                continue
            previous = None
            for moment in follow_up_moments(left_on, current_app.config["TIMEZONE"]):
                if moment.ask_at > now or rng.random() > ANSWERS[moment.months]:
                    continue
                previous = work = _work_after(rng, previous)
                consultant = work == Work.CONSULTANT
                answered = moment.ask_at + timedelta(days=rng.randint(0, 20))
                evidence, source = Evidence.SELF_REPORTED, Source.FOLLOW_UP_LINK
                if consultant and rng.random() < 0.5:
                    evidence = Evidence.EMPLOYER_CONFIRMED
                elif rng.random() < 0.15:
                    evidence, source = Evidence.PROGRAMME, Source.PHONE_CALL
                rows.append(
                    {
                        "trainee_id": trainee["id"],
                        "months": moment.months,
                        "work": work.value,
                        "employer_municipality_id": rng.choice(built.municipality_ids)
                        if consultant
                        else None,
                        "employer_name": rng.choice(OTHER_EMPLOYERS) if work == Work.OTHER else "",
                        "hours_per_week": rng.choice((16, 24, 32, 36)) if work != Work.NONE else None,
                        "evidence": evidence.value,
                        "source": source.value,
                        "note": "",
                        "known_on": min(answered, now).date(),
                        "recorded_at": min(answered, now),
                        "employer_answer": "confirmed" if evidence == Evidence.EMPLOYER_CONFIRMED else None,
                    }
                )
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(WorkOutcome), rows[start : start + BATCH])
    return len(rows)


def _supervisors(municipality_ids: set[int]) -> dict[int, int]:
    """One supervisor in the register of each municipality that offers places: municipality -> id."""
    rows = [
        {
            "municipality_id": municipality_id,
            "name": "Sanne de Vries",
            "email": f"begeleider{municipality_id}@gemeente.example",
            "phone": "030-2860000",
            "department": "Team Inburgering",
            "is_active": True,
            "feed_salt": new_feed_salt(),
            "created_at": datetime.now(UTC),
        }
        for municipality_id in sorted(municipality_ids)
    ]
    insert_returning_ids(Supervisor, rows)
    return {row["municipality_id"]: row["id"] for row in rows}


def _offer(rng, municipality_id: int, cohort_id: int) -> dict:
    return {
        "municipality_id": municipality_id,
        "cohort_id": cohort_id,
        "places": rng.randint(1, 3),
        "places_taken": 0,
        "department": "Team Inburgering",
        "address": f"Raadhuisplein {municipality_id % 40 + 1}",
    }


def _placement(trainee: dict, offer: dict, status: PlacementStatus, starts: date) -> dict:
    proposed = _utc(starts - timedelta(weeks=6), time(9))
    return {
        "trainee_id": trainee["id"],
        "cohort_id": trainee["cohort_id"],
        "offer": offer,
        "status": status.value,
        "workplace_address": offer["address"],
        "weekdays": "mon,tue,wed,thu",
        "proposed_at": proposed,
        "answered_at": proposed + timedelta(days=3),
    }


def _contacts(password_hash: str, built: Built) -> None:
    """One contact per municipality; the demo login is the contact where the demo trainee is an intern."""
    built.demo_municipality_id = built.demo_trainee["home_municipality_id"]
    rows = [
        _user(
            password_hash,
            CONTACT_EMAIL if mid == built.demo_municipality_id else f"contact{mid}@gemeente.example",
            Role.MUNICIPALITY,
            municipality_id=mid,
        )
        for mid in built.municipality_ids
    ]
    insert_returning_ids(User, rows)


def _outbox(rng, today: date, scale: Scale, built: Built, bar) -> int:
    """Sent session reminders for past sessions: an outbox history of exactly `scale.messages` rows."""
    pairs = [
        (sess, trainee)
        for cid, sessions in built.sessions.items()
        for sess in sessions
        if sess["date"] < today
        for trainee in built.trainees[cid]
    ]
    chosen = sorted(rng.sample(range(len(pairs)), min(scale.messages, len(pairs))))
    rows = BatchInserter(OutboxMessage, bar.update)
    for index in chosen:
        sess, trainee = pairs[index]
        rows.add(_reminder(sess, trainee, built.trainee_user_ids[trainee["id"]]))
    rows.flush()
    return rows.count


def _reminder(sess: dict, trainee: dict, user_id: int) -> dict:
    due = _utc(sess["date"] - timedelta(days=1), time(17))
    when = f"{sess['date']:%d-%m-%Y} {sess['start_time']:%H:%M}"
    occasion = f"{sess['date'].isoformat()}T{sess['start_time']:%H%M}"
    return {
        "key": f"session_reminder:{sess['id']}:{user_id}:{occasion}",
        "kind": "session_reminder",
        "recipient": trainee["email"],
        "recipient_user_id": user_id,
        "language": "nl",
        "session_id": sess["id"],
        "trainee_id": trainee["id"],
        "subject": "Herinnering: bijeenkomst morgen",
        "body_text": f"Beste deelnemer,\n\nMorgen, {when}, is er een bijeenkomst van je opleiding.\n",
        "body_html": f"<p>Beste deelnemer,</p><p>Morgen, {when}, is er een bijeenkomst van je opleiding.</p>",
        "status": MessageStatus.SENT.value,
        "due_at": due,
        "attempts": 0,
        "transport": "smtp",
        "sent_at": due + timedelta(minutes=1),
        "created_at": due - timedelta(days=2),
    }


def load_large_demo(today: date, password: str, seed: int = 1, scale: Scale = LARGE) -> dict:
    """Fill an empty database at scale; returns the row counts. The caller commits."""
    rng = random.Random(seed)
    # Hashing is deliberately slow (scrypt): once for every account, not 2,000 times.
    password_hash = generate_password_hash(password)
    now = datetime.now(UTC)
    built = Built()
    seed_default_templates()
    closures = _closures(today)
    _people(rng, password_hash, scale, built)
    _plan_cohorts(rng, today, scale, closures, built)
    _trainees(rng, today, scale, password_hash, built)
    _sessions(rng, built, now)
    counts = {
        "cohorts": len(built.cohorts),
        "trainees": sum(len(t) for t in built.trainees.values()),
        "municipalities": len(built.municipality_ids),
        "sessions": sum(len(s) for s in built.sessions.values()),
    }
    past_pairs = sum(
        len(built.trainees[cid]) * sum(1 for s in sessions if s["date"] < today)
        for cid, sessions in built.sessions.items()
    )
    with click.progressbar(length=past_pairs, label="Attendance", file=sys.stderr) as bar:
        counts["attendance"] = _attendance(rng, today, built, bar)
    counts["placements"] = _placements(rng, today, scale, built)
    counts["work outcomes"] = _work_outcomes(rng, now, built)
    _contacts(password_hash, built)
    with click.progressbar(length=scale.messages, label="Outbox    ", file=sys.stderr) as bar:
        counts["messages"] = _outbox(rng, today, scale, built, bar)
    return counts
