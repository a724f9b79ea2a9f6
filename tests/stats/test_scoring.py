"""The scorecard arithmetic without a database: bands at their edges, ratings, composites,
null handling, windows across month ends and years."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backend.errors import Unprocessable
from backend.stats.filters import StatsFilter, Window
from backend.stats.measures import change, ratio
from backend.stats.scoring import Evidence, band_score, composite, rate
from backend.stats.settings import EvaluationSettings


@pytest.mark.parametrize(("score", "grade"), [(100, "A"), (90, "A"), (89.999, "B"), (75, "B"), (74.9, "C"),
                                              (60, "C"), (59.99, "D"), (40, "D"), (39.99, "E"), (0, "E"),
                                              (None, None)])
def test_rating_bands(score, grade):
    assert EvaluationSettings().rating(score) == grade


@pytest.mark.parametrize(("count", "points"), [(0, 0), (300, 0), (301, 60), (500, 60), (501, 75), (1200, 75),
                                               (1201, 90), (2000, 90), (2001, 100), (10_000, 100)])
def test_operator_intake_bands(count, points):
    assert EvaluationSettings().operator_intake_bands.score(count) == points


@pytest.mark.parametrize(("count", "points"), [(0, 10), (50, 10), (51, 9), (100, 9), (101, 7.5), (200, 7.5),
                                               (201, 6), (500, 6), (501, 4), (1000, 4), (1001, 0)])
def test_department_filed_bands(count, points):
    assert EvaluationSettings().department_filed_bands.score(count) == points


@pytest.mark.parametrize(("region_class", "count", "points"), [
    ("1", 0, 100), ("1", 1, 90), ("1", 2.9, 90), ("1", 3, 75), ("1", 4, 75), ("1", 5, 60), ("1", 7, 40),
    ("1", 8.9, 40), ("1", 9, 0), ("2", 1, 100), ("2", 2, 90), ("2", 4, 75), ("2", 9, 40), ("2", 10, 0),
])
def test_region_filed_bands_by_class(region_class, count, points):
    assert EvaluationSettings().region_filed_bands[region_class].score(count) == points


def _ev(n: int) -> list[Evidence]:
    return [Evidence(i, f"R{i}") for i in range(n)]


def test_composite_weights_reweighting_and_null_policy():
    s = EvaluationSettings()
    ind = {"on_time_filing_rate": rate("on_time_filing_rate", "按时立案率", "x", _ev(9), _ev(10)),
           "accurate_filing_rate": rate("accurate_filing_rate", "准确立案率", "x", _ev(10), _ev(10)),
           "on_time_closing_rate": rate("on_time_closing_rate", "按时结案率", "x", [], [])}
    result = composite("shift_leader", ind, s)
    assert result["value"] == pytest.approx((0.25 * 90 + 0.4 * 100) / 0.65)
    assert result["missing"] == ["on_time_closing_rate"] and "按时结案率" in result["note"]
    strict = EvaluationSettings(missing_policy="null")
    assert composite("shift_leader", ind, strict)["value"] is None
    only_bands = {"dispatch_count_score": band_score("dispatch_count_score", "派遣数分值", "x", 0, 0, ""),
                  "on_time_dispatch_rate": rate("on_time_dispatch_rate", "按时派遣率", "x", [], []),
                  "accurate_dispatch_rate": rate("accurate_dispatch_rate", "准确派遣率", "x", [], [])}
    nothing = composite("dispatcher", only_bands, s)
    assert nothing["value"] is None and nothing["rating"] is None and nothing["note"]


def test_ratio_and_change_never_fake_a_zero():
    assert ratio(0, 0) == (None, ratio(0, 0)[1]) and ratio(0, 0)[1]
    assert ratio(0, 4) == (0.0, None)
    assert change(5, 0)[0] is None and change(5, 0)[1]
    assert change(3, 4) == (-25.0, None)


def test_settings_validation():
    with pytest.raises(ValueError, match="must be 100"):
        EvaluationSettings(weights={**EvaluationSettings().weights, "inspector": {
            "valid_report_rate": 0.5, "miss_rate_score": 0.2, "on_time_verify_rate": 0.2, "on_time_check_rate": 0.2}})
    with pytest.raises(ValueError, match="ascending"):
        EvaluationSettings.model_validate({"operator_intake_bands": {"bands": [{"limit": 5, "score": 1},
                                                                              {"limit": 2, "score": 2}],
                                                                    "otherwise": 0}})


def test_windows_shift_by_months_and_years_in_local_time():
    june = Window.month("2026-06", "Asia/Shanghai")
    lo, hi = june.utc_bounds()
    assert lo == datetime(2026, 5, 31, 16, tzinfo=UTC) and hi == datetime(2026, 6, 30, 16, tzinfo=UTC)
    assert june.previous().label == "2026-05" and june.last_year().label == "2025-06"
    march = Window.month("2026-03")
    assert march.previous() == Window(date(2026, 2, 1), date(2026, 2, 28), march.timezone)
    leap = Window(date(2024, 2, 29), date(2024, 2, 29))
    assert leap.last_year() == Window(date(2023, 2, 28), date(2023, 2, 28), leap.timezone)
    ten_days = Window(date(2026, 6, 11), date(2026, 6, 20))
    assert ten_days.previous() == Window(date(2026, 6, 1), date(2026, 6, 10), ten_days.timezone)
    assert [w.label for w in Window(date(2026, 5, 15), date(2026, 7, 10)).month_windows()] == [
        "2026-05-15..2026-05-31", "2026-06", "2026-07-01..2026-07-10"]
    with pytest.raises(Unprocessable):
        Window(date(2026, 6, 2), date(2026, 6, 1))


def test_filter_validation_messages_are_bilingual():
    w = Window.month("2026-06")
    for bad in ({"county": "32"}, {"street": "x"}, {"minor": "123"}, {"kind": "thing"}, {"sources": ("fax",)}):
        with pytest.raises(Unprocessable) as info:
            StatsFilter(window=w, **bad)
        assert info.value.message_zh and info.value.message
