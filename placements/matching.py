"""Which offers suit a trainee, and how much time is left. Pure: plain values in and out."""

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from core.workdays import count_working_days


@dataclass(frozen=True)
class OfferOption:
    offer_id: int
    municipality_id: int
    municipality_name: str
    province: str
    places_free: int


@dataclass(frozen=True)
class Suggestion:
    offer: OfferOption
    match: str  # "home_municipality", "province" or "elsewhere"


def rank_offers(
    home_municipality_id: int | None, home_province: str | None, offers: Iterable[OfferOption]
) -> list[Suggestion]:
    """Offers with free places: the trainee's home municipality first, then the same province, then
    the rest; within each group the most free places first, then by name (a stable order)."""
    suggestions = []
    for offer in offers:
        if offer.places_free <= 0:
            continue
        if home_municipality_id is not None and offer.municipality_id == home_municipality_id:
            match = "home_municipality"
        elif home_province and offer.province == home_province:
            match = "province"
        else:
            match = "elsewhere"
        suggestions.append(Suggestion(offer, match))
    order = {"home_municipality": 0, "province": 1, "elsewhere": 2}
    return sorted(
        suggestions,
        key=lambda s: (order[s.match], -s.offer.places_free, s.offer.municipality_name, s.offer.offer_id),
    )


@dataclass(frozen=True)
class ProvinceNeed:
    """Per province: trainees living there who need a place, against the places offered there."""

    province: str  # "" for trainees whose home municipality is not known
    needed: int
    offered: int
    free: int

    @property
    def short(self) -> int:
        return max(self.needed - self.offered, 0)


def needs_by_province(
    homes: Iterable[str | None], offers: Iterable[tuple[str, int, int]]
) -> list[ProvinceNeed]:
    """`homes`: the home province of each trainee who needs a place (None: unknown); `offers`:
    (province, places, free places) per offer. Sorted by the largest shortage, then by name;
    the unknown homes last."""
    needed: dict[str, int] = {}
    for province in homes:
        needed[province or ""] = needed.get(province or "", 0) + 1
    offered: dict[str, list[int]] = {}
    for province, places, free in offers:
        total = offered.setdefault(province, [0, 0])
        total[0], total[1] = total[0] + places, total[1] + free
    rows = [
        ProvinceNeed(p, needed.get(p, 0), *offered.get(p, [0, 0])) for p in sorted(set(needed) | set(offered))
    ]
    return sorted(rows, key=lambda r: (r.province == "", -r.short, r.province))


def working_days_until(today: date, start: date, holidays: Container[date] = ()) -> int:
    """Working days (Monday–Friday, not a holiday) from tomorrow up to the day before `start`."""
    return count_working_days(today + timedelta(days=1), start - timedelta(days=1), holidays)


def internship_days(start: date, end: date, weekdays: Iterable[int], blocked: Iterable[date]) -> list[date]:
    """The intern's days at the workplace: their weekdays within the internship, never a blocked day
    (a public holiday, a closure or a return day)."""
    chosen, skip = set(weekdays), set(blocked)
    return [
        start + timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + timedelta(days=n)).weekday() in chosen and start + timedelta(days=n) not in skip
    ]
