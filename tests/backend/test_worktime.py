"""Deadlines in working time (backend.worktime) against the 2026 China calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.worktime import (
    DeadlineState,
    NaiveDatetimeError,
    TimeUnit,
    WorkCalendar,
    add_working_time,
    deadline_state,
    extend,
    limit_used,
    working_time_between,
)
from backend.worktime_cn2026 import CN_2026_CALENDAR, CN_2026_HOLIDAYS, CN_2026_MAKEUP_WORKDAYS

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = CN_2026_CALENDAR
WH, WD, CH = TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_HOURS


def sh(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time in 2026, as the UTC datetime the functions take."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due", "why"),
    [
        (sh(3, 2, 9), 3, WH, sh(3, 2, 12), "a limit ending at the lunch break is due at 12:00"),
        (sh(3, 2, 9), 7.5, WH, sh(3, 2, 18), "a full day ends at 18:00, not next morning"),
        (sh(3, 2, 11), 2, WH, sh(3, 2, 14, 30), "lunch break 12:00-13:30 not counted"),
        (sh(3, 2, 10), 0.5, WH, sh(3, 2, 10, 30), "fractions of an hour"),
        (sh(3, 2, 12, 30), 1, WH, sh(3, 2, 14, 30), "start during lunch counts from 13:30"),
        (sh(3, 2, 7), 1, WH, sh(3, 2, 10), "start before hours counts from 09:00"),
        (sh(3, 2, 19), 1, WH, sh(3, 3, 10), "start after hours counts from next morning"),
        (sh(3, 6, 17), 2, WH, sh(3, 9, 10), "Friday 17:00 + 2 h crosses the weekend"),
        (sh(3, 7, 10), 1, WH, sh(3, 9, 10), "start on Saturday counts from Monday"),
        (sh(4, 3, 17), 2, WH, sh(4, 7, 10), "Qingming 4-6 April (Sat-Mon) is off"),
        (sh(9, 30, 17), 1, WD, sh(10, 8, 17), "National Day 1-7 October is off"),
        (sh(2, 13, 17), 2, WH, sh(2, 14, 10), "Saturday 14 February is a make-up working day"),
        (sh(2, 14, 17), 2, WH, sh(2, 24, 10), "Spring Festival 15-23 February is off"),
        (sh(9, 19, 10), 1, WH, sh(9, 20, 10), "Sunday 20 September is a make-up working day"),
        (sh(12, 31, 17), 2, WH, datetime(2027, 1, 1, 10, tzinfo=SHANGHAI).astimezone(UTC),
         "2027 is not in the data: 1 January 2027 counts as a working day until configured"),
        (sh(3, 2, 17), 1, WD, sh(3, 3, 17), "one working day = 7.5 working hours"),
        (sh(3, 5, 10), 3, WD, sh(3, 10, 10), "Thursday + 3 working days = Tuesday"),
        (sh(3, 6, 17), 48, CH, sh(3, 8, 17), "calendar hours ignore the calendar"),
        (sh(3, 7, 10), 0, WH, sh(3, 7, 10), "zero amount returns the start"),
    ],
)
def test_add_working_time(start: datetime, amount: float, unit: TimeUnit, due: datetime, why: str) -> None:
    got = add_working_time(start, amount, unit, CAL)
    assert got == due, why
    assert got.tzinfo is UTC


def test_plain_calendar_without_makeup_day_skips_the_weekend() -> None:
    assert add_working_time(sh(2, 13, 17), 2, WH, WorkCalendar()) == sh(2, 16, 10)


def test_asia_shanghai_has_no_dst() -> None:
    # A limit crossing the night Europe and the US change clocks still lands on the wall-clock hour.
    due = add_working_time(sh(3, 27, 16), 4, WH, CAL)
    assert due == sh(3, 30, 11) and due.hour == 3  # 11:00 +08:00
    offsets = {datetime(2026, m, 15, 12, tzinfo=SHANGHAI).utcoffset() for m in range(1, 13)}
    assert offsets == {timedelta(hours=8)}


def test_another_timezone_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar(timezone="Europe/Berlin", periods=((time(8), time(12)), (time(13), time(17))))
    start = datetime(2026, 3, 27, 15, tzinfo=berlin)  # Friday, CET (+01:00)
    due = add_working_time(start, 4, WH, cal)  # 15-17 Friday, 8-10 Monday (CEST, +02:00)
    assert due == datetime(2026, 3, 30, 10, tzinfo=berlin)
    assert due == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert working_time_between(start, due, WH, cal) == pytest.approx(4)
    assert working_time_between(start, due, WD, cal) == pytest.approx(0.5)


def test_aware_non_utc_input_is_accepted_and_output_is_utc() -> None:
    start = datetime(2026, 3, 2, 11, tzinfo=SHANGHAI)
    due = add_working_time(start, 2, WH, CAL)
    assert due.tzinfo is UTC and due == sh(3, 2, 14, 30)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_time(datetime(2026, 3, 2, 9), 1, WH, CAL),
        lambda: working_time_between(datetime(2026, 3, 2, 9), sh(3, 3), WH, CAL),
        lambda: working_time_between(sh(3, 2), datetime(2026, 3, 3), WH, CAL),
        lambda: deadline_state(sh(3, 2, 9), sh(3, 3, 9), datetime(2026, 3, 2, 10), CAL),
        lambda: extend(datetime(2026, 3, 2, 9), 1, WD, CAL),
    ],
)
def test_naive_datetimes_are_rejected(call) -> None:
    with pytest.raises(NaiveDatetimeError, match="naive"):
        call()
    assert issubclass(NaiveDatetimeError, ValueError)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unit"):
        add_working_time(sh(3, 2, 9), 1, "fortnights", CAL)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(sh(3, 2, 9), -1, WH, CAL)
    with pytest.raises(ValueError, match="no working period"):
        add_working_time(sh(3, 2, 9), 1, WH, WorkCalendar(weekend=frozenset(range(7))))


def test_between_weekend_holiday_and_units() -> None:
    assert working_time_between(sh(3, 6, 17), sh(3, 9, 10), WH, CAL) == pytest.approx(2)
    assert working_time_between(sh(3, 9, 10), sh(3, 6, 17), WH, CAL) == pytest.approx(-2)
    assert working_time_between(sh(3, 6, 17), sh(3, 9, 10), WD, CAL) == pytest.approx(2 / 7.5)
    assert working_time_between(sh(3, 6, 17), sh(3, 9, 10), CH, CAL) == pytest.approx(65)
    assert working_time_between(sh(9, 30, 18), sh(10, 8, 9), WH, CAL) == 0  # the whole holiday
    assert working_time_between(sh(3, 2, 12), sh(3, 2, 13, 30), WH, CAL) == 0  # lunch
    assert working_time_between(sh(2, 14, 0), sh(2, 15, 0), WD, CAL) == pytest.approx(1)  # make-up Sat


@pytest.mark.parametrize("start", [sh(1, 1, 8), sh(2, 13, 11, 15), sh(4, 30, 17, 59), sh(9, 19, 23)])
@pytest.mark.parametrize("amount", [0.25, 1, 4, 7.5, 13, 100, 1000])
def test_between_inverts_add(start: datetime, amount: float) -> None:
    due = add_working_time(start, amount, WH, CAL)
    assert working_time_between(start, due, WH, CAL) == pytest.approx(amount)
    due_days = add_working_time(start, amount / 7.5, WD, CAL)
    assert due_days == pytest.approx(due, abs=timedelta(seconds=1))


# 10 working hours from Monday 2 March 09:00: Monday gives 7.5, Tuesday 09:00-11:30 the rest.
START, DUE = sh(3, 2, 9), sh(3, 3, 11, 30)


def test_due_of_the_deadline_example() -> None:
    assert add_working_time(START, 10, WH, CAL) == DUE


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (sh(3, 2, 9), DeadlineState.NORMAL),
        (sh(3, 2, 18, 30), DeadlineState.NORMAL),  # 7.5 / 10 = 75 %
        (sh(3, 3, 8, 59), DeadlineState.NORMAL),  # still 75 %: the night does not count
        (sh(3, 3, 9, 29), DeadlineState.NORMAL),  # 79.8 %
        (sh(3, 3, 9, 30), DeadlineState.WARNING),  # exactly 80 %
        (sh(3, 3, 11, 30), DeadlineState.WARNING),  # exactly 100 % is not yet overdue
        (sh(3, 3, 11, 31), DeadlineState.OVERDUE),  # past 100 %
        (sh(3, 10, 9), DeadlineState.OVERDUE),
    ],
)
def test_deadline_state(now: datetime, state: DeadlineState) -> None:
    assert deadline_state(START, DUE, now, CAL) == state
    assert deadline_state(START, DUE, now, CAL, unit=WD) == state  # same share in working days


def test_overdue_after_a_due_at_the_end_of_the_day() -> None:
    due = add_working_time(sh(3, 2, 9), 7.5, WH, CAL)
    assert deadline_state(sh(3, 2, 9), due, sh(3, 2, 18), CAL) == "warning"
    assert deadline_state(sh(3, 2, 9), due, sh(3, 2, 19), CAL) == "overdue"


def test_warning_measured_in_working_time_not_wall_clock() -> None:
    start = sh(3, 6, 17)  # Friday
    due = add_working_time(start, 4, WH, CAL)
    assert due == sh(3, 9, 12)
    now = sh(3, 9, 9)  # Monday morning: 95 % of the wall-clock time, 25 % of the working time
    assert limit_used(start, due, now, CAL) == pytest.approx(0.25)
    assert deadline_state(start, due, now, CAL) == DeadlineState.NORMAL
    assert deadline_state(start, due, now, CAL, unit=CH) == DeadlineState.WARNING


def test_extend_moves_the_due_and_resets_the_state() -> None:
    new_due = extend(DUE, 2, WD, CAL)  # 15 more working hours
    assert new_due == sh(3, 5, 11, 30)
    assert deadline_state(START, new_due, sh(3, 3, 11, 31), CAL) == DeadlineState.NORMAL
    assert extend(sh(9, 30, 18), 1, WH, CAL) == sh(10, 8, 10)  # from the end of day, over the holiday


def test_calendar_is_configurable_data() -> None:
    data = CAL.to_mapping()
    assert data["timezone"] == "Asia/Shanghai"
    assert data["periods"] == [["09:00", "12:00"], ["13:30", "18:00"]]
    assert WorkCalendar.from_mapping(data) == CAL
    custom = WorkCalendar.from_mapping({"periods": [["08:30", "17:30"]], "weekend": [6]})
    assert custom.seconds_per_working_day == 9 * 3600
    assert custom.is_working_day(date(2026, 3, 7))  # a Saturday, working here
    merged = WorkCalendar().with_dates(holidays=[date(2026, 3, 2)])
    assert not merged.is_working_day(date(2026, 3, 2))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"periods": ()},
        {"periods": ((time(12), time(9)),)},
        {"periods": ((time(9), time(12)), (time(11), time(14)))},
        {"weekend": frozenset({7})},
        {"timezone": "Mars/Olympus_Mons"},
    ],
)
def test_invalid_calendars_are_rejected(kwargs) -> None:
    with pytest.raises(Exception):  # noqa: B017 - ValueError or ZoneInfoNotFoundError (a KeyError)
        WorkCalendar(**kwargs)


def test_holiday_wins_over_makeup_day() -> None:
    cal = WorkCalendar(holidays={date(2026, 3, 7)}, makeup_workdays={date(2026, 3, 7)})
    assert not cal.is_working_day(date(2026, 3, 7))


def test_cn_2026_data() -> None:
    assert len(CN_2026_HOLIDAYS) == 33  # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off
    announced = {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
    assert {d.isoformat() for d in CN_2026_MAKEUP_WORKDAYS} == announced
    assert all(d.weekday() >= 5 for d in CN_2026_MAKEUP_WORKDAYS)
    assert not CN_2026_HOLIDAYS & CN_2026_MAKEUP_WORKDAYS
    assert {date(2026, 1, 1), date(2026, 2, 15), date(2026, 2, 23), date(2026, 10, 7)} <= CN_2026_HOLIDAYS
    assert all(d.year == 2026 for d in CN_2026_HOLIDAYS | CN_2026_MAKEUP_WORKDAYS)
