"""The reminder scan: every message whose moment has come while its occasion is still ahead.

`scan(now)` runs every minute (the scheduler's job, `flask reminders send-due`). A message is made
once its due time has passed (due_at <= now) and only while what it is about is still ahead: the
session has not started, the return day has not ended, the proposal is still open. So a second
run adds nothing (the unique key), and a scheduler that was down for a week does not send last
week's reminders. Each rule costs a fixed number of queries, however many trainees, and adds its
messages with one `insert_messages` call. The scan flushes, never commits: its caller does.
"""

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import Role, User
from cohort.models import Cohort, CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind, dutch_holidays
from core.errors import ValidationError
from core.urls import external_url
from extensions import db
from placements.evaluation_services import evaluation_url, missing_evaluations
from placements.links import answer_url
from placements.models import PLACE_TAKING_STATUSES, Placement, PlacementStatus
from reminders import rules
from reminders.mail import insert_messages
from reminders.models import MessageStatus, OutboxMessage, ReminderRule
from sessions.models import AbsenceNotice, SessionKind, SessionStatus, TrainingSession

SUPERVISOR_LANGUAGE = "nl"  # supervisors have no account, so no language of their own
KEY_LENGTH = SUBJECT_LENGTH = 200  # the columns' sizes
# A return-day notice goes out on the working day before: never more than a few days ahead.
RETURN_NOTICE_LOOKAHEAD = timedelta(days=10)
INTERN_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class Moment:
    """The scan's "now", in UTC and as the local date, with the holidays around it."""

    now: datetime
    tz: str
    today: date
    holidays: Mapping[date, str]

    def at(self, day: date, clock: time) -> datetime:
        return rules.local_due(day, clock, self.tz)


def scan(now: datetime) -> int:
    """Add every reminder that is due at `now` (aware) to the outbox; returns how many are new."""
    if now.tzinfo is None:
        raise ValueError("scan() needs an aware datetime")
    tz = current_app.config["TIMEZONE"]
    today = rules.local_now(now, tz).date()
    moment = Moment(now, tz, today, dutch_holidays(range(today.year - 1, today.year + 2)))
    created = 0
    for kind, rule in load_rules().items():
        if rule.is_enabled:
            created += insert_messages(RULE_SCANS[kind](moment, rule))
    return created


# --- the rules' settings ---------------------------------------------------------------


def load_rules() -> dict[str, rules.Rule]:
    """Every rule as it applies: a kind without a stored row has its defaults and is on."""
    stored = {row.kind: row for row in db.session.scalars(sa.select(ReminderRule))}
    return {
        kind: rules.rule_from(kind, row.is_enabled, row.settings) if row else rules.rule_from(kind)
        for kind, row in ((kind, stored.get(kind)) for kind in rules.KINDS)
    }


def _problem(code: str) -> str:
    if code == rules.BAD_TIME:
        return _("Use a time as HH:MM, for example 18:00.")
    return _("Use a whole number from 0 to %(max)d.", max=rules.MAX_NUMBER)


def save_rules(values: Mapping[str, Mapping[str, object]]) -> None:
    """Store each given rule's on/off and timing; when any field is wrong, nothing is stored.

    `values` maps a kind to {"is_enabled": bool, "<setting>": text}; errors name `<kind>-<setting>`.
    """
    checked, problems = {}, {}
    for kind in (k for k in rules.KINDS if k in values):
        settings, found = rules.check_settings(kind, values[kind])
        checked[kind] = (bool(values[kind].get("is_enabled")), settings)
        problems.update({f"{kind}-{name}": _problem(code) for name, code in found.items()})
    if problems:
        raise ValidationError(_("The settings are not saved. Check the marked fields."), problems)
    stored = {row.kind: row for row in db.session.scalars(sa.select(ReminderRule))}
    for kind, (is_enabled, settings) in checked.items():
        row = stored.get(kind) or ReminderRule(kind=kind)
        row.is_enabled, row.settings = is_enabled, settings
        db.session.add(row)
    db.session.flush()


# --- building messages -------------------------------------------------------------------


