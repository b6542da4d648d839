"""Cohorts, their sessions and trainees, schedules and attendance: thin views over the services."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, current_app, g, jsonify, request, url_for

from accounts.models import Role, User
from api.blueprint import bp, json_body, require_role
from cohort import services as cohort_services
from cohort.access import cohorts_for, sees_trainee_details, trainees_for
from cohort.models import Cohort, Trainee
from core import audit
from core.audit import AuditAction, AuditSubject
from core.clock import local_today, utcnow
from core.errors import ValidationError
from core.scope import one_or_404
from extensions import db
from outbox.queue import send_queued_mail
from reports import outcome_queries, stats_services
from reports.monitoring import CohortStats
from sessions import services as session_services
from sessions.access import may_register_attendance, sessions_for
from sessions.feed_service import trainee_feed_url
from sessions.models import TrainingSession
from sessions.schedule import schedule_for


def _time(value) -> str:
    return value.strftime("%H:%M")


def session_counts(cohort_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(TrainingSession.cohort_id, sa.func.count(TrainingSession.id))
        .where(TrainingSession.cohort_id.in_(cohort_ids))
        .group_by(TrainingSession.cohort_id)
    )
    return dict(rows.all())


def cohort_json(cohort: Cohort, session_count: int | None = None) -> dict:
    if session_count is None:
        session_count = session_counts([cohort.id]).get(cohort.id, 0)
    return {
        "id": cohort.id,
        "name": cohort.name,
        "template": cohort.template.slug,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "location": cohort.location,
        "capacity": cohort.capacity,
        "phases": [
            {"kind": p.kind, "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat()}
            for p in cohort.phases
        ],
        "session_count": session_count,
        "attention": [
            {"date": a.date.isoformat(), "kind": a.kind, "reason": a.reason} for a in cohort.attention
        ],
    }


def session_json(sess: TrainingSession) -> dict:
    return {
        "id": sess.id,
        "cohort_id": sess.cohort_id,
        "kind": sess.kind,
        "date": sess.date.isoformat(),
        "start_time": _time(sess.start_time),
        "end_time": _time(sess.end_time),
        "title": sess.title,
        "location": sess.location,
        "description": sess.description,
        "trainer": sess.trainer.name if sess.trainer else None,
        "status": sess.status,
        "moved_from": sess.moved_from.isoformat() if sess.moved_from else None,
    }


def user_ids_of(trainees: list[Trainee]) -> dict[int, int]:
    """Trainee id -> their user account's id, for many trainees in one query."""
    rows = db.session.execute(
        sa.select(User.trainee_id, User.id).where(User.trainee_id.in_([t.id for t in trainees]))
    )
    return dict(rows.all())


def trainee_json(trainee: Trainee, user_id: int | None = None) -> dict:
    """Name and status for everyone who sees the trainee; the account, e-mail, home municipality
    and calendar link (a key to the schedule and internship) only for those who see the details:
    a trainer's answer leaves those keys out (cohort.access.sees_trainee_details)."""
    body = {"id": trainee.id, "cohort_id": trainee.cohort_id, "name": trainee.name, "status": trainee.status}
    if sees_trainee_details(g.api_user, trainee):
        if user_id is None:
            user_id = user_ids_of([trainee]).get(trainee.id)
        home = trainee.home_municipality
        body |= {
            "user_id": user_id,
            "email": trainee.email,
            "home_municipality_id": trainee.home_municipality_id,
            "home_municipality": home.name if home else None,
            "calendar_url": trainee_feed_url(trainee),
        }
    return body


@bp.post("/cohorts")
def create_cohort():
    require_role(Role.MANAGER)
    cohort, _changes = cohort_services.save_cohort(None, cohort_services.cohort_input_from(json_body()))
    db.session.commit()
    return jsonify(cohort_json(cohort)), 201


@bp.get("/cohorts")
def list_cohorts():
    cohorts = db.session.scalars(cohorts_for(g.api_user).order_by(Cohort.start_date)).unique().all()
    counts = session_counts([c.id for c in cohorts])
    return jsonify([cohort_json(c, counts.get(c.id, 0)) for c in cohorts])


