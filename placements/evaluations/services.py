"""Evaluations: a supervisor submits the mid-term or final one; the manager sees which are missing.

One evaluation per (placement, kind): sending it again replaces the scores and comments (a
supervisor may correct a mistake; the link stays valid for 30 days), and records who sent it last.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager

from cohort.models import Cohort, CohortPhase, Trainee, TraineeStatus
from cohort.planning import PhaseKind
from core.clock import local_today, utcnow
from core.errors import ConflictError, ValidationError
from core.urls import external_url
from extensions import db
from placements.evaluations import rules as evaluations
from placements.evaluations.rules import FINAL, MIDTERM
from placements.links import Recipient, make_token, placement_of_link
from placements.models import (
    Evaluation,
    InternshipOffer,
    Municipality,
    Placement,
    PlacementStatus,
    Supervisor,
    acting_supervisor_id,
)

EVALUABLE_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
MAX_COMMENTS = 5000
LINK_VALID_DAYS = 30
SUBMITTED_BY_MAX = 160
LINK_SUBMITTER = "e-mail link"  # then the supervisor's name in brackets, as placement events record it


@dataclass(frozen=True)
class DueEvaluation:
    """An evaluation that is due and not yet filled in, with what a list of them shows."""

    placement_id: int
    kind: str
    due_date: date
    trainee_id: int
    trainee_name: str
    cohort_id: int
    cohort_name: str
    municipality_id: int
    municipality_name: str
    supervisor_id: int | None
    supervisor_name: str
    supervisor_email: str
    link_generation: int

    @property
    def link(self) -> str | None:
        """The supervisor's link to fill it in (None while the placement names no supervisor)."""
        if self.supervisor_id is None:
            return None
        return evaluation_url(self.placement_id, self.kind, self.supervisor_id, self.link_generation)


def link_purpose(kind: str) -> str:
    return f"evaluation-{kind}"


def evaluation_url(placement_id: int, kind: str, supervisor_id: int, generation: int) -> str:
    """The absolute signed link the supervisor uses to fill in this evaluation without logging in;
    it works for that supervisor while they supervise the placement (placements.links)."""
    token = make_token(placement_id, link_purpose(kind), Recipient.supervisor(supervisor_id), generation)
    return external_url("evaluations.by_link", token=token)


def read_evaluation_token(token: str) -> tuple[Placement, str] | None:
    """(placement, kind) of a genuine, unexpired evaluation link that still works; None otherwise."""
    for kind in evaluations.KINDS:
        placement = placement_of_link(token, link_purpose(kind), max_age_days=LINK_VALID_DAYS)
        if placement is not None:
            return placement, kind
    return None


def is_evaluable(placement: Placement) -> bool:
    return placement.status in EVALUABLE_STATUSES


def find_evaluation(placement_id: int, kind: str) -> Evaluation | None:
    return db.session.scalar(
        sa.select(Evaluation).where(Evaluation.placement_id == placement_id, Evaluation.kind == kind)
    )


def evaluations_of_trainee(trainee_id: int) -> list[tuple[int, str]]:
    """(placement id, kind) of each evaluation written about a trainee's internships, in order: what
    "Mijn rooster" links to."""
    rows = db.session.execute(
        sa.select(Evaluation.placement_id, Evaluation.kind)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .where(Placement.trainee_id == trainee_id)
        .order_by(Evaluation.submitted_at)
    ).all()
    return [tuple(row) for row in rows]


def _problem_text(code: str) -> str:
    if code == evaluations.MISSING:
        return _("Choose a score.")
    return _("Choose a score from 1 to 5.")


def _check(placement: Placement, kind: str, scores: Mapping[str, object], comments: str) -> dict[str, int]:
    """The clean scores, or a ValidationError naming `score-<criterion>` and `comments`."""
    if kind not in evaluations.KINDS:
        raise ValidationError(_("Unknown kind of evaluation."), {"kind": _("Unknown kind of evaluation.")})
    if not is_evaluable(placement):
        raise ConflictError(_("This internship is not confirmed or has stopped. It has no evaluation."))
    problems = {f"score-{code}": _problem_text(p) for code, p in evaluations.validate_scores(scores).items()}
    if len(comments) > MAX_COMMENTS:
        problems["comments"] = _("Use at most %(n)d characters.", n=MAX_COMMENTS)
    if problems:
        raise ValidationError(_("The evaluation is not saved yet. Check the marked fields."), problems)
    return evaluations.clean_scores(scores)


def submit_evaluation(
    placement: Placement, kind: str, scores: Mapping[str, object], comments: str, submitted_by: str
) -> Evaluation:
    """Save the supervisor's scores and comments; a second submit of the same kind replaces the first."""
    comments = (comments or "").strip()
    clean = _check(placement, kind, scores, comments)
    evaluation = find_evaluation(placement.id, kind)
    if evaluation is None:
        evaluation = Evaluation(placement_id=placement.id, kind=kind)
        db.session.add(evaluation)
    evaluation.scores, evaluation.comments = clean, comments
    evaluation.submitted_by, evaluation.submitted_at = submitted_by[:SUBMITTED_BY_MAX], utcnow()
    try:
        db.session.flush()
    except IntegrityError as error:
        # The same evaluation sent twice at the same moment: the unique constraint keeps one.
        raise ConflictError(_("Someone else changed this at the same moment. Try again.")) from error
    return evaluation