def _fit_key(key: str) -> str:
    """Keys hold e-mail addresses; one absurdly long address must not break the whole insert."""
    if len(key) <= KEY_LENGTH:
        return key
    return f"{key[: KEY_LENGTH - 41]}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _message(kind: str, key: str, recipient: str, language: str, due_at: datetime, context: dict, **ids):
    """One outbox row, rendered from mail/<kind>_subject.txt, .txt and .html in the reader's language."""
    with force_locale(language):
        subject = render_template(f"mail/{kind}_subject.txt", **context)
        body_text = render_template(f"mail/{kind}.txt", **context)
        body_html = render_template(f"mail/{kind}.html", **context)
    return {
        "kind": kind,
        "key": _fit_key(key),
        "recipient": recipient,
        "language": language,
        "due_at": due_at,
        "subject": " ".join(subject.split())[:SUBJECT_LENGTH],
        "body_text": body_text,
        "body_html": body_html,
        # Every row names every field: a multi-row INSERT needs the same columns in each row.
        **{"recipient_user_id": None, "session_id": None, "trainee_id": None, "placement_id": None},
        "payload": None,
        **ids,
    }


def _active_users(role: Role, *conditions) -> list[User]:
    query = sa.select(User).where(User.role == role, User.is_active, *conditions).order_by(User.id)
    return list(db.session.scalars(query))


# --- session reminders: to each trainee, the evening before each session ------------------


def _session_reminders(moment: Moment, rule: rules.Rule) -> list[dict]:
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(joinedload(TrainingSession.cohort))
        .where(
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(moment.today, moment.today + timedelta(days=rule.days_before)),
        )
    ).all()
    due = [
        s
        for s in sessions
        if rules.session_reminder_due(s.date, rule, moment.tz) <= moment.now < moment.at(s.date, s.start_time)
    ]
    if not due:
        return []
    people = defaultdict(list)
    for trainee, user in db.session.execute(
        sa.select(Trainee, User)
        .join(User, User.trainee_id == Trainee.id)
        .where(
            Trainee.cohort_id.in_({s.cohort_id for s in due}),
            Trainee.status.in_([TraineeStatus.ENROLLED, TraineeStatus.ACTIVE]),
            User.role == Role.TRAINEE,
            User.is_active,
            User.wants_session_reminders,
        )
        .order_by(Trainee.id)
    ):
        people[trainee.cohort_id].append((trainee, user))
    # Whoever already said they cannot come is not reminded to come.
    absent = set(
        db.session.execute(
            sa.select(AbsenceNotice.session_id, AbsenceNotice.trainee_id).where(
                AbsenceNotice.session_id.in_([s.id for s in due])
            )
        ).tuples()
    )
    url = external_url("sessions.my_schedule")
    return [
        _message(
            rules.SESSION_REMINDER,
            f"session_reminder:{sess.id}:{user.id}:{sess.date.isoformat()}T{sess.start_time:%H%M}",
            user.email,
            user.language,
            rules.session_reminder_due(sess.date, rule, moment.tz),
            {"sess": sess, "user": user, "url": url},
            recipient_user_id=user.id,
            session_id=sess.id,
            trainee_id=trainee.id,
        )
        for sess in due
        for trainee, user in people[sess.cohort_id]
        if (sess.id, trainee.id) not in absent
    ]


# --- return-day notices: to each supervisor, the working day before a return day -----------


def _return_day_notices(moment: Moment, rule: rules.Rule) -> list[dict]:
    """Return days in the internship phase only: before and after it there is no one to tell."""
    sessions = db.session.scalars(
        sa.select(TrainingSession)
        .options(joinedload(TrainingSession.cohort))
        .join(
            CohortPhase,
            sa.and_(
                CohortPhase.cohort_id == TrainingSession.cohort_id, CohortPhase.kind == PhaseKind.INTERNSHIP
            ),
        )
        .where(
            TrainingSession.kind == SessionKind.RETURN_DAY,
            TrainingSession.status == SessionStatus.SCHEDULED,
            TrainingSession.date.between(moment.today, moment.today + RETURN_NOTICE_LOOKAHEAD),
            TrainingSession.date.between(CohortPhase.start_date, CohortPhase.end_date),
        )
    ).all()
    due = [
        s
        for s in sessions
        if rules.return_notice_due(s.date, rule, moment.holidays, moment.tz)
        <= moment.now
        < moment.at(s.date, s.end_time)
    ]
    if not due:
        return []
    interns = defaultdict(list)
    for placement in db.session.scalars(
        sa.select(Placement)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(
            Placement.cohort_id.in_({s.cohort_id for s in due}),
            Placement.status.in_(INTERN_STATUSES),
            Trainee.status != TraineeStatus.WITHDRAWN,
        )
    ).unique():
        interns[placement.cohort_id].append(placement)
    groups = defaultdict(list)  # (supervisor e-mail, return day) -> [(session, placement)]
    for sess in due:
        for placement in interns[sess.cohort_id]:
            email = (placement.supervisor_email or placement.offer.supervisor_email).strip().lower()
            if email:
                groups[(email, sess.date)].append((sess, placement))
    return [
        _return_day_notice(email, day, items, moment, rule) for (email, day), items in sorted(groups.items())
    ]


