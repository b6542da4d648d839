"""The words and the timing of the follow-ups. Pure: plain values in and out, no Flask, no database.

A former trainee is asked 3, 6 and 12 months after their end date (the day they completed or left
the programme): the same day of the month, or the month's last day, at the reminder rule's time
(FOLLOW_UP_AT, 10:00, unless a manager changed it) in local time, whatever the season. One chase
goes FOLLOW_UP_CHASE_DAYS later while there is no answer. The link in the e-mail works by local
date, whatever the rule's time: from the moment's day through the FOLLOW_UP_VALID_DAYS-th day
after it.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.clock import local_moment
from core.workdays import add_months

FOLLOW_UP_MONTHS = (3, 6, 12)
FOLLOW_UP_AT = time(10, 0)
FOLLOW_UP_VALID_DAYS = 30
FOLLOW_UP_CHASE_DAYS = 14
# The messages: the question, its one chase, and the employer's request to confirm an answer.
# They go to former trainees, withdrawn ones too (cohort/outbox_rules.py).
FOLLOW_UP_KIND = "follow_up"
FOLLOW_UP_CHASE_KIND = "follow_up_chase"
CONFIRMATION_KIND = "work_confirmation"
AFTER_PROGRAMME_KINDS = (FOLLOW_UP_KIND, FOLLOW_UP_CHASE_KIND, CONFIRMATION_KIND)
MAX_HOURS = 60  # hours a week: more is a typing error
MAX_EMPLOYER = 120  # the column's size
MAX_NOTE = 300


class Work(enum.StrEnum):
    CONSULTANT = "consultant"  # working as an integration consultant
    OTHER = "other"  # working, in another role
    NONE = "none"  # not working


WORKING = (Work.CONSULTANT, Work.OTHER)


class Evidence(enum.StrEnum):
    SELF_REPORTED = "self_reported"  # the former trainee answered the follow-up link
    EMPLOYER_CONFIRMED = "employer_confirmed"  # the employer municipality's contact confirmed it
    PROGRAMME = "programme"  # a manager recorded it (a phone call, word from the employer)


class Source(enum.StrEnum):
    FOLLOW_UP_LINK = "follow_up_link"  # the former trainee's own answer to the e-mail
    PHONE_CALL = "phone_call"  # a manager spoke with the former trainee
    EMPLOYER = "employer"  # a manager heard it from the employer


# What a manager may give as the source of an outcome they record.
PROGRAMME_SOURCES = (Source.PHONE_CALL, Source.EMPLOYER)


class EmployerAnswer(enum.StrEnum):
    CONFIRMED = "confirmed"
    DENIED = "denied"  # the contact does not recognise it: the answer stays self-reported


@dataclass(frozen=True)
class FollowUpMoment:
    months: int  # after the end date: 3, 6 or 12
    day: date  # the moment's (local) day
    ask_at: datetime  # UTC
    chase_at: datetime  # UTC
    link_from: datetime  # UTC: 00:00 local on the moment's day
    link_until: datetime  # UTC: the link stops working then, 00:00 local after its last day

    @property
    def last_day(self) -> date:
        """The last day the link works, as the mail says it."""
        return self.day + timedelta(days=FOLLOW_UP_VALID_DAYS)


def follow_up_moments(end_date: date, tz_name: str, at: time = FOLLOW_UP_AT) -> list[FollowUpMoment]:
    """The three follow-ups of a trainee who completed or left the programme on `end_date`."""
    moments = []
    for months in FOLLOW_UP_MONTHS:
        day = add_months(end_date, months)
        moments.append(
            FollowUpMoment(
                months,
                day,
                ask_at=local_moment(day, at, tz_name),
                chase_at=local_moment(day + timedelta(days=FOLLOW_UP_CHASE_DAYS), at, tz_name),
                link_from=local_moment(day, time(0), tz_name),
                link_until=local_moment(day + timedelta(days=FOLLOW_UP_VALID_DAYS + 1), time(0), tz_name),
            )
        )
    return moments


def moment_at(end_date: date, months: int, tz_name: str) -> FollowUpMoment | None:
    return next((m for m in follow_up_moments(end_date, tz_name) if m.months == months), None)


def open_moment(
    end_date: date, now: datetime, tz_name: str, at: time = FOLLOW_UP_AT
) -> FollowUpMoment | None:
    """The follow-up whose question is due and whose link still works at `now`, if any (the
    windows never overlap: 3 months apart, 30 days long)."""
    return next((m for m in follow_up_moments(end_date, tz_name, at) if m.ask_at <= now < m.link_until), None)


def is_last(months: int) -> bool:
    """After the last follow-up nobody is asked again, so the answer page does not ask about it."""
    return months == FOLLOW_UP_MONTHS[-1]
