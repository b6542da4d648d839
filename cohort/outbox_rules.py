"""What cohorts tell the outbox at dispatch: a withdrawn trainee gets no more mail about the programme."""

from datetime import datetime

from cohort.models import Trainee, TraineeStatus
from outbox.kinds import records_by_id
from outbox.models import OutboxMessage


def trainee_withdrawn(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    trainees = records_by_id(Trainee, (m.trainee_id for m in messages))
    return {
        m.id: "trainee withdrawn"
        for m in messages
        if m.trainee_id is not None
        and (m.trainee_id not in trainees or trainees[m.trainee_id].status == TraineeStatus.WITHDRAWN)
    }