def _return_day_notice(email: str, day: date, items: list, moment: Moment, rule: rules.Rule) -> dict:
    first = items[0][1]
    items.sort(key=lambda item: (item[1].trainee.name, item[1].id))
    context = {
        "day": day,
        "supervisor_name": first.supervisor_name or first.offer.supervisor_name,
        "interns": [{"name": p.trainee.name, "sess": s} for s, p in items],
    }
    session_ids = {s.id for s, _p in items}
    return _message(
        rules.RETURN_DAY_NOTICE,
        f"return_day_notice:{email}:{day.isoformat()}",
        email,
        SUPERVISOR_LANGUAGE,
        rules.return_notice_due(day, rule, moment.holidays, moment.tz),
        context,
        session_id=next(iter(session_ids)) if len(session_ids) == 1 else None,
        placement_id=first.id if len(items) == 1 else None,
        trainee_id=first.trainee_id if len(items) == 1 else None,
        payload=[{"session_id": s.id, "placement_id": p.id, "trainee_id": p.trainee_id} for s, p in items],
    )


# --- placement chases and unplaced alerts --------------------------------------------------


def _placement_chases(moment: Moment, rule: rules.Rule) -> list[dict]:
    """An open proposal is chased every `working_days` working days after it was made."""
    proposals = db.session.scalars(
        sa.select(Placement)
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .options(joinedload(Placement.trainee).joinedload(Trainee.cohort))
        .where(Placement.status == PlacementStatus.PROPOSED, Trainee.status != TraineeStatus.WITHDRAWN)
    ).unique()
    chases = []
    for placement in proposals:
        proposed_on = rules.local_now(placement.proposed_at, moment.tz).date()
        holidays = dutch_holidays(range(proposed_on.year, moment.today.year + 2))
        found = rules.latest_chase(proposed_on, rule, holidays, moment.tz, moment.now)
        if found:
            chases.append((placement, proposed_on, *found))
    if not chases:
        return []
    contacts = defaultdict(list)
    for contact in _active_users(
        Role.MUNICIPALITY, User.municipality_id.in_({chase[0].offer.municipality_id for chase in chases})
    ):
        contacts[contact.municipality_id].append(contact)
    return [
        _message(
            rules.PLACEMENT_CHASE,
            f"placement_chase:{placement.id}:{contact.id}:{n}",
            contact.email,
            contact.language,
            due_at,
            {
                "placement": placement,
                "contact": contact,
                "proposed_on": proposed_on,
                "url": answer_url(placement.id),
            },
            recipient_user_id=contact.id,
            placement_id=placement.id,
            trainee_id=placement.trainee_id,
        )
        for placement, proposed_on, n, due_at in chases
        for contact in contacts[placement.offer.municipality_id]
    ]


def _unplaced_alerts(moment: Moment, rule: rules.Rule) -> list[dict]:
    """Each day from `working_days` working days before an internship starts, while anyone is unplaced."""
    due_at = moment.at(moment.today, rule.at)
    if moment.now < due_at or not rules.is_working_day(moment.today, moment.holidays):
        return []
    last_start = rules.add_working_days(moment.today, rule.working_days, moment.holidays)
    phases = db.session.scalars(
        sa.select(CohortPhase)
        .options(joinedload(CohortPhase.cohort))
        .where(
            CohortPhase.kind == PhaseKind.INTERNSHIP,
            CohortPhase.start_date > moment.today,
            CohortPhase.start_date <= last_start,
        )
    ).all()
    if not phases:
        return []
    placed = sa.select(Placement.trainee_id).where(Placement.status.in_(PLACE_TAKING_STATUSES))
    unplaced = defaultdict(list)
    for trainee in db.session.scalars(
        sa.select(Trainee)
        .where(
            Trainee.cohort_id.in_({p.cohort_id for p in phases}),
            Trainee.status != TraineeStatus.WITHDRAWN,
            Trainee.id.notin_(placed),
        )
        .order_by(Trainee.name, Trainee.id)
    ):
        unplaced[trainee.cohort_id].append(trainee)
    managers = _active_users(Role.MANAGER)
    return [
        _message(
            rules.UNPLACED_ALERT,
            f"unplaced_alert:{phase.cohort_id}:{manager.id}:{moment.today.isoformat()}",
            manager.email,
            manager.language,
            due_at,
            {
                "user": manager,
                "cohort": phase.cohort,
                "start": phase.start_date,
                "trainees": unplaced[phase.cohort_id],
                "url": external_url("placements.cohort_placements", cohort_id=phase.cohort_id),
            },
            recipient_user_id=manager.id,
        )
        for phase in phases
        if unplaced[phase.cohort_id]
        and rules.unplaced_alert_applies(moment.today, phase.start_date, rule, moment.holidays)
        for manager in managers
    ]


