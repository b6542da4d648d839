"""Ranking the host municipalities for a trainee, and counting working days."""

from datetime import date

from placements.matching import OfferOption, needs_by_province, rank_offers, working_days_until


def test_ranking_puts_the_home_municipality_first_then_the_province():
    offers = [
        OfferOption(1, 10, "Zeist", "Utrecht", 1),
        OfferOption(2, 20, "Tilburg", "Noord-Brabant", 3),
        OfferOption(3, 30, "Amersfoort", "Utrecht", 2),
        OfferOption(4, 40, "Houten", "Utrecht", 0),
    ]
    ranked = rank_offers(10, "Utrecht", offers)
    assert [(s.offer.offer_id, s.match) for s in ranked] == [
        (1, "home_municipality"),
        (3, "province"),
        (2, "elsewhere"),
    ]  # Houten has no free place


def test_working_days_skip_weekends_and_holidays():
    # From Friday 1 May to Monday 11 May 2026, 4-8 May are working days (no Bevrijdingsdag in 2026).
    assert working_days_until(date(2026, 5, 1), date(2026, 5, 11)) == 5
    assert working_days_until(date(2026, 5, 1), date(2026, 5, 11), [date(2026, 5, 5)]) == 4


def test_needs_by_province_put_the_largest_shortage_first_and_unknown_homes_last():
    homes = ["Utrecht", "Utrecht", "Utrecht", "Limburg", None]
    offers = [("Utrecht", 2, 1), ("Zeeland", 3, 3), ("Utrecht", 0, 0)]
    rows = needs_by_province(homes, offers)
    assert [(r.province, r.needed, r.offered, r.free, r.short) for r in rows] == [
        ("Limburg", 1, 0, 0, 1),
        ("Utrecht", 3, 2, 1, 1),
        ("Zeeland", 0, 3, 3, 0),
        ("", 1, 0, 0, 1),
    ]
    assert needs_by_province([], []) == []
