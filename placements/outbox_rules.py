"""What placements tell the outbox at dispatch: a proposal that was answered needs no more asking."""

from datetime import datetime

from outbox.kinds import refuse_unless
from outbox.models import OutboxMessage
from placements.models import Placement, PlacementStatus

PROPOSAL_KINDS = {"placement_proposal", "placement_chase"}


def proposal_answered(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    def still_open(placement: Placement) -> bool:
        return placement.status == PlacementStatus.PROPOSED

    asking = [m for m in messages if m.kind in PROPOSAL_KINDS]
    return refuse_unless(asking, "placement_id", Placement, still_open, "proposal already answered")
