"""Outcomes after the programme (reports/outcomes.py, pure) and when follow-ups are due
(reminders/rules.py): the first, pure step of issue 17."""

from datetime import UTC, date, datetime

from cohort.follow_ups.rules import Work, follow_up_moments
from reports.outcomes import SMALL_TEXT, TraineeFacts, funnel, shown

TZ = "Europe/Amsterdam"


def facts(training=True, internship=True, programme=True, at_6=None, at_12=None) -> TraineeFacts:
    return TraineeFacts(training, internship, programme, at_6, at_12)


def test_the_funnel_counts_each_step_among_the_step_before_and_keeps_unknowns_apart():
    trainees = [
        facts(training=False, internship=False, programme=False),  # withdrew during training
        facts(internship=False, programme=False),  # no completed internship
        facts(programme=False),  # left after the internship
        facts(at_6=Work.CONSULTANT, at_12=Work.CONSULTANT),
        facts(at_6=Work.OTHER, at_12=None),  # working at 6, no answer at 12
        facts(at_6=Work.NONE),  # not working
        facts(),  # never answered: unknown, not "not working"
    ]
    steps = {s.key: (s.count, s.denominator, s.unknown, s.consultants) for s in funnel(trainees)}
    assert steps == {
        "enrolled": (7, 7, 0, 0),
        "training": (6, 7, 0, 0),
        "internship": (5, 6, 0, 0),
        "programme": (4, 5, 0, 0),
        "working_6m": (2, 4, 1, 1),
        "working_12m": (1, 2, 1, 1),
    }
    working = funnel(trainees)[4]
    assert (working.share, working.unknown_share) == (0.5, 0.25)
    assert [s.count for s in funnel([])] == [0] * 6 and funnel([])[0].share is None


def test_a_figure_of_fewer_than_five_people_is_shown_as_less_than_five():
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, SMALL_TEXT, SMALL_TEXT, 5, 12]
    assert shown(0, denominator=3) == SMALL_TEXT and shown(6, denominator=4) == SMALL_TEXT
    assert shown(5, denominator=5) == 5


def test_follow_ups_are_due_at_10_local_3_6_and_12_months_after_across_summer_time():
    three, six, twelve = follow_up_moments(date(2026, 12, 31), TZ)
    assert [m.months for m in (three, six, twelve)] == [3, 6, 12]
    assert three.ask_at == datetime(2027, 3, 31, 8, 0, tzinfo=UTC)  # summer time since 28 March
    assert six.ask_at == datetime(2027, 6, 30, 8, 0, tzinfo=UTC)  # the month's last day
    assert twelve.ask_at == datetime(2027, 12, 31, 9, 0, tzinfo=UTC)  # winter time
    assert three.chase_at == datetime(2027, 4, 14, 8, 0, tzinfo=UTC)
    assert three.link_until == datetime(2027, 4, 30, 22, 0, tzinfo=UTC)  # 00:00 local after its 30th day
    assert three.last_day == date(2027, 4, 30) and three.link_from == datetime(2027, 3, 30, 22, 0, tzinfo=UTC)
    # A question in March whose chase falls after the change still goes at 10:00 local.
    march = follow_up_moments(date(2026, 12, 20), TZ)[0]
    assert march.ask_at == datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    assert march.chase_at == datetime(2027, 4, 3, 8, 0, tzinfo=UTC)


def test_who_has_not_reached_a_moment_yet_is_left_out_of_its_denominator():
    trainees = [
        facts(at_6=Work.CONSULTANT, at_12=Work.CONSULTANT),
        TraineeFacts(True, True, True, work_6m=Work.OTHER, due_12m=False),  # 12 months not yet
        TraineeFacts(True, True, True, due_6m=False, due_12m=False),  # finished last month
    ]
    six, twelve = funnel(trainees)[4:]
    assert (six.count, six.denominator, six.unknown, six.not_yet) == (2, 2, 0, 1)
    assert (twelve.count, twelve.denominator, twelve.unknown, twelve.not_yet) == (1, 1, 0, 1)


def test_a_step_whose_phase_is_not_over_counts_its_trainees_as_not_yet():
    running = TraineeFacts(
        False, False, False, training_due=False, internship_due=False, programme_due=False, due_6m=False
    )
    withdrew = TraineeFacts(False, False, False)  # they left: every step's moment has come
    training = funnel([running, withdrew])[1]
    assert (training.count, training.denominator, training.not_yet) == (0, 1, 1)
