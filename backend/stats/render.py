"""HTML for the dashboard and the monthly report, rendered on the server from the dashboard data.

The same fragment is injected into the /stats page and printed to PDF, so the page, the PDF and
the exports show the same numbers. Zh-CN first, English beside it; numbers link to their
drill-down (``data-drill`` attributes, used by the page's script; inert in the PDF).
"""

from __future__ import annotations

from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from backend.stats.charts import closure_trend_chart, pareto_chart, ranking_chart, source_mix_chart
from backend.stats.gridstats import grid_map_svg
from backend.stats.tables import Table, dashboard_tables

TILES = (("received", "figure"), ("received_mom", "change"), ("received_yoy", "change"),
         ("immediate_answer_rate", "rate"), ("dispatched", "figure"), ("timely_handling_rate", "rate"),
         ("satisfaction_rate", "rate"), ("event_share", "rate"), ("component_share", "rate"),
         ("should_close", "figure"), ("closed", "figure"), ("closure_rate", "rate"), ("closed_on_time", "figure"),
         ("on_time_closure_rate", "rate"), ("overdue_now", "figure"), ("rework_rate", "rate"))

CSS = """
.gw-stats{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;color:#1f2937}
.gw-stats h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-left:4px solid #2563eb;padding-left:.5rem}
.gw-stats h2 .en,.gw-stats .en{color:#6b7280;font-weight:normal;font-size:.85em}
.gw-tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.5rem}
.gw-tile{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem .6rem;background:#fff}
.gw-tile .label{font-size:.8rem;color:#374151}.gw-tile .value{font-size:1.35rem;font-weight:bold;margin:.15rem 0}
.gw-tile .sub{font-size:.72rem;color:#6b7280}.gw-tile .note{font-size:.7rem;color:#b45309}
.gw-charts{display:flex;flex-wrap:wrap;gap:.75rem}.gw-charts svg{max-width:100%;height:auto;border:1px solid #f1f5f9}
table.gw{border-collapse:collapse;font-size:.78rem;margin:.3rem 0 .8rem;width:100%}
table.gw th,table.gw td{border:1px solid #e5e7eb;padding:.2rem .35rem;text-align:right}
table.gw th{background:#f8fafc;text-align:center}table.gw td.t{text-align:left}
table.gw td.note{font-size:.7rem;color:#6b7280;max-width:16rem}table.scorecard td{white-space:nowrap}table.scorecard td.note{white-space:normal}
.gw-grade{font-weight:bold}.gw-grade.A{color:#047857}.gw-grade.B{color:#2563eb}.gw-grade.C{color:#b45309}
.gw-grade.D,.gw-grade.E{color:#b91c1c}[data-drill]{cursor:pointer;text-decoration:underline dotted}
.gw-meta{font-size:.78rem;color:#6b7280}
@media print{.gw-stats h2{break-after:avoid}table.gw{break-inside:auto}tr{break-inside:avoid}
.gw-section{break-inside:avoid-page}}
"""


def _fmt(value: Any, kind: str = "figure") -> str:
    if value is None:
        return "—"
    if kind in ("rate", "change") or isinstance(value, float):
        sign = "+" if kind == "change" and value > 0 else ""
        return f"{sign}{value:.1f}%" if kind in ("rate", "change") else f"{value:.1f}"
    return f"{value:,}"


def _tile(kpis: dict[str, Any], key: str, kind: str) -> str:
    if kind == "figure":
        f = kpis["figures"][key]
        return (f'<div class="gw-tile" data-key="{key}" title="{escape(f["definition_zh"])}"><div class="label">{escape(f["label_zh"])}'
                f' <span class="en">{escape(f["label_en"])}</span></div>'
                f'<div class="value" data-drill="{escape(f["drilldown"])}">{_fmt(f["value"])}</div></div>')
    if kind == "rate":
        r = kpis["rates"][key]
        note = f'<div class="note">{escape(r["note"])}</div>' if r["note"] else ""
        return (f'<div class="gw-tile" data-key="{key}" title="{escape(r["formula"])}"><div class="label">{escape(r["label_zh"])}'
                f' <span class="en">{escape(r["label_en"])}</span></div><div class="value">{_fmt(r["value"], "rate")}'
                f'</div><div class="sub"><span data-drill="{escape(r["drilldown_numerator"])}">{r["numerator_value"]}'
                f'</span> / <span data-drill="{escape(r["drilldown_denominator"])}">{r["denominator_value"]}</span>'
                f"</div>{note}</div>")
    c = kpis["changes"][key]
    note = f'<div class="note">{escape(c["note"])}</div>' if c["note"] else ""
    return (f'<div class="gw-tile" data-key="{key}"><div class="label">{escape(c["label_zh"])} <span class="en">{escape(c["label_en"])}'
            f'</span></div><div class="value">{_fmt(c["value"], "change")}</div><div class="sub">{c["current"]} vs '
            f'<span data-drill="{escape(c["drilldown_previous"])}">{c["previous"]}</span>'
            f'（{escape(c["compared_window"]["label"])}）</div>{note}</div>')


