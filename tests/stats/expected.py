"""Hand-computed figures for the scenario (tests/stats/scenario.py), window June 2026.

Worked out case by case from the story in the scenario's docstring, not by running the code.

Intake cohort (reported in June, duplicates out): C1 C2 C3 C4 C5 C6 C7 C11 C12 C15 C16 C17 = 12
  (C8 merged; C9 and C10 were reported in May; C13 in June 2025).
  citizens' channels: C2 C3 C4 C11 C12 = 5; answered on the spot: C3 C4 = 2 → 40 %.
  dispatched at least once: C1 C2 C5 C6 C7 C12 C17 = 7. Events 11, components 1 (C5).
  rated: C2 satisfied, C3 basically, C4 dissatisfied → 2 / 3 = 66.67 %.
Filed cohort (filed in June): C1 C2 C5 C6 C7 C9 C12 C16 C17 = 9 (C10 filed in May, C15 rejected,
  C11 never filed); voided C7 → should close 8; closed C1 C2 C5 C6 = 4 → 50 % (C17 was reopened);
  on time C1, C5 (thanks to its extension) = 2 → 25 %.
  should handle (dispatched, not voided): C1 C2 C5 C6 C9 C12 C17 = 7; handled: all but C9 = 6;
  on time: C1 C5 C12 C17 = 4 → 57.14 % (C2 late; C6's second handling was late);
  reworked C6 → 1 / 6; extended C5 → 1 / 7; public reports verified and filed: C2 C12 → 2 / 9.
Overdue now (open, due time passed): C9 (dispatched), C12 (handled, awaiting check),
  C17 (reopened, due time kept) = 3. C11 and C16 have no due time.
Month on month: May received C9 C10 = 2 → +500 %. Year on year: June 2025 C13 = 1 → +1100 %.
"""

from __future__ import annotations

