"""Department (专业部门) and region (区域) evaluation, counted in SQL like the KPIs.

Both use the *filed* cohort of :mod:`backend.stats.measures` (cases filed in the window,
duplicates left out) grouped by the case's department or area, so each figure has the same
definition, and the same drill-down, as on the dashboard.

Department, per ``case_record.department_id`` (the department the case is, or was last,
dispatched to):
  立案数 (filed), 应处置数 (should_handle), 处置数 (handled), 按时处置数 (handled_on_time),
  按时处置率 = 按时处置数 / 应处置数; 返工数 (reworked), 返工率 = 返工数 / 处置数;
  应结案数 (should_close), 结案数 (closed), 按时结案数 (closed_on_time), 结案率 = 结案数 / 应结案数;
  score = 立案数分值 (≤50:10, ≤100:9, ≤200:7.5, ≤500:6, ≤1000:4, else 0) + 结案率×0.3 +
  按时处置率×0.3 + (100 − 返工率)×0.3.
Region, per grid / community / street:
  结案率 = 结案数 / 应结案数; 按期结案率 = 按期结案数 / 应结案数; 监督举报率 = 监督举报核实数 /
  立案数; 立案数分值 from the region-class bands (grid: its class from ``unit_grid.management_level``;
  community and street: the mean of their grids' scores, so a large area is not punished for its
  size); composite (local weighting) = 立案数分值×0.2 + 结案率×0.4 + 按期结案率×0.4.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Case, Community, UnitGrid
from backend.stats import engine
from backend.stats.filters import StatsFilter
from backend.stats.kpis import drilldown_url
from backend.stats.labels import area_names, department_names
from backend.stats.measures import FILED_KEYS, Cohort
from backend.stats.posts import Scorecard
from backend.stats.scoring import Indicator, band_score, complement, composite, rate_from_counts
from backend.stats.settings import EvaluationSettings

AREA_COLUMNS = {"grid": Case.grid_code, "community": Case.community_code, "street": Case.street_code}
AREA_FILTER = {"grid": "grid", "community": "community", "street": "street"}


def _rate(key: str, zh: str, en: str, counts: dict[str, int], num: str, den: str, f: StatsFilter,
          formula: str, **narrow: object) -> Indicator:
    ind = rate_from_counts(key, zh, en, counts[num], counts[den], formula)
    ind.drilldown = {"numerator": drilldown_url(f, num, **narrow), "denominator": drilldown_url(f, den, **narrow)}
    return ind


def evaluate_departments(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
                         now: datetime) -> list[Scorecard]:
    groups = engine.count_measures(db_session, f, Cohort.FILED, FILED_KEYS, now, group_by=[Case.department_id])
    by_dept = {g.key[0]: g.counts for g in groups if g.key[0] is not None}
    names = department_names(db_session)
    cards = []
    wanted = [f.department_id] if f.department_id is not None else sorted(names)
    for dept_id in wanted:
        counts = by_dept.get(dept_id, dict.fromkeys(FILED_KEYS, 0))
        narrow = {"department": dept_id}
        filed = counts["filed"]
        count_score = band_score("filed_count_score", "立案数分值", "Filed-count score", filed,
                                 settings.department_filed_bands.score(filed), "按立案数分档")
        count_score.drilldown = {"count": drilldown_url(f, "filed", **narrow)}
        rework = _rate("rework_rate", "返工率", "Rework rate", counts, "reworked", "handled", f,
                       "返工数 / 处置数 × 100%", **narrow)
        ind = {
            "filed_count_score": count_score,
            "closure_rate": _rate("closure_rate", "结案率", "Closure rate", counts, "closed", "should_close", f,
                                  "结案数 / 应结案数 × 100%", **narrow),
            "on_time_handling_rate": _rate("on_time_handling_rate", "按时处置率", "On-time handling rate", counts,
                                           "handled_on_time", "should_handle", f, "按时处置数 / 应处置数 × 100%",
                                           **narrow),
            "rework_free_rate": complement("rework_free_rate", "100 − 返工率", "100 − rework rate", rework,
                                           "100 − 返工率"),
        }
        ind["rework_free_rate"].drilldown = rework.drilldown
        ind["rework_rate"] = rework
        ind["on_time_closure_rate"] = _rate("on_time_closure_rate", "按时结案率", "On-time closure rate", counts,
                                            "closed_on_time", "should_close", f, "按时结案数 / 应结案数 × 100%",
                                            **narrow)
        zh, en = names.get(dept_id, (str(dept_id), str(dept_id)))
        card = Scorecard({"kind": "department", "id": dept_id, "name": zh, "name_en": en, "counts": counts},
                         ind, composite("department", {k: ind[k] for k in settings.weights["department"]},
                                        settings))
        cards.append(card)
    return cards


def _grid_classes(db: Session, settings: EvaluationSettings) -> dict[str, tuple[str, str, str]]:
    """grid code → (region class, community code, street code) for current grids."""
    rows = db.execute(select(UnitGrid.code, UnitGrid.management_level, UnitGrid.community_code,
                             Community.street_code)
                      .join(Community, Community.code == UnitGrid.community_code)
                      .where(UnitGrid.valid_to.is_(None))).all()
    return {code: (settings.region_class_by_level.get(level or "", "1"), community, street)
            for code, level, community, street in rows}


def evaluate_regions(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings, now: datetime,
                     level: str = "grid") -> list[Scorecard]:
    column = AREA_COLUMNS[level]
    groups = engine.count_measures(db_session, f, Cohort.FILED, FILED_KEYS, now, group_by=[column])
    by_area = {g.key[0]: g.counts for g in groups if g.key[0] is not None}
    grids = _grid_classes(db_session, settings)
    grid_filed = by_area if level == "grid" else {
        g.key[0]: g.counts for g in engine.count_measures(db_session, f, Cohort.FILED, ["filed"], now,
                                                          group_by=[Case.grid_code]) if g.key[0]}
    members: dict[str, list[str]] = defaultdict(list)
    for code, (_, community, street) in grids.items():
        if _grid_matches(code, community, street, f):
            members[{"grid": code, "community": community, "street": street}[level]].append(code)
    names = area_names(db_session, level)
    cards = []
    for area in sorted(set(members) | set(by_area)):
        counts = by_area.get(area, dict.fromkeys(FILED_KEYS, 0))
        narrow = {AREA_FILTER[level]: area}
        scores = [settings.region_filed_bands[grids[g][0]].score(grid_filed.get(g, {}).get("filed", 0))
                  for g in members.get(area, [])]
        count_score = band_score("filed_count_score", "立案数分值", "Filed-count score", counts["filed"],
                                 sum(scores) / len(scores) if scores else
                                 settings.region_filed_bands["1"].score(counts["filed"]),
                                 "按区域类别分档（社区/街道取所辖网格平均）")
        count_score.drilldown = {"count": drilldown_url(f, "filed", **narrow)}
        ind = {
            "filed_count_score": count_score,
            "closure_rate": _rate("closure_rate", "结案率", "Closure rate", counts, "closed", "should_close", f,
                                  "结案数 / 应结案数 × 100%", **narrow),
            "on_time_closure_rate": _rate("on_time_closure_rate", "按期结案率", "On-time closure rate", counts,
                                          "closed_on_time", "should_close", f, "按期结案数 / 应结案数 × 100%",
                                          **narrow),
            "public_report_rate": _rate("public_report_rate", "监督举报率", "Public-report rate", counts,
                                        "public_verified", "filed", f, "监督举报核实数 / 立案数 × 100%", **narrow),
        }
        card = Scorecard({"kind": level, "id": area, "name": names.get(area, area), "counts": counts,
                          "grids": len(members.get(area, []))},
                         ind, composite("region", {k: ind[k] for k in settings.weights["region"]}, settings))
        cards.append(card)
    return cards


def _grid_matches(code: str, community: str, street: str, f: StatsFilter) -> bool:
    return ((f.grid is None or code == f.grid) and (f.community is None or community == f.community)
            and (f.street is None or street == f.street) and (f.county is None or street.startswith(f.county)))
