"""Writing to the audit log. Callers pass fixed words, never the personal data itself."""

from accounts.models import User
from extensions import db
from privacy.models import AuditAction, AuditEvent


def record(actor: User | None, trainee_id: int, action: AuditAction, subject: str) -> None:
    """Adds one audit event to the session; it is committed with the caller's work."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None, trainee_id=trainee_id, action=action, subject=subject
        )
    )