@bp.get("/cohorts/<int:cohort_id>")
def get_cohort(cohort_id: int):
    return jsonify(cohort_json(one_or_404(cohorts_for(g.api_user), cohort_id)))


@bp.get("/cohorts/<int:cohort_id>/sessions")
def cohort_sessions(cohort_id: int):
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    rows = db.session.scalars(
        sa.select(TrainingSession)
        .where(TrainingSession.cohort_id == cohort.id)
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).all()
    return jsonify([session_json(s) for s in rows])


@bp.patch("/sessions/<int:session_id>")
def update_session(session_id: int):
    sess = one_or_404(sessions_for(g.api_user), session_id)
    require_role(Role.MANAGER)
    session_services.update_session(sess, json_body())
    db.session.commit()
    return jsonify(session_json(sess))


@bp.post("/cohorts/<int:cohort_id>/trainees")
def enrol_trainee(cohort_id: int):
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    require_role(Role.MANAGER)
    data = json_body()
    trainee = cohort_services.enrol_trainee(
        cohort,
        name=data.get("name"),
        email=data.get("email"),
        phone=data.get("phone") or "",
        home_municipality_id=data.get("home_municipality_id"),
        home_municipality=data.get("home_municipality"),
        languages=data.get("languages") or [],
        actor=g.api_user,
    )
    db.session.commit()
    send_queued_mail()
    return jsonify(trainee_json(trainee)), 201


@bp.get("/cohorts/<int:cohort_id>/trainees")
def cohort_trainees(cohort_id: int):
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    rows = db.session.scalars(
        trainees_for(g.api_user).where(Trainee.cohort_id == cohort.id).order_by(Trainee.name)
    ).all()
    user_ids = user_ids_of(rows)
    body = [trainee_json(t, user_ids.get(t.id)) for t in rows]
    # Each trainee's personal data was read: one audit event each, in one INSERT.
    audit.record_many(g.api_user, [t.id for t in rows], AuditAction.VIEW, AuditSubject.API_RECORD)
    db.session.commit()
    return jsonify(body)


@bp.get("/trainees/<int:trainee_id>")
def get_trainee(trainee_id: int):
    trainee = one_or_404(trainees_for(g.api_user), trainee_id)
    body = trainee_json(trainee)
    audit.record(g.api_user, trainee.id, AuditAction.VIEW, AuditSubject.API_RECORD)
    db.session.commit()
    return jsonify(body)


SCHEDULE_DAYS = 28  # the range a schedule request gets without ?from=&to=, and each next range
MAX_SCHEDULE_DAYS = 400  # a programme year and a bit: more in one answer is no request of a client
SCHEDULE_YEARS = (1900, 9000)  # so the next range's dates stay dates (date.max + 1 raises)


def _schedule_range(today: date) -> tuple[date, date]:
    """?from= and ?to= (ISO dates, both included), by default today and 27 days on; a 400 that
    names the field for a date that is none, a range backwards or longer than MAX_SCHEDULE_DAYS."""
    first = session_services.parse_date(request.args["from"], "from") if "from" in request.args else today
    default_last = first + timedelta(days=SCHEDULE_DAYS - 1)
    last = session_services.parse_date(request.args["to"], "to") if "to" in request.args else default_last
    for name, day in (("from", first), ("to", last)):
        if not SCHEDULE_YEARS[0] <= day.year <= SCHEDULE_YEARS[1]:
            raise ValidationError("Ask for dates from 1900 to 9000.", {name: "out of range"})
    if last < first:
        raise ValidationError("The range ends before it starts.", {"to": "before from"})
    if (last - first).days >= MAX_SCHEDULE_DAYS:
        raise ValidationError(f"Ask at most {MAX_SCHEDULE_DAYS} days at once.", {"to": "range too long"})
    return first, last


