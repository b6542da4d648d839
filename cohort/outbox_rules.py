"""What cohorts tell the outbox at dispatch: a withdrawn trainee gets no more mail about the
programme, but is asked how they are doing after it; a follow-up is not sent once it is answered,
turned off or erased, nor a request to confirm an answer once it is answered."""

from datetime import datetime

from cohort.follow_ups.models import WorkOutcome
from cohort.follow_ups.rules import (
    AFTER_PROGRAMME_KINDS,
    CONFIRMATION_KIND,
    FOLLOW_UP_CHASE_KIND,
    FOLLOW_UP_KIND,
)
from cohort.follow_ups.services import known_moments
from cohort.models import Trainee, TraineeStatus
from outbox.kinds import records_by_id, refuse_unless
from outbox.models import OutboxMessage


def trainee_withdrawn(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    def still_in(trainee: Trainee) -> bool:
        return trainee.status != TraineeStatus.WITHDRAWN

    about_the_programme = [m for m in messages if m.kind not in AFTER_PROGRAMME_KINDS]
    return refuse_unless(about_the_programme, "trainee_id", Trainee, still_in, "trainee withdrawn")


def follow_up_settled(messages: list[OutboxMessage], _now: datetime) -> dict[int, str]:
    """A follow-up question or chase about a moment something is known about (an answer, a
    call), or whose trainee asked not to be asked again or was erased; a request to confirm an
    answer that is answered, or whose trainee was erased."""
    questions = [m for m in messages if m.kind in (FOLLOW_UP_KIND, FOLLOW_UP_CHASE_KIND) and m.trainee_id]
    requests = [m for m in messages if m.kind == CONFIRMATION_KIND and m.trainee_id]
    if not questions and not requests:
        return {}
    trainees = records_by_id(Trainee, (m.trainee_id for m in questions + requests))
    answered = known_moments(sorted({m.trainee_id for m in questions}))
    outcomes = records_by_id(WorkOutcome, ((m.payload or {}).get("outcome") for m in requests))
    reasons = {}
    for m in questions + requests:
        trainee = trainees.get(m.trainee_id)
        if trainee is None or trainee.erased_at is not None:
            reasons[m.id] = "trainee erased"
        elif m.kind == CONFIRMATION_KIND:
            outcome = outcomes.get((m.payload or {}).get("outcome"))
            if outcome is None or outcome.employer_answer is not None:
                reasons[m.id] = "already answered"
        elif trainee.follow_ups_stopped_at is not None:
            reasons[m.id] = "follow-ups turned off"
        elif (trainee.id, (m.payload or {}).get("months")) in answered:
            reasons[m.id] = "already answered"
    return reasons
