"""Placement chases to municipalities, unplaced alerts to managers, evaluations to supervisors."""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from accounts.models import Role, User
from cohort.models import CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind
from core.holidays import dutch_holidays
from core.urls import external_url
from extensions import db
from placements.evaluations.services import missing_evaluations
from placements.links import answer_url
from placements.models import PLACE_TAKING_STATUSES, Placement, PlacementStatus
from reminders import rules
from reminders.scan.common import SUPERVISOR_LANGUAGE, Moment, active_users, message

# --- placement chases and unplaced alerts --------------------------------------------------


def placement_chases(moment: Moment, rule: rules.Rule) -> list[dict]:
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
    for contact in active_users(
        Role.MUNICIPALITY, User.municipality_id.in_({chase[0].offer.municipality_id for chase in chases})
    ):
        contacts[contact.municipality_id].append(contact)
    return [
        message(
            rules.PLACEMENT_CHASE,
            f"placement_chase:{placement.id}:{contact.id}:{n}",
            contact.email,
            contact.language,
            due_at,
            {
                "placement": placement,
                "contact": contact,
                "proposed_on": proposed_on,
                "url": answer_url(placement, contact),
            },
            recipient_user_id=contact.id,
            placement_id=placement.id,
            trainee_id=placement.trainee_id,
        )
        for placement, proposed_on, n, due_at in chases
        for contact in contacts[placement.offer.municipality_id]
    ]


def unplaced_alerts(moment: Moment, rule: rules.Rule) -> list[dict]:
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
    managers = active_users(Role.MANAGER)
    return [
        message(
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


def evaluation_messages(moment: Moment, rule: rules.Rule) -> list[dict]:
    rows = []
    for missing in missing_evaluations(today=moment.today):
        stage = rules.evaluation_stage(missing.due_date, rule, moment.holidays, moment.tz, moment.now)
        email = missing.supervisor_email.strip().lower()
        if stage is None or not email or missing.link is None:
            continue
        kind, due_at = stage
        context = {"evaluation": missing, "url": missing.link}
        rows.append(
            message(
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
