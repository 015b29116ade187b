"""The date resolver (pure): Domo's three modes and the errors that name the field."""

from datetime import date

import pytest

from infusionsoft_assets.dates import DateSelectionError, resolve

TODAY = date(2026, 11, 28)
EARLIEST = date(2015, 1, 1)


def r(**kw):
    return resolve(today=TODAY, earliest=EARLIEST, **kw)


def test_specific_date_is_one_day():
    days = r(date_="2026-11-20")
    assert days.keys == ["2026-11-20"]


def test_days_back_are_the_complete_days_before_today():
    assert r(days_back_n=3).keys == ["2026-11-25", "2026-11-26", "2026-11-27"]


def test_relative_start_end_like_domo_10_and_5():
    days = r(start="10", end="5")
    assert (days.first, days.last) == (date(2026, 11, 18), date(2026, 11, 23))


def test_end_zero_is_today_and_mixed_specific_relative():
    days = r(start="2026-11-26", end=0)
    assert days.keys == ["2026-11-26", "2026-11-27", "2026-11-28"]


@pytest.mark.parametrize("kw, field", [
    ({"start": "2026-11-20", "end": "2026-11-10"}, "end"),
    ({"start": "-2", "end": "0"}, "start"),
    ({"date_": "2026-12-01"}, "date"),
    ({"date_": "2014-12-31"}, "date"),
    ({"date_": "yesterday"}, "date"),
    ({"days_back_n": 0}, "days_back"),
    ({"days_back_n": 5000}, "days_back"),
    ({"start": "3"}, "end"),
])
def test_invalid_selections_name_the_field(kw, field):
    with pytest.raises(DateSelectionError) as info:
        r(**kw)
    assert str(info.value).startswith(field + ":")


def test_exactly_one_mode():
    with pytest.raises(DateSelectionError, match="choose one"):
        r(date_="2026-11-20", days_back_n=2)