def _cell(value: Any, key: str, drill: str | None = None) -> str:
    if key == "note" and value:
        short = str(value).split(" / ")[0].split("; ")[0]
        return f'<td class="t note" title="{escape(str(value))}">{escape(short)}</td>'
    if drill and value is not None:
        return f'<td><span data-drill="{escape(drill)}">{_fmt(value) if isinstance(value, int) else escape(str(value))}</span></td>'
    if key == "rating" and value:
        return f'<td class="gw-grade {escape(str(value))}">{escape(str(value))}</td>'
    if isinstance(value, float):
        return f"<td>{value:.1f}</td>"
    if value is None:
        return "<td>—</td>"
    if isinstance(value, int):
        return f"<td>{value}</td>"
    return f'<td class="t">{escape(str(value))}</td>'


def table_html(table: Table, *, skip: tuple[str, ...] = ()) -> str:
    cols = [c for c in table.columns if c[0] not in skip]
    head = "".join(f'<th>{escape(zh)}<br><span class="en">{escape(en)}</span></th>' for _, zh, en in cols)
    body = "".join("<tr>" + "".join(_cell(row.get(k), k, row.get(f"{k}__drill")) for k, _, _ in cols) + "</tr>"
                   for row in table.rows)
    if not table.rows:
        body = f'<tr><td class="t" colspan="{len(cols)}">暂无数据 / no rows</td></tr>'
    return f'<table class="gw" data-table="{escape(table.name)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _indicator_cell(ind: dict[str, Any]) -> str:
    links = ind.get("drilldown") or {}
    value = _fmt(ind["value"], "rate") if ind["kind"] == "rate" else _fmt(ind["value"])
    if ind["numerator"] is not None:
        n = f'<span data-drill="{escape(links["numerator"])}">{ind["numerator"]}</span>' if links.get("numerator") \
            else str(ind["numerator"])
        d = f'<span data-drill="{escape(links["denominator"])}">{ind["denominator"]}</span>' \
            if links.get("denominator") else str(ind["denominator"])
        detail = f"{n}/{d}"
    elif ind.get("count") is not None:
        link = links.get("count") or links.get("numerator")
        detail = f'计 <span data-drill="{escape(link)}">{ind["count"]}</span>' if link else f"计 {ind['count']}"
    else:
        detail = ""
    title = escape(f"{ind['formula']} {ind['note'] or ''}".strip())
    return f'<td title="{title}">{value}<br><span class="en">{detail}</span></td>'


def scorecard_html(data: dict[str, Any]) -> str:
    """One row per person / department / area: each indicator as "value (numerator/denominator)",
    the composite and the rating; numerators and denominators open their drill-down."""
    keys: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    for row in data["rows"]:
        for key, ind in row["indicators"].items():
            if key not in keys:
                keys.append(key)
                labels[key] = (ind["label_zh"], ind["label_en"])
    head = "<th>对象<br><span class=\"en\">subject</span></th>" + "".join(
        f'<th>{escape(labels[k][0])}<br><span class="en">{escape(labels[k][1])}</span></th>' for k in keys)
    head += '<th>综合指标值<br><span class="en">composite</span></th><th>等级<br><span class="en">rating</span></th>'
    head += '<th>说明<br><span class="en">note</span></th>'
    body = []
    for row in data["rows"]:
        c = row["composite"]
        cells = "".join(_indicator_cell(row["indicators"][k]) if k in row["indicators"] else "<td>—</td>" for k in keys)
        body.append(f'<tr><td class="t">{escape(str(row["subject"]["name"]))}</td>{cells}'
                    f"<td><b>{_fmt(c['value'])}</b></td>{_cell(c['rating'], 'rating')}{_cell(c['note'], 'note')}</tr>")
    if not body:
        body.append(f'<tr><td class="t" colspan="{len(keys) + 4}">暂无数据 / no rows</td></tr>')
    weights = "；".join(f"{labels.get(k, (k,))[0]}×{w:g}" for k, w in data["weights"].items())
    return (f'<table class="gw scorecard" data-table="scorecard_{escape(data["post"])}"><thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table><p class="gw-meta">综合指标值 = {escape(weights)}'
            "（等级：A ≥ 90，B ≥ 75，C ≥ 60，D ≥ 40，E 其余）</p>")