# --- evaluations: due in internship weeks 4 and 8, one chase ------------------------------


def _evaluation_messages(moment: Moment, rule: rules.Rule) -> list[dict]:
    rows = []
    for missing in missing_evaluations(today=moment.today):
        stage = rules.evaluation_stage(missing.due_date, rule, moment.holidays, moment.tz, moment.now)
        email = missing.supervisor_email.strip().lower()
        if stage is None or not email:
            continue
        kind, due_at = stage
        context = {"evaluation": missing, "url": evaluation_url(missing.placement_id, missing.kind)}
        rows.append(
            _message(
                kind,
                f"{kind}:{missing.placement_id}:{missing.kind}",
                email,
                SUPERVISOR_LANGUAGE,
                due_at,
                context,
                placement_id=missing.placement_id,
                trainee_id=missing.trainee_id,
            )
        )
    return rows


# --- the weekly digest: to managers on Monday morning --------------------------------------


def _week_summary(monday: date, today: date) -> dict:
    sunday = monday + timedelta(days=6)
    this_week = TrainingSession.date.between(monday, sunday)

    sessions = db.session.execute(
        sa.select(Cohort.name, sa.func.count(TrainingSession.id))
        .join(Cohort, Cohort.id == TrainingSession.cohort_id)
        .where(this_week, TrainingSession.status == SessionStatus.SCHEDULED)
        .group_by(Cohort.id, Cohort.name)
        .order_by(Cohort.name)
    ).all()
    open_proposals = db.session.scalar(
        sa.select(sa.func.count(Placement.id))
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .where(Placement.status == PlacementStatus.PROPOSED, Trainee.status != TraineeStatus.WITHDRAWN)
    )
    absences = db.session.scalars(
        sa.select(AbsenceNotice)
        .join(AbsenceNotice.session)
        .options(
            contains_eager(AbsenceNotice.session).joinedload(TrainingSession.cohort),
            joinedload(AbsenceNotice.trainee),
        )
        .where(this_week)
        .order_by(TrainingSession.date, TrainingSession.start_time, AbsenceNotice.id)
    ).all()
    failed = db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == MessageStatus.FAILED)
    )
    return {
        "monday": monday,
        "sunday": sunday,
        "sessions": sessions,
        "open_proposals": open_proposals,
        "absences": absences,
        "missing_evaluations": len(missing_evaluations(today=today)),
        "failed_messages": failed,
    }


def _weekly_digests(moment: Moment, rule: rules.Rule) -> list[dict]:
    week = rules.digest_week(moment.now, rule, moment.tz)
    managers = _active_users(Role.MANAGER, User.wants_digest) if week else []
    if not managers:
        return []
    monday, week_label = week
    summary = _week_summary(monday, moment.today)
    urls = {
        "dashboard_url": external_url("reports.dashboard"),
        "evaluations_url": external_url("evaluations.missing"),
        "outbox_url": external_url("reminders.outbox", status=MessageStatus.FAILED.value),
    }
    return [
        _message(
            rules.WEEKLY_DIGEST,
            f"weekly_digest:{manager.id}:{week_label}",
            manager.email,
            manager.language,
            moment.at(monday, rule.at),
            {"user": manager, "week": monday.isocalendar()[1], **summary, **urls},
            recipient_user_id=manager.id,
        )
        for manager in managers
    ]


RULE_SCANS = {
    rules.SESSION_REMINDER: _session_reminders,
    rules.RETURN_DAY_NOTICE: _return_day_notices,
    rules.PLACEMENT_CHASE: _placement_chases,
    rules.UNPLACED_ALERT: _unplaced_alerts,
    rules.EVALUATION_DUE: _evaluation_messages,
    rules.WEEKLY_DIGEST: _weekly_digests,
}
