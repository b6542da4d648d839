"""What placements tell the outbox: a proposal that was answered needs no more asking, and mail to a
supervisor goes to the address the placement has now."""

from datetime import datetime

from sqlalchemy.orm import joinedload

from outbox.kinds import records_by_id, refuse_unless
from outbox.models import OutboxMessage
from placements.models import Placement, PlacementStatus

PROPOSAL_KINDS = {"placement_proposal", "placement_chase"}


def proposal_answered(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    def still_open(placement: Placement) -> bool:
        return placement.status == PlacementStatus.PROPOSED

    asking = [m for m in messages if m.kind in PROPOSAL_KINDS]
    return refuse_unless(asking, "placement_id", Placement, still_open, "proposal already answered")


def supervisor_addresses(messages: list[OutboxMessage]) -> dict[int, str]:
    """A message to a supervisor (no account, so no recipient user) goes to the address the
    placement has now; the offer's supervisor stands in for a placement that names none."""
    to_supervisors = [m for m in messages if m.recipient_user_id is None and m.placement_id is not None]
    placements = records_by_id(
        Placement, (m.placement_id for m in to_supervisors), joinedload(Placement.offer)
    )
    return {
        m.id: address
        for m in to_supervisors
        if (placement := placements.get(m.placement_id)) and (address := placement.supervisor_address)
    }