@bp.get("/trainees/<int:trainee_id>/schedule")
def trainee_schedule(trainee_id: int):
    """The schedule from ?from= to ?to= (default: the coming 28 days), and the next range of as
    many days in a `Link: <...>; rel="next"` header."""
    trainee = one_or_404(trainees_for(g.api_user), trainee_id)
    if not sees_trainee_details(g.api_user, trainee):
        abort(403)  # the schedule shows the internship place: not for a trainer
    today = local_today(current_app.config["TIMEZONE"])
    first, last = _schedule_range(today)
    response = jsonify([item.as_json() for item in schedule_for(trainee, today, first, last)])
    days = last - first
    following = url_for(
        ".trainee_schedule",
        trainee_id=trainee.id,
        **{
            "from": (last + timedelta(days=1)).isoformat(),
            "to": (last + timedelta(days=1) + days).isoformat(),
        },
    )
    response.headers["Link"] = f'<{following}>; rel="next"'
    return response


def _attendance_session(session_id: int) -> TrainingSession:
    sess = one_or_404(sessions_for(g.api_user), session_id)
    if not may_register_attendance(g.api_user, sess):
        abort(403)
    return sess


@bp.get("/sessions/<int:session_id>/attendance")
def get_attendance(session_id: int):
    """The attendance sheet, as the attendance page shows it: each trainee's name, what is
    recorded (status null: nothing yet) and the reason of an absence reported in advance."""
    sheet = session_services.attendance_sheet(_attendance_session(session_id))
    return jsonify(
        [
            {
                "trainee_id": line.trainee.id,
                "name": line.trainee.name,
                "status": line.attendance.status if line.attendance else None,
                "note": line.attendance.note if line.attendance else "",
                "absence_reason": line.absence_reason,
            }
            for line in sheet
        ]
    )


@bp.put("/sessions/<int:session_id>/attendance")
def put_attendance(session_id: int):
    sess = _attendance_session(session_id)
    entries = json_body(list)
    if not all(isinstance(entry, dict) for entry in entries):
        raise ValidationError("Each entry must be a JSON object.", {"body": "invalid entry"})
    session_services.record_attendance(sess, entries, g.api_user)
    db.session.commit()
    return jsonify({"session_id": sess.id, "recorded": len(entries)})


def stats_json(stats: CohortStats) -> dict:
    trainees, placements = stats.trainees, stats.placements
    return {
        "trainees": {
            "active": trainees.active,
            "withdrawn": trainees.withdrawn,
            "completed": trainees.completed,
        },
        "attendance_rate": stats.attendance_rate,
        "attendance_rate_4w": stats.attendance_rate_4w,
        "placements": {
            "confirmed": placements.confirmed,
            "proposed": placements.proposed,
            "missing": placements.missing,
            "active": placements.active,
            "completed": placements.completed,
        },
        "evaluations_missing": stats.evaluations_missing,
    }


@bp.get("/cohorts/<int:cohort_id>/stats")
def cohort_stats(cohort_id: int):
    """The dashboard's numbers for one cohort (managers only; the same service as the dashboard)."""
    require_role(Role.MANAGER)
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    today = local_today(current_app.config["TIMEZONE"])
    return jsonify(stats_json(stats_services.cohort_stats([cohort.id], today)[cohort.id]))


@bp.get("/cohorts/<int:cohort_id>/outcomes")
def cohort_outcomes(cohort_id: int):
    """The outcomes page's funnel for one cohort (managers only; the same queries as the page)."""
    require_role(Role.MANAGER)
    cohort = one_or_404(cohorts_for(g.api_user), cohort_id)
    today = local_today(current_app.config["TIMEZONE"])
    _rows, steps = outcome_queries.cohort_outcomes(cohort.id, utcnow(), today)
    keys = ("key", "count", "denominator", "unknown", "consultants", "not_yet")
    return jsonify(
        {
            "cohort_id": cohort.id,
            "steps": [
                {**{k: getattr(s, k) for k in keys}, "share": s.share, "unknown_share": s.unknown_share}
                for s in steps
            ],
        }
    )