JUNE_FIGURES = {
    "received": 12, "hotline": 5, "answered": 2, "dispatched": 7, "events": 11, "components": 1,
    "rated": 3, "satisfied": 2, "dissatisfied": 1,
    "filed": 9, "voided": 1, "should_close": 8, "closed": 4, "closed_on_time": 2,
    "should_handle": 7, "handled": 6, "handled_on_time": 4, "reworked": 1, "extended": 1,
    "public_verified": 2, "overdue_now": 3,
}
JUNE_CASES = {
    "received": {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C11", "C12", "C15", "C16", "C17"},
    "hotline": {"C2", "C3", "C4", "C11", "C12"},
    "answered": {"C3", "C4"},
    "dispatched": {"C1", "C2", "C5", "C6", "C7", "C12", "C17"},
    "components": {"C5"},
    "rated": {"C2", "C3", "C4"},
    "satisfied": {"C2", "C3"},
    "filed": {"C1", "C2", "C5", "C6", "C7", "C9", "C12", "C16", "C17"},
    "voided": {"C7"},
    "should_close": {"C1", "C2", "C5", "C6", "C9", "C12", "C16", "C17"},
    "closed": {"C1", "C2", "C5", "C6"},
    "closed_on_time": {"C1", "C5"},
    "should_handle": {"C1", "C2", "C5", "C6", "C9", "C12", "C17"},
    "handled": {"C1", "C2", "C5", "C6", "C12", "C17"},
    "handled_on_time": {"C1", "C5", "C12", "C17"},
    "reworked": {"C6"},
    "extended": {"C5"},
    "public_verified": {"C2", "C12"},
    "overdue_now": {"C9", "C12", "C17"},
}
JUNE_RATES = {
    "immediate_answer_rate": 40.0, "dispatch_rate": 700 / 12, "satisfaction_rate": 200 / 3,
    "event_share": 1100 / 12, "component_share": 100 / 12, "closure_rate": 50.0, "on_time_closure_rate": 25.0,
    "timely_handling_rate": 400 / 7, "handling_rate": 600 / 7, "rework_rate": 100 / 6,
    "extension_rate": 100 / 7, "void_rate": 100 / 9, "public_report_rate": 200 / 9,
}
JUNE_CHANGES = {"received_mom": (12, 2, 500.0), "received_yoy": (12, 1, 1100.0)}
JUNE_SOURCES = {  # source: (received, previous month, same month last year)
    "inspector": (7, 2, 0), "phone": (3, 0, 1), "web": (1, 0, 0), "wechat": (1, 0, 0),
}

# May 2026: received C9 C10; filed C10 only (closed late, in June).
MAY_FIGURES = {"received": 2, "dispatched": 2, "filed": 1, "should_close": 1, "closed": 1, "closed_on_time": 0}

# Scorecards, June 2026. (value, numerator, denominator); composite and rating.
INSPECTOR = {  # all nine grids
    "valid_report_rate": (200 / 3, 4, 6),  # reports C1 C5 C6 C7 C15 C17; valid C1 C5 C6 C17
    "on_time_verify_rate": (100 / 3, 1, 3),  # C2 in time; C11 never done; C12 late
    "on_time_check_rate": (100.0, 7, 7),  # C1 C2 C5 C6 (twice) C10 C17
    "miss_rate": (200 / 9, 2, 9),  # C2 C12 came from citizens among 9 filed in the grids
    "miss_rate_score": (100 - 200 / 9, 2, 9),
}
INSPECTOR_COMPOSITE = 0.4 * 200 / 3 + 0.2 * (100 - 200 / 9) + 0.2 * 100 / 3 + 0.2 * 100  # 68.89 → C
INSPECTOR2 = {  # grid (2,2) only: C16 reported and filed; C6 and C16 filed in the grid, none public
    "valid_report_rate": (100.0, 1, 1), "on_time_verify_rate": (None, 0, 0), "on_time_check_rate": (None, 0, 0),
    "miss_rate_score": (100.0, 0, 2),
}
INSPECTOR2_COMPOSITE = 100.0  # reweighted over valid-report rate and miss-rate score
OPERATOR = {
    "on_time_verify_dispatch_rate": (200 / 3, 2, 3),  # C2 20 min, C12 5 min; C11 2 h late
    "on_time_check_dispatch_rate": (600 / 7, 6, 7),  # C2's check sent 2.5 working hours after handling
}
OPERATOR_INTAKE = 5  # C2 C3 C4 C11 C12 → band score 0
OPERATOR_COMPOSITE = 0.25 * 0 + 0.4 * 200 / 3 + 0.35 * 600 / 7  # 56.67 → D
SHIFT_LEADER = {
    "on_time_filing_rate": (800 / 9, 8, 9),  # C9 filed 2 h 10 min (working) after its report
    "accurate_filing_rate": (800 / 9, 8, 9),  # C7 voided
    "on_time_closing_rate": (100.0, 6, 6),  # C1 C2 C5 C6 C10 C17
}
SHIFT_LEADER_COMPOSITE = 0.25 * 800 / 9 + 0.4 * 800 / 9 + 0.35 * 100  # 92.78 → A
DISPATCHER = {
    "on_time_dispatch_rate": (87.5, 7, 8),  # C12 dispatched 2.5 h after filing
    "accurate_dispatch_rate": (87.5, 7, 8),  # C6 reworked after its dispatch
}
DISPATCHER_COMPOSITE = 0.2 * 0 + 0.4 * 87.5 + 0.4 * 87.5  # 70 → C
DEPARTMENT_ENV = {  # C1 C2 C5 C6 C7 C9 C17
    "closure_rate": (400 / 6, 4, 6), "on_time_handling_rate": (50.0, 3, 6), "rework_rate": (20.0, 1, 5),
    "on_time_closure_rate": (200 / 6, 2, 6),
}
DEPARTMENT_ENV_SCORE = 10 + 0.3 * 400 / 6 + 0.3 * 50 + 0.3 * 80  # 69 → C
DEPARTMENT_ROAD = {"closure_rate": (0.0, 0, 1), "on_time_handling_rate": (100.0, 1, 1), "rework_rate": (0.0, 0, 1)}
DEPARTMENT_ROAD_SCORE = 10 + 0 + 30 + 30  # 70 → C
# Region = grid (0,0): C1 and C7 filed; C7 voided; C1 closed on time. Filed count 2 < 3 → 90.
GRID_00 = {"closure_rate": (100.0, 1, 1), "on_time_closure_rate": (100.0, 1, 1), "public_report_rate": (0.0, 0, 2)}
GRID_00_COMPOSITE = 0.2 * 90 + 0.4 * 100 + 0.4 * 100  # 98 → A
# Community level: all 9 filed; the filed-count score is the mean of its 9 grids' scores
# (grids with 1-2 filed: 90 ×6; none filed: 100 ×3).
COMMUNITY_SCORE = (6 * 90 + 3 * 100) / 9
COMMUNITY_COMPOSITE = 0.2 * COMMUNITY_SCORE + 0.4 * 50 + 0.4 * 25  # 48.67 → D
