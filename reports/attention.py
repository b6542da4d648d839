""" "Needs attention today": what a manager should act on, across cohorts. Pure: plain data in, a
sorted list of items out; reports/attention_queries.py gathers the data.

The rules (the README's "Monitoring" section lists them for managers):

- a scheduled session from today up to 14 days ahead without a trainer (one item per cohort, with
  the number of such sessions and the first date);
- trainees (enrolled or active) without a proposal or place, from 4 weeks before the internship
  starts until it ends (one item per cohort);
- a proposal to a municipality without a contact person: nobody could be asked yet (it goes out
  as soon as the municipality has one);
- a proposal a municipality has not answered for more than 3 working days (Monday to Friday, not
  a Dutch public holiday; the day of the proposal itself does not count), so one made on a Monday
  shows from Friday on: the reminders chase after 5 working days, the manager hears of it first;
- an enrolled or active trainee whose attendance rate over the last 4 weeks is under the
  threshold (setting ATTENDANCE_THRESHOLD, default 80%); without data there is no rate, no item;
- an absence notice for a session today or tomorrow;
- e-mail that the mail server refused for good (a bounce) to a municipality contact or a
  supervisor: one item per address of that person, with the server's answer, a link to correct
  the address, and "try again".
"""

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.rates import rate_from_counts
from core.workdays import count_working_days
from reports.monitoring import PhaseSpan, internship_near_or_running

TRAINER_HORIZON_DAYS = 14
PROPOSAL_ANSWER_WORKING_DAYS = 3
ABSENCE_HORIZON_DAYS = 1  # today and tomorrow

ABSENCE, BOUNCE, NO_TRAINER, NO_CONTACT, UNPLACED, UNANSWERED, LOW_ATTENDANCE = (
    "absence",
    "bounced_mail",
    "no_trainer",
    "proposal_without_contact",
    "unplaced",
    "unanswered_proposal",
    "low_attendance",
)
# Most urgent first: tomorrow's absences before next week's trainer gaps.
KIND_ORDER = (ABSENCE, BOUNCE, NO_TRAINER, NO_CONTACT, UNPLACED, UNANSWERED, LOW_ATTENDANCE)
# Where a bounced address is corrected: a contact's account, a supervisor on their placement (the
# names of outbox/retry.py's ADDRESS_SOURCES; tests/test_bounces.py checks that they agree).
CONTACT, SUPERVISOR = "user", "placement"
CORRECT_ADDRESS = {
    CONTACT: ("accounts.edit_user", "user_id"),
    SUPERVISOR: ("placements.supervisor", "placement_id"),
}


@dataclass(frozen=True)
class CohortInfo:
    id: int
    name: str
    internship: PhaseSpan | None = None


@dataclass(frozen=True)
class SessionGap:
    """A scheduled session without a trainer."""

    cohort_id: int
    session_id: int
    date: date


@dataclass(frozen=True)
class OpenProposal:
    placement_id: int
    cohort_id: int
    trainee_name: str
    municipality_name: str
    proposed_on: date  # local date
    municipality_id: int | None = None
    has_contact: bool = True  # an active contact person, who was (or can be) asked


@dataclass(frozen=True)
class RecentAttendance:
    """A trainee's attendance counts over the last 4 weeks (see core/rates.py)."""

    trainee_id: int
    cohort_id: int
    trainee_name: str
    attended: int
    counted: int


@dataclass(frozen=True)
class Absence:
    session_id: int
    cohort_id: int
    trainee_name: str
    date: date


@dataclass(frozen=True)
class BouncedMail:
    """The newest bounce of one address of a contact (source CONTACT, the user's id) or a
    supervisor (SUPERVISOR, the placement's id)."""

    source: str
    record_id: int
    name: str
    address: str
    error: str  # the server's answer, e.g. "550 5.1.1 mailbox unavailable"
    about: str  # the contact's municipality, or the supervisor's intern
    day: date  # local date of the newest bounce


@dataclass(frozen=True)
class AttentionData:
    today: date
    threshold: float
    cohorts: dict[int, CohortInfo]
    unplaced: dict[int, int] = field(default_factory=dict)  # cohort id -> trainees without a place
    sessions_without_trainer: tuple[SessionGap, ...] = ()
    proposals: tuple[OpenProposal, ...] = ()
    attendance: tuple[RecentAttendance, ...] = ()
    absences: tuple[Absence, ...] = ()
    bounces: tuple[BouncedMail, ...] = ()
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class AttentionItem:
    """One line of the list: `kind` picks the sentence, `params` fill it, the link goes to
    `url_for(endpoint, **args)`."""

    kind: str
    cohort_id: int | None  # None: about a person, not a cohort (a bounce)
    cohort_name: str
    params: dict
    endpoint: str
    args: dict
    day: date  # what the item is about (a session, the internship start, the proposal); for sorting

    @property
    def sort_key(self) -> tuple:
        subject = str(self.params.get("name", ""))
        return (KIND_ORDER.index(self.kind), self.day, self.cohort_name, subject)


