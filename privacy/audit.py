"""Writing to the audit log. Callers pass fixed words, never the personal data itself."""

import sqlalchemy as sa

from accounts.models import User
from extensions import db
from privacy.models import AuditAction, AuditEvent, AuditSubject


def record(actor: User | None, trainee_id: int, action: AuditAction, subject: AuditSubject) -> None:
    """Adds one audit event to the session; it is committed with the caller's work."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None, trainee_id=trainee_id, action=action, subject=subject
        )
    )


def record_many(
    actor: User | None, trainee_ids: list[int], action: AuditAction, subject: AuditSubject
) -> None:
    """One audit event per trainee, in one INSERT however many trainees there are (the ORM would
    insert them row by row). Committed with the caller's work, like `record`."""
    if not trainee_ids:
        return
    actor_id = actor.id if actor else None
    rows = [
        {"actor_id": actor_id, "trainee_id": trainee_id, "action": action, "subject": subject}
        for trainee_id in trainee_ids
    ]
    db.session.execute(sa.insert(AuditEvent), rows)
