from datetime import date, datetime, timezone

import pytest

from ledger.dates import DateError, parse_date, parse_instant, span


@pytest.mark.parametrize("text, precision, lo, hi", [
    ("2004", "year", date(2004, 1, 1), date(2004, 12, 31)),
    ("2004-02", "month", date(2004, 2, 1), date(2004, 2, 29)),
    ("2003-02", "month", date(2003, 2, 1), date(2003, 2, 28)),
    ("2004-05-21", "day", date(2004, 5, 21), date(2004, 5, 21)),
])
def test_precision_and_interval(text, precision, lo, hi):
    d = parse_date(text)
    assert (d.text, d.precision, d.lo, d.hi) == (text, precision, lo, hi)


@pytest.mark.parametrize("bad", ["2004-5", "04-05-2004", "2004-02-30", "2004-13", "0000", "",
                                 "2004-05-21T10:00", "May 2004", None, 3.5, True])
def test_bad_dates_are_refused(bad):
    with pytest.raises(DateError):
        parse_date(bad)


def test_known_at_instants():
    assert parse_instant("2005-06-30") == datetime(2005, 6, 30, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert parse_instant("2005-06-30T12:00:00Z") == datetime(2005, 6, 30, 12, tzinfo=timezone.utc)
    with pytest.raises(DateError):
        parse_instant("yesterday")


def test_span_names_the_unit():
    assert span(date(2004, 5, 1), date(2004, 5, 31)).text == "2004-05"
    assert span(date(2004, 1, 1), date(2004, 12, 31)).text == "2004"
    assert span(date(2004, 5, 2), date(2004, 5, 2)).text == "2004-05-02"