def working_days_since(day: date, today: date, holidays: Container[date] = ()) -> int:
    """Working days after `day` up to and including `today` (Monday to Friday, not a holiday)."""
    return count_working_days(day + timedelta(days=1), today, holidays)


def below_threshold(attended: int, counted: int, threshold: float) -> bool:
    rate = rate_from_counts(attended, counted)
    return rate is not None and rate < threshold


def _item(kind: str, cohort: CohortInfo, day: date, params: dict, endpoint: str, **args) -> AttentionItem:
    return AttentionItem(kind, cohort.id, cohort.name, params, endpoint, args, day)


def _trainer_items(data: AttentionData) -> list[AttentionItem]:
    last = data.today + timedelta(days=TRAINER_HORIZON_DAYS)
    by_cohort: dict[int, list[date]] = {}
    for gap in data.sessions_without_trainer:
        if data.today <= gap.date <= last:
            by_cohort.setdefault(gap.cohort_id, []).append(gap.date)
    return [
        _item(
            NO_TRAINER,
            data.cohorts[cohort_id],
            min(days),
            {"n": len(days), "date": min(days)},
            "cohorts.detail",
            cohort_id=cohort_id,
        )
        for cohort_id, days in by_cohort.items()
        if cohort_id in data.cohorts
    ]


def _unplaced_items(data: AttentionData) -> list[AttentionItem]:
    return [
        _item(
            UNPLACED,
            cohort,
            cohort.internship.start_date,
            {
                "n": count,
                "date": cohort.internship.start_date,
                "started": data.today >= cohort.internship.start_date,
            },
            "placements.cohort_placements",
            cohort_id=cohort.id,
        )
        for cohort_id, count in data.unplaced.items()
        if count > 0
        and (cohort := data.cohorts.get(cohort_id))
        and internship_near_or_running(cohort.internship, data.today)
    ]


def _proposal_items(data: AttentionData) -> list[AttentionItem]:
    items = []
    for p in data.proposals:
        if p.cohort_id not in data.cohorts:
            continue
        params = {"name": p.trainee_name, "municipality": p.municipality_name, "date": p.proposed_on}
        cohort = data.cohorts[p.cohort_id]
        if not p.has_contact:  # nobody was asked: the manager must add a contact person
            items.append(
                _item(
                    NO_CONTACT,
                    cohort,
                    p.proposed_on,
                    params,
                    "municipalities.detail",
                    municipality_id=p.municipality_id,
                )
            )
        elif working_days_since(p.proposed_on, data.today, data.holidays) > PROPOSAL_ANSWER_WORKING_DAYS:
            items.append(
                _item(
                    UNANSWERED,
                    cohort,
                    p.proposed_on,
                    params,
                    "placements.cohort_placements",
                    cohort_id=p.cohort_id,
                )
            )
    return items


def _attendance_items(data: AttentionData) -> list[AttentionItem]:
    return [
        _item(
            LOW_ATTENDANCE,
            data.cohorts[a.cohort_id],
            data.today,
            {"name": a.trainee_name, "rate": rate_from_counts(a.attended, a.counted)},
            "trainee_file.show",
            trainee_id=a.trainee_id,
        )
        for a in data.attendance
        if a.cohort_id in data.cohorts and below_threshold(a.attended, a.counted, data.threshold)
    ]


def _absence_items(data: AttentionData) -> list[AttentionItem]:
    last = data.today + timedelta(days=ABSENCE_HORIZON_DAYS)
    return [
        _item(
            ABSENCE,
            data.cohorts[a.cohort_id],
            a.date,
            {"name": a.trainee_name, "date": a.date, "tomorrow": a.date > data.today},
            "sessions.attendance",
            session_id=a.session_id,
        )
        for a in data.absences
        if a.cohort_id in data.cohorts and data.today <= a.date <= last
    ]


def _bounce_items(data: AttentionData) -> list[AttentionItem]:
    newest: dict[tuple, BouncedMail] = {}
    for bounce in sorted(data.bounces, key=lambda b: b.day):
        newest[(bounce.source, bounce.record_id, bounce.address.lower())] = bounce
    items = []
    for b in newest.values():
        endpoint, argument = CORRECT_ADDRESS[b.source]
        params = {
            "name": b.name,
            "address": b.address,
            "error": b.error,
            "source": b.source,
            "record_id": b.record_id,
        }
        items.append(AttentionItem(BOUNCE, None, b.about, params, endpoint, {argument: b.record_id}, b.day))
    return items


def attention_items(data: AttentionData) -> list[AttentionItem]:
    """Every item that needs attention today, most urgent kind first, then by date and cohort."""
    builders = (
        _absence_items,
        _bounce_items,
        _trainer_items,
        _unplaced_items,
        _proposal_items,
        _attendance_items,
    )
    items = [item for build in builders for item in build(data)]
    return sorted(items, key=lambda item: item.sort_key)