def _section(title_zh: str, title_en: str, inner: str, name: str = "") -> str:
    return (f'<section class="gw-section" data-section="{escape(name)}"><h2>{escape(title_zh)} '
            f'<span class="en">{escape(title_en)}</span></h2>{inner}</section>')


def hotspot_section(hotspot: Any) -> str:
    """The hot-spot map image (a :class:`backend.stats.hotspot.HotspotImage`) with its caption."""
    uri = hotspot.data_uri()
    image = f'<img src="{uri}" alt="热点图 hot spots" style="width:100%;max-width:720px">' if uri else ""
    return _section("热点分析图", "Hot spots", f'{image}<p class="gw-meta">{escape(hotspot.caption_zh)}<br>'
                    f"{escape(hotspot.caption_en)}</p>", "hotspots")


def render_dashboard(dashboard: dict[str, Any], *, map_html: str | None = None, hotspot: Any = None) -> str:
    """The dashboard body: tiles, charts, tables, scorecards and the grid map."""
    kpis, f = dashboard["kpis"], dashboard["filters"]
    tables = {t.name: t for t in dashboard_tables(dashboard)}
    dept_rows = [{"name": r["subject"]["name"], "value": r["composite"]["value"], "rating": r["composite"]["rating"]}
                 for r in dashboard["scorecards"]["departments"]["rows"]]
    meta = (f'<p class="gw-meta">统计时段 {escape(f.window.start.isoformat())} 至 {escape(f.window.end.isoformat())}'
            f'（{escape(f.window.timezone)}）· 生成于 {escape(dashboard["generated_at"].astimezone(ZoneInfo(f.window.timezone)).isoformat(timespec="minutes"))}'
            f' · Window {escape(f.window.label)}</p>')
    tiles = '<div class="gw-tiles">' + "".join(_tile(kpis, k, kind) for k, kind in TILES) + "</div>"
    charts = ('<div class="gw-charts">' + closure_trend_chart(dashboard["trend"]) + pareto_chart(kpis["pareto"])
              + ranking_chart(dept_rows) + source_mix_chart(kpis["by_source"]) + "</div>")
    parts = [meta, _section("主要指标", "Key figures", tiles, "tiles"), _section("图表", "Charts", charts, "charts")]
    parts.append(_section("受理来源渠道", "Received by source", table_html(tables["by_source"], skip=("source",)),
                          "by_source"))
    parts.append(_section("高发问题排名", "Top problems", table_html(tables["top_problems"]), "top_problems"))
    parts.append(_section("逐月结案趋势", "Monthly closure trend", table_html(tables["trend"]), "trend"))
    for post, data in dashboard["scorecards"].items():
        parts.append(_section(tables[f"scorecard_{post}"].title_zh, tables[f"scorecard_{post}"].title_en,
                              scorecard_html(data), f"scorecard_{post}"))
    if hotspot is not None:
        parts.append(hotspot_section(hotspot))
    grid_map = map_html or grid_map_svg(dashboard["grids"])
    parts.append(_section("网格分布图", "Map of grids", f'<div class="gw-charts">{grid_map}</div>', "map"))
    parts.append(_section("网格统计", "Grid statistics", table_html(tables["grids"]), "grids"))
    return '<div class="gw-stats">' + "".join(parts) + "</div>"


def render_report_page(dashboard: dict[str, Any], *, title_zh: str, title_en: str, hotspot: Any = None) -> str:
    """A complete, self-contained HTML page (inline CSS, SVG, images and a CJK font subset) for PDF."""
    from backend.stats.fonts import FAMILY, font_face_css

    body = (f'<h1 class="gw-title">{escape(title_zh)}</h1><div class="gw-subtitle">{escape(title_en)}</div>'
            + render_dashboard(dashboard, hotspot=hotspot))
    fonts = font_face_css(body)
    family = f"'{FAMILY}','Noto Sans CJK SC',sans-serif" if fonts else "'Noto Sans CJK SC',sans-serif"
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title_zh)}</title>'
            f"<style>{fonts}@page{{size:A4;margin:14mm 12mm}}body{{margin:0}}{CSS}"
            f"body,.gw-stats,svg text{{font-family:{family} !important}}"
            ".gw-title{font-size:1.5rem;margin:0 0 .2rem}.gw-subtitle{color:#6b7280;margin-bottom:.6rem}"
            f"</style></head><body>{body}</body></html>")
