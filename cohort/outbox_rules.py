"""What cohorts tell the outbox at dispatch: a withdrawn trainee gets no more mail about the programme."""

from datetime import datetime

from cohort.models import Trainee, TraineeStatus
from outbox.kinds import refuse_unless
from outbox.models import OutboxMessage


def trainee_withdrawn(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    def still_in(trainee: Trainee) -> bool:
        return trainee.status != TraineeStatus.WITHDRAWN

    return refuse_unless(messages, "trainee_id", Trainee, still_in, "trainee withdrawn")
