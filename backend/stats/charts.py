"""Server-rendered SVG charts: no JavaScript, no CDN, identical in the browser and in the PDF.

Each function takes plain rows (the same rows the API returns) and returns an ``<svg>`` string
with a ``<title>`` and visible labels in zh-CN (English in the title), so the chart is readable
without colour and its text can be extracted from the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif"
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#84cc16", "#ec4899",
           "#64748b", "#f97316", "#14b8a6")
INK, GRID, MUTED = "#1f2937", "#e5e7eb", "#6b7280"


def svg_doc(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" font-family="{FONT}" font-size="12">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def svg_text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = INK,
          weight: str = "normal", rotate: float | None = None) -> str:
    transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate is not None else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
            f'font-weight="{weight}"{transform}>{escape(text)}</text>')


def _empty(width: int, height: int, title: str, css_class: str) -> str:
    return svg_doc(width, height, title, [
        svg_text(width / 2, height / 2, "所选条件下暂无数据 / no data for these filters", anchor="middle", fill=MUTED),
    ], css_class)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def closure_trend_chart(rows: Sequence[dict[str, Any]], width: int = 640, height: int = 280) -> str:
    """Bars: cases that should be closed per month; lines: closure rate and on-time closure rate."""
    title = "结案趋势 / Closure trend"
    if not rows or not any(r["should_close"] or r["received"] for r in rows):
        return _empty(width, height, title, "trend")
    left, right, top, bottom = 48, 48, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    ymax = _nice_max(max(max(r["should_close"], r["received"]) for r in rows))
    step = plot_w / len(rows)
    bar = step * 0.35
    body = [svg_text(left, 16, "结案趋势（柱：受理数 / 应结案数；线：结案率 / 按期结案率）", weight="bold")]
    for i in range(5):
        y = top + plot_h * i / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(svg_text(left - 6, y + 4, f"{ymax * (4 - i) / 4:g}", anchor="end", size=10, fill=MUTED))
        body.append(svg_text(left + plot_w + 6, y + 4, f"{100 * (4 - i) / 4:g}%", size=10, fill=MUTED))
    lines: dict[str, list[str]] = {"closure_rate": [], "on_time_closure_rate": []}
    for i, r in enumerate(rows):
        x = left + i * step + step / 2
        for j, (key, colour) in enumerate((("received", "#93c5fd"), ("should_close", PALETTE[0]))):
            h = plot_h * r[key] / ymax
            body.append(f'<rect x="{x - bar + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"><title>{escape(r["month"])} {key}: {r[key]}</title></rect>')
        body.append(svg_text(x, height - bottom + 16, r["month"][2:], anchor="middle", size=10, fill=MUTED))
        for key in lines:
            if r[key] is not None:
                lines[key].append(f"{x:.1f},{top + plot_h * (1 - r[key] / 100):.1f}")
    for (key, colour), dash in zip((("closure_rate", PALETTE[2]), ("on_time_closure_rate", PALETTE[1])),
                                   ("", ' stroke-dasharray="5 3"'), strict=True):
        if lines[key]:
            body.append(f'<polyline points="{" ".join(lines[key])}" fill="none" stroke="{colour}" '
                        f'stroke-width="2"{dash}/>')
            for point in lines[key]:
                cx, cy = point.split(",")
                body.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
    legend = (("受理数", "#93c5fd"), ("应结案数", PALETTE[0]), ("结案率", PALETTE[2]), ("按期结案率", PALETTE[1]))
    for i, (label, colour) in enumerate(legend):
        x = left + i * 100
        body.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        body.append(svg_text(x + 14, height - 5, label, size=11))
    return svg_doc(width, height, title, body, "trend")


def pareto_chart(rows: Sequence[dict[str, Any]], width: int = 640, height: int = 300, top_n: int = 12) -> str:
    """Categories by count (bars, descending) with the cumulative share (line): the vital few."""
    title = "问题类别帕累托图 / Category Pareto"
    rows = list(rows)[:top_n]
    if not rows:
        return _empty(width, height, title, "pareto")
    left, right, top, bottom = 44, 44, 30, 92
    plot_w, plot_h = width - left - right, height - top - bottom
    ymax = _nice_max(rows[0]["count"])
    step = plot_w / len(rows)
    body = [svg_text(left, 16, "高发问题帕累托图（柱：件数；线：累计占比）", weight="bold")]
    body.append(f'<line x1="{left}" y1="{top + plot_h * 0.2:.1f}" x2="{left + plot_w}" y2="{top + plot_h * 0.2:.1f}" '
                f'stroke="{PALETTE[3]}" stroke-dasharray="2 3"/>')
    body.append(svg_text(left + plot_w + 4, top + plot_h * 0.2 + 4, "80%", size=10, fill=PALETTE[3]))
    points = []
    for i, r in enumerate(rows):
        x = left + i * step
        h = plot_h * r["count"] / ymax
        colour = PALETTE[0] if r["kind"] == "event" else PALETTE[4]
        body.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"><title>{escape(r["name_zh"])} {r["count"]}</title></rect>')
        body.append(svg_text(x + step / 2, top + plot_h - h - 3, str(r["count"]), anchor="middle", size=10))
        label = r["name_zh"] if len(r["name_zh"]) <= 8 else r["name_zh"][:7] + "…"
        body.append(svg_text(x + step / 2, top + plot_h + 12, label, anchor="end", size=10, rotate=-40))
        points.append(f"{x + step / 2:.1f},{top + plot_h * (1 - r['cumulative_share'] / 100):.1f}")
    body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    body.append(svg_text(left - 6, top + 4, f"{ymax:g}", anchor="end", size=10, fill=MUTED))
    body.append(svg_text(left + plot_w + 4, top + 4, "100%", size=10, fill=MUTED))
    for i, (label, colour) in enumerate((("事件", PALETTE[0]), ("部件", PALETTE[4]), ("累计占比", PALETTE[1]))):
        body.append(f'<rect x="{left + i * 90}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        body.append(svg_text(left + i * 90 + 14, height - 5, label, size=11))
    return svg_doc(width, height, title, body, "pareto")


def ranking_chart(rows: Sequence[dict[str, Any]], width: int = 640, bar_h: int = 26) -> str:
    """Horizontal bars of a 0–100 score per subject, best first, with the rating letter."""
    title = "部门综合评价排名 / Department ranking"
    rows = [r for r in rows if r.get("value") is not None]
    height = 50 + bar_h * max(len(rows), 1)
    if not rows:
        return _empty(width, 120, title, "ranking")
    left, right = 170, 70
    plot_w = width - left - right
    body = [svg_text(8, 16, "专业部门综合评价排名（满分 100）", weight="bold")]
    for i, r in enumerate(sorted(rows, key=lambda r: -r["value"])):
        y = 30 + i * bar_h
        w = plot_w * max(0.0, min(100.0, r["value"])) / 100
        body.append(svg_text(left - 8, y + bar_h * 0.65, r["name"][:12], anchor="end"))
        body.append(f'<rect x="{left}" y="{y + 3}" width="{plot_w}" height="{bar_h - 8}" fill="{GRID}"/>')
        body.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 8}" fill="{PALETTE[0]}">'
                    f'<title>{escape(r["name"])} {r["value"]:.1f}</title></rect>')
        body.append(svg_text(left + plot_w + 6, y + bar_h * 0.65, f"{r['value']:.1f} {r.get('rating') or ''}"))
    return svg_doc(width, height, title, body, "ranking")


def source_mix_chart(rows: Sequence[dict[str, Any]], width: int = 420, height: int = 240) -> str:
    """A donut of received cases by source channel, with counts and shares in the legend."""
    title = "来源渠道构成 / Source mix"
    rows = [r for r in rows if r["received"]]
    total = sum(r["received"] for r in rows)
    if not total:
        return _empty(width, height, title, "sources")
    cx, cy, outer, inner = 110, 130, 90, 52
    body = [svg_text(8, 16, "受理来源渠道构成", weight="bold")]
    angle = -math.pi / 2
    for i, r in enumerate(rows):
        share = r["received"] / total
        colour = PALETTE[i % len(PALETTE)]
        if share >= 0.9999:
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{(outer + inner) / 2}" fill="none" stroke="{colour}" '
                        f'stroke-width="{outer - inner}"/>')
        else:
            end = angle + 2 * math.pi * share
            large = 1 if share > 0.5 else 0
            p = [(cx + rad * math.cos(a), cy + rad * math.sin(a)) for rad, a in
                 ((outer, angle), (outer, end), (inner, end), (inner, angle))]
            body.append(f'<path d="M{p[0][0]:.2f},{p[0][1]:.2f} A{outer},{outer} 0 {large} 1 {p[1][0]:.2f},{p[1][1]:.2f} '
                        f'L{p[2][0]:.2f},{p[2][1]:.2f} A{inner},{inner} 0 {large} 0 {p[3][0]:.2f},{p[3][1]:.2f} Z" '
                        f'fill="{colour}"><title>{escape(r["label_zh"])} {r["received"]}</title></path>')
            angle = end
        y = 40 + i * 18
        body.append(f'<rect x="230" y="{y - 10}" width="10" height="10" fill="{colour}"/>')
        body.append(svg_text(246, y, f"{r['label_zh']} {r['received']}（{_pct(100 * share)}）", size=11))
    body.append(svg_text(cx, cy + 5, f"{total}", anchor="middle", size=16, weight="bold"))
    return svg_doc(width, height, title, body, "sources")