def link_submitter(placement: Placement) -> str:
    """Who sent an evaluation through the e-mail link: the supervisor named on the placement."""
    name = placement.supervisor_name.strip()
    return f"{LINK_SUBMITTER} ({name})" if name else LINK_SUBMITTER


def due_date_of(placement: Placement, kind: str) -> date | None:
    """When this evaluation is due, from the cohort's internship phase; None without one."""
    phase = db.session.scalar(
        sa.select(CohortPhase).where(
            CohortPhase.cohort_id == placement.cohort_id, CohortPhase.kind == PhaseKind.INTERNSHIP
        )
    )
    return evaluations.due_date(phase.start_date, kind, phase.end_date) if phase else None


def _missing_query(cohort_ids, municipality_id) -> sa.Select:
    """One row per placement that may have an evaluation due, with the ids of those it has
    (`today` is a parameter of the statement)."""
    query = _missing_base()
    if cohort_ids is not None:
        query = query.where(Placement.cohort_id.in_(list(cohort_ids)))
    if municipality_id is not None:
        query = query.where(InternshipOffer.municipality_id == municipality_id)
    return query


@functools.cache
def _missing_base() -> sa.Select:
    """Built once (a statement is immutable): building its joins and aliases cost more than the
    query on a portal page."""
    midterm, final = aliased(Evaluation), aliased(Evaluation)
    query = (
        sa.select(
            Placement.id.label("placement_id"),
            Placement.link_generation,
            Supervisor.id.label("supervisor_id"),
            sa.func.coalesce(Supervisor.name, "").label("supervisor_name"),
            sa.func.coalesce(Supervisor.email, "").label("supervisor_email"),
            Trainee.id.label("trainee_id"),
            Trainee.name.label("trainee_name"),
            Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort_name"),
            Municipality.id.label("municipality_id"),
            Municipality.name.label("municipality_name"),
            CohortPhase.start_date,
            CohortPhase.end_date,
            midterm.id.label("midterm_id"),
            final.id.label("final_id"),
        )
        .join(Trainee, Trainee.id == Placement.trainee_id)
        .join(Cohort, Cohort.id == Placement.cohort_id)
        .join(InternshipOffer, InternshipOffer.id == Placement.offer_id)
        .join(Municipality, Municipality.id == InternshipOffer.municipality_id)
        # The placement's supervisor, else the offer's (as Placement.acting_supervisor).
        .outerjoin(Supervisor, Supervisor.id == acting_supervisor_id())
        .join(
            CohortPhase,
            sa.and_(CohortPhase.cohort_id == Placement.cohort_id, CohortPhase.kind == PhaseKind.INTERNSHIP),
        )
        .outerjoin(midterm, sa.and_(midterm.placement_id == Placement.id, midterm.kind == MIDTERM))
        .outerjoin(final, sa.and_(final.placement_id == Placement.id, final.kind == FINAL))
        .where(
            Placement.status.in_(EVALUABLE_STATUSES),
            Trainee.status != TraineeStatus.WITHDRAWN,
            CohortPhase.start_date <= sa.bindparam("today", type_=sa.Date),
            sa.or_(midterm.id.is_(None), final.id.is_(None)),
        )
    )
    return query


def _due_from(row, kind: str, today: date) -> DueEvaluation | None:
    existing = row.midterm_id if kind == MIDTERM else row.final_id
    due = evaluations.due_date(row.start_date, kind, row.end_date)
    if existing is not None or today < due:
        return None
    return DueEvaluation(
        placement_id=row.placement_id,
        kind=kind,
        due_date=due,
        trainee_id=row.trainee_id,
        trainee_name=row.trainee_name,
        cohort_id=row.cohort_id,
        cohort_name=row.cohort_name,
        municipality_id=row.municipality_id,
        municipality_name=row.municipality_name,
        supervisor_id=row.supervisor_id,
        supervisor_name=row.supervisor_name,
        supervisor_email=row.supervisor_email,
        link_generation=row.link_generation,
    )


def missing_evaluations(
    cohort_ids=None, municipality_id: int | None = None, today: date | None = None
) -> list[DueEvaluation]:
    """Every (placement, kind) that is due by `today` and has no evaluation, in one query.

    Only confirmed, active or completed placements of trainees who have not withdrawn; the due
    dates come from the cohort's internship phase. Sorted by due date, group and trainee.
    """
    today = today or local_today()
    rows = db.session.execute(_missing_query(cohort_ids, municipality_id), {"today": today}).all()
    found = [_due_from(row, kind, today) for row in rows for kind in evaluations.KINDS]
    return sorted(
        (m for m in found if m is not None),
        key=lambda m: (m.due_date, m.cohort_name, m.trainee_name, evaluations.KINDS.index(m.kind)),
    )


def evaluations_for_trainee(trainee_id: int) -> list[Evaluation]:
    """A trainee's evaluations over all their placements: per placement, mid-term before final."""
    kind_order = sa.case({MIDTERM: 0}, value=Evaluation.kind, else_=1)
    return list(
        db.session.scalars(
            sa.select(Evaluation)
            .join(Placement, Placement.id == Evaluation.placement_id)
            .where(Placement.trainee_id == trainee_id)
            .options(contains_eager(Evaluation.placement))
            .order_by(Placement.proposed_at, Placement.id, kind_order)
        )
    )
