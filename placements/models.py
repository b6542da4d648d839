"""Host municipalities, their internship offers, placements of trainees and their history."""

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.clock import utcnow
from core.types import UTCDateTime
from extensions import db


class Municipality(db.Model):
    """A Dutch municipality, from the national register (placements/municipalities/register.py).
    Every one can be a trainee's home; it is a *host* when it has offers or contact persons."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # CBS municipality code: "GM" and four digits, e.g. GM0363 for Amsterdam.
    cbs_code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    province: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    # An approximate centre (WGS84), for distances between municipalities: an estimate, ±1 km.
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)

    def __repr__(self) -> str:
        return f"<Municipality {self.cbs_code} {self.name}>"


class MunicipalityAlias(db.Model):
    """Another name for a municipality: one people type ("Den Haag"), or a former municipality
    now part of it (with its old CBS code). A name or old code on several rows is ambiguous."""

    __tablename__ = "municipality_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    former_code: Mapped[str | None] = mapped_column(sa.String(6))


def new_feed_salt() -> str:
    return secrets.token_urlsafe(16)


class Supervisor(db.Model):
    """A workplace supervisor (werkbegeleider) in a municipality's register.

    One record per address per municipality (stored lowercased): offers and placements refer to
    it, so a corrected address reaches every notice, evaluation and chase at once. Supervisors
    have no account; `feed_salt` is the secret of their calendar feed (a new one kills the link).
    """

    __tablename__ = "supervisors"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    department: Mapped[str] = mapped_column(sa.String(120), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    feed_salt: Mapped[str] = mapped_column(sa.String(32), default=new_feed_salt)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return value.strip().lower()

    def __repr__(self) -> str:
        return f"<Supervisor {self.id} municipality={self.municipality_id}>"


class _NamesSupervisor:
    """The text of a supervisor record, read through `supervisor_record` ("" without one)."""

    supervisor_record: "Supervisor | None"

    @property
    def supervisor_name(self) -> str:
        return self.supervisor_record.name if self.supervisor_record else ""

    @property
    def supervisor_email(self) -> str:
        return self.supervisor_record.email if self.supervisor_record else ""

    @property
    def supervisor_phone(self) -> str:
        return self.supervisor_record.phone if self.supervisor_record else ""


class PlacementStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


# A trainee has at most one placement in these states per cohort.
OPEN_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
# These take one of the offer's places.
PLACE_TAKING_STATUSES = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


class InternshipOffer(_NamesSupervisor, db.Model):
    """Internship places a municipality offers for a cohort (or a period).

    `places_taken` counts confirmed placements; the CHECK constraint and the conditional
    update in the confirm service keep it at or below `places` inside the transaction.
    """

    __tablename__ = "internship_offers"
    __table_args__ = (
        sa.CheckConstraint("places >= 1", name="places_positive"),
        sa.CheckConstraint("places_taken >= 0 AND places_taken <= places", name="places_taken_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    places: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0)
    department: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    # The supervisor, if the municipality knows them when it offers the place.
    supervisor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supervisors.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    cohort = relationship("Cohort")
    supervisor_record: Mapped[Supervisor | None] = relationship(lazy="joined")

    @property
    def places_free(self) -> int:
        return self.places - self.places_taken

    def __repr__(self) -> str:
        return f"<InternshipOffer {self.id} {self.places_taken}/{self.places}>"


class Placement(_NamesSupervisor, db.Model):
    """A trainee proposed for, and then placed at, an internship offer."""

    __tablename__ = "placements"
    __table_args__ = (
        # One open or confirmed placement per trainee per cohort, enforced by the database.
        sa.Index(
            "uq_placements_open_per_trainee",
            "trainee_id",
            "cohort_id",
            unique=True,
            sqlite_where=sa.text("status IN ('proposed', 'confirmed', 'active')"),
            postgresql_where=sa.text("status IN ('proposed', 'confirmed', 'active')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainees.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("internship_offers.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=PlacementStatus.PROPOSED)
    # Named by the municipality on confirming (placements/supervisors.py).
    supervisor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("supervisors.id", ondelete="SET NULL"), index=True
    )
    workplace_address: Mapped[str] = mapped_column(sa.String(200), default="")
    weekdays: Mapped[str] = mapped_column(sa.String(30), default="")  # "mon,tue,wed"
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every e-mail link of the placement carries it; a manager revoking the links raises it.
    link_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    trainee = relationship("Trainee", lazy="joined")
    offer: Mapped[InternshipOffer] = relationship(lazy="joined")
    supervisor_record: Mapped[Supervisor | None] = relationship(lazy="joined")
    events: Mapped[list["PlacementEvent"]] = relationship(
        back_populates="placement", order_by="PlacementEvent.created_at", cascade="all, delete-orphan"
    )

    # The supervisor the municipality named on confirming; until then the offer's, if it names one.
    @property
    def acting_supervisor(self) -> Supervisor | None:
        return self.supervisor_record or self.offer.supervisor_record

    @property
    def supervisor_address(self) -> str:
        acting = self.acting_supervisor
        return acting.email if acting else ""

    @property
    def supervisor(self) -> str:
        acting = self.acting_supervisor
        return acting.name if acting else ""

    def __repr__(self) -> str:
        return f"<Placement {self.id} {self.status}>"


def acting_supervisor_id():
    """In SQL, Placement.acting_supervisor's id: the placement's own, else the offer's (a query
    that uses it joins the offer)."""
    return sa.func.coalesce(Placement.supervisor_id, InternshipOffer.supervisor_id)


class PlacementEvent(db.Model):
    """Who changed a placement's state, when and why."""

    __tablename__ = "placement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Who acted when there is no account: e.g. "e-mail link (Eva de Boer)".
    actor_label: Mapped[str] = mapped_column(sa.String(160), default="")
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return f"<PlacementEvent {self.from_status}->{self.to_status}>"


class EvaluationKind(enum.StrEnum):
    MIDTERM = "midterm"  # internship week 4
    FINAL = "final"  # internship week 8


class Evaluation(db.Model):
    """A supervisor's mid-term or final feedback on an intern: scored criteria and free text."""

    __tablename__ = "evaluations"
    __table_args__ = (sa.UniqueConstraint("placement_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(10))
    scores: Mapped[dict] = mapped_column(sa.JSON)  # criterion code -> 1..5
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_by: Mapped[str] = mapped_column(sa.String(160), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    placement: Mapped[Placement] = relationship()

    def __repr__(self) -> str:
        return f"<Evaluation {self.kind} placement={self.placement_id}>"


class SubmissionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class OfferSubmission(db.Model):
    """Places offered through the public "Stageplek aanbieden" page, waiting for a manager."""

    __tablename__ = "offer_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(sa.String(120))
    contact_name: Mapped[str] = mapped_column(sa.String(120))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    places: Mapped[int]
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"))
    period: Mapped[str] = mapped_column(sa.String(120), default="")
    department: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    supervisor: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=SubmissionStatus.PENDING)
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"))
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("internship_offers.id"))
    sender_address: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OfferSubmission {self.id} {self.status}>"
