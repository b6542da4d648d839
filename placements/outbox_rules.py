"""What placements tell the outbox at dispatch: a proposal that was answered needs no more asking."""

from datetime import datetime

from outbox.kinds import records_by_id
from outbox.models import OutboxMessage
from placements.models import Placement, PlacementStatus

PROPOSAL_KINDS = {"placement_proposal", "placement_chase"}


def proposal_answered(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    asking = [m for m in messages if m.kind in PROPOSAL_KINDS and m.placement_id is not None]
    placements = records_by_id(Placement, (m.placement_id for m in asking))
    return {
        m.id: "proposal already answered"
        for m in asking
        if m.placement_id not in placements or placements[m.placement_id].status != PlacementStatus.PROPOSED
    }
