"""Domo's three ways of choosing dates, resolved to an inclusive range of UTC days (partition keys).

One resolver for config, the CLI and schedules:
- a specific date -> that day;
- days back N -> the N complete days before today (today itself is partial);
- start and end, each a specific date or a number of days back (0 = today) -> that range inclusive.
Errors name the field that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


class DateSelectionError(ValueError):
    pass


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @property
    def keys(self) -> list[str]:
        return [(self.first + timedelta(days=i)).isoformat() for i in range((self.last - self.first).days + 1)]


def utc_today(now: datetime | None = None) -> date:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()


def parse_day(value: str | date, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DateSelectionError(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_day_or_offset(value: str | int | date, field: str) -> date | int:
    """``2026-11-01`` is a specific day; ``3`` means 3 days back from today."""
    if isinstance(value, (int, date)):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        if len(text) == 8 and text.isdigit():
            # 20261101: a date without dashes, not twenty million days back; say so rather than guess.
            raise DateSelectionError(f"{field}: {text!r} is neither a number of days back nor a date; "
                                     f"write a date as {text[:4]}-{text[4:6]}-{text[6:]}")
        return int(text)
    return parse_day(text, field)


def _check(day: date, field: str, today: date, earliest: date) -> date:
    if day > today:
        raise DateSelectionError(f"{field}: {day} is in the future (today is {today} UTC)")
    if day < earliest:
        raise DateSelectionError(f"{field}: {day} is before the start date {earliest} (INFUSIONSOFT_START_DATE)")
    return day


def _back(today: date, n: int, field: str, earliest: date) -> date:
    """``today`` minus ``n`` days; a number so large it leaves the calendar is named as such."""
    if n > (today - earliest).days:
        raise DateSelectionError(f"{field}: {n} days back is before the start date {earliest} "
                                 "(INFUSIONSOFT_START_DATE)")
    return today - timedelta(days=n)


def _from(value: date | int, field: str, today: date, earliest: date) -> date:
    if isinstance(value, int):
        if value < 0:
            raise DateSelectionError(f"{field}: days back must be 0 or more, not {value}")
        return _back(today, value, field, earliest)
    return value


def specific_date(day: str | date, *, today: date, earliest: date) -> DayRange:
    d = _check(parse_day(day, "date"), "date", today, earliest)
    return DayRange(d, d)


def days_back(n: int, *, today: date, earliest: date) -> DayRange:
    if not isinstance(n, int) or n < 1:
        raise DateSelectionError(f"days_back: must be a whole number of 1 or more, not {n!r}")
    if n > (today - earliest).days:
        raise DateSelectionError(f"days_back: {n} days back reaches before the start date {earliest} "
                                 "(INFUSIONSOFT_START_DATE)")
    return DayRange(today - timedelta(days=n), today - timedelta(days=1))


def start_end(start: str | int | date, end: str | int | date, *, today: date, earliest: date) -> DayRange:
    first = _check(_from(parse_day_or_offset(start, "start"), "start", today, earliest), "start", today, earliest)
    last = _check(_from(parse_day_or_offset(end, "end"), "end", today, earliest), "end", today, earliest)
    if last < first:
        raise DateSelectionError(f"end: {last} is before start {first}")
    return DayRange(first, last)


def resolve(*, today: date, earliest: date, date_: str | date | None = None, days_back_n: int | None = None,
            start: str | int | date | None = None, end: str | int | date | None = None) -> DayRange:
    """Exactly one mode: ``date_``, ``days_back_n``, or ``start`` with ``end``."""
    modes = [date_ is not None, days_back_n is not None, start is not None or end is not None]
    if sum(modes) != 1:
        raise DateSelectionError("choose one of: a date, days back, or start and end")
    if date_ is not None:
        return specific_date(date_, today=today, earliest=earliest)
    if days_back_n is not None:
        return days_back(days_back_n, today=today, earliest=earliest)
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise DateSelectionError(f"{missing}: both start and end are needed")
    return start_end(start, end, today=today, earliest=earliest)
