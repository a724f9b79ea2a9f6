"""Everything the dashboard shows, gathered once, and every table of it as rows with bilingual
headers: the page, the CSV/XLSX exports and the PDF report all read these same tables, so an
export always matches what is on screen (and what the API returns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.stats.evaluation import POSTS, evaluate, scorecards_json
from backend.stats.filters import StatsFilter
from backend.stats.gridstats import compute_grid_stats
from backend.stats.kpis import compute_kpis
from backend.stats.measures import MEASURES, RATES
from backend.stats.settings import EvaluationSettings
from backend.stats.trend import compute_trend
from backend.worktime import WorkCalendar


@dataclass
class Table:
    name: str
    title_zh: str
    title_en: str
    columns: list[tuple[str, str, str]]  # (key, zh, en)
    rows: list[dict[str, Any]]


def build_dashboard(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings, calendar: WorkCalendar,
                    now: datetime, region_level: str = "grid", posts: tuple[str, ...] = tuple(POSTS)
                    ) -> dict[str, Any]:
    """KPIs, trend, the scorecards of ``posts`` and the grid statistics for one set of filters."""
    scorecards = {
        post: scorecards_json(post, evaluate(post, db_session=db_session, f=f, settings=settings, calendar=calendar,
                                             now=now, level=region_level), f, settings, region_level)
        for post in POSTS if post in posts or post == "departments"
    }
    return {"kpis": compute_kpis(db_session=db_session, f=f, now=now),
            "trend": compute_trend(db_session=db_session, f=f, now=now),
            "scorecards": scorecards, "grids": compute_grid_stats(db_session=db_session, f=f, now=now),
            "filters": f, "generated_at": now}


def _kpi_table(kpis: dict[str, Any]) -> Table:
    rows = [{"key": k, "name_zh": v["label_zh"], "name_en": v["label_en"], "value": v["value"], "numerator": None,
             "denominator": None, "note": None, "definition": v["definition_zh"]} for k, v in kpis["figures"].items()]
    for k, r in kpis["rates"].items():
        rows.append({"key": k, "name_zh": r["label_zh"], "name_en": r["label_en"], "value": r["value"],
                     "numerator": r["numerator_value"], "denominator": r["denominator_value"], "note": r["note"],
                     "definition": f"{MEASURES[RATES[k].numerator].label_zh} / {MEASURES[RATES[k].denominator].label_zh}"})
    for k, c in kpis["changes"].items():
        rows.append({"key": k, "name_zh": c["label_zh"], "name_en": c["label_en"], "value": c["value"],
                     "numerator": c["current"], "denominator": c["previous"], "note": c["note"],
                     "definition": f"（本期 − 对比期）/ 对比期；对比期 {c['compared_window']['label']}"})
    return Table("kpis", "主要指标", "Key figures",
                 [("key", "代码", "key"), ("name_zh", "指标", "figure (zh)"), ("name_en", "Figure", "figure"),
                  ("value", "数值", "value"), ("numerator", "分子", "numerator"),
                  ("denominator", "分母", "denominator"), ("note", "说明", "note"),
                  ("definition", "口径", "definition")], rows)


def _scorecard_table(post: str, data: dict[str, Any]) -> Table:
    rows, keys = [], []
    for row in data["rows"]:
        flat: dict[str, Any] = {"subject": row["subject"]["name"], "subject_id": row["subject"]["id"]}
        for key, ind in row["indicators"].items():
            if key not in keys:
                keys.append(key)
            flat[key] = ind["value"]
            links = ind.get("drilldown") or {}
            if ind["numerator"] is not None:
                flat[f"{key}__n"], flat[f"{key}__d"] = ind["numerator"], ind["denominator"]
                flat[f"{key}__n__drill"], flat[f"{key}__d__drill"] = links.get("numerator"), links.get("denominator")
            elif ind.get("count") is not None:
                flat[f"{key}__n"] = ind["count"]
                flat[f"{key}__n__drill"] = links.get("count") or links.get("numerator")
        flat["composite"] = row["composite"]["value"]
        flat["rating"] = row["composite"]["rating"]
        flat["note"] = row["composite"]["note"]
        rows.append(flat)
    labels = {}
    for row in data["rows"]:
        for key, ind in row["indicators"].items():
            labels[key] = (ind["label_zh"], ind["label_en"])
    columns = [("subject", "对象", "subject"), ("subject_id", "编号", "id")]
    for key in keys:
        zh, en = labels[key]
        columns.append((key, zh, en))
        columns.append((f"{key}__n", f"{zh}·分子/计数", f"{en} numerator/count"))
        columns.append((f"{key}__d", f"{zh}·分母", f"{en} denominator"))
    columns += [("composite", "综合指标值", "composite"), ("rating", "等级", "rating"), ("note", "说明", "note")]
    title_zh = f"{data['label_zh']}综合评价" + (f"（{data['level']}）" if data.get("level") else "")
    return Table(f"scorecard_{post}", title_zh, f"{data['label_en']} scorecard", columns, rows)


def grid_table(rows: list[dict[str, Any]]) -> Table:
    return Table("grids", "网格统计", "Grid statistics", [
        ("grid_code", "网格编码", "grid code"), ("name", "名称", "name"), ("community_code", "社区", "community"),
        ("received", "受理数", "received"), ("filed", "立案数", "filed"), ("should_close", "应结案数", "should close"),
        ("closed", "结案数", "closed"), ("closed_on_time", "按期结案数", "closed on time"),
        ("overdue_now", "当前超期数", "overdue now"), ("closure_rate", "结案率%", "closure rate %"),
        ("on_time_closure_rate", "按期结案率%", "on-time closure rate %")],
        [{k: v for k, v in r.items() if k != "geometry"} for r in rows])


def dashboard_tables(dashboard: dict[str, Any]) -> list[Table]:
    kpis = dashboard["kpis"]
    tables = [_kpi_table(kpis)]
    tables.append(Table("by_source", "受理来源渠道", "Received by source", [
        ("source", "渠道代码", "source"), ("label_zh", "渠道", "channel"), ("received", "本期受理", "received"),
        ("previous", "上期", "previous period"), ("last_year", "去年同期", "same period last year"),
        ("mom", "环比%", "MoM %"), ("yoy", "同比%", "YoY %"), ("share", "占比%", "share %"),
        ("note", "说明", "note")], [{**r, "received__drill": r["drilldown"]} for r in kpis["by_source"]]))
    tables.append(Table("top_problems", "高发问题排名", "Top problems", [
        ("kind_zh", "类型", "kind"), ("rank", "排名", "rank"), ("minor_code", "小类代码", "class code"),
        ("name_zh", "问题类别", "category"), ("name_en", "Category", "category (en)"),
        ("major_name_zh", "大类", "major class"), ("count", "件数", "count"), ("share", "占比%", "share %"),
        ("cumulative_share", "累计占比%", "cumulative %")], [{**r, "count__drill": r["drilldown"]} for r in kpis["pareto"]]))
    tables.append(Table("trend", "逐月结案趋势", "Monthly closure trend", [
        ("month", "月份", "month"), ("received", "受理数", "received"), ("filed", "立案数", "filed"),
        ("should_close", "应结案数", "should close"), ("closed", "结案数", "closed"),
        ("closed_on_time", "按期结案数", "closed on time"), ("closure_rate", "结案率%", "closure rate %"),
        ("on_time_closure_rate", "按期结案率%", "on-time closure rate %"), ("note", "说明", "note")],
        [{**r, **{f"{k}__drill": v for k, v in r["drilldown"].items()}} for r in dashboard["trend"]]))
    for post, data in dashboard["scorecards"].items():
        tables.append(_scorecard_table(post, data))
    tables.append(grid_table(dashboard["grids"]))
    return tables
