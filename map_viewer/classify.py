"""Colours, class breaks and legends for GridWatch's thematic maps (pure data, no folium).

A legend is a plain dict the page script draws (:data:`Legend`); every label is zh-CN first
with English. Colours are ColorBrewer schemes (colour-blind safe where one exists).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

Legend = dict[str, Any]

#: ColorBrewer YlOrRd, 5 classes: counts and densities.
SEQUENTIAL: Final = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
#: ColorBrewer RdYlGn, 5 classes, worst first: rates where higher is better.
RATE_COLOURS: Final = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
#: Gi* bins -3..3 (ArcGIS-like blue–red diverging; 0 is near-white).
HOTSPOT_COLOURS: Final = {
    -3: "#2166ac", -2: "#67a9cf", -1: "#d1e5f0", 0: "#f7f7f7", 1: "#fddbc7", 2: "#ef8a62", 3: "#b2182b",
}
#: Change between two periods, decrease (blue) to increase (red): ColorBrewer RdBu reversed.
CHANGE_COLOURS: Final = ("#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b")
NO_DATA_COLOUR: Final = "#d9d9d9"
#: Density ramp, transparent-free stops from light yellow to dark red (YlOrRd 9).
DENSITY_RAMP: Final = (
    "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026",
)

# The dispatcher's five status classes.
CASE_CLASSES: Final = {
    "new": ("#2b83ba", "新报未派", "new, not dispatched"),
    "progress": ("#1a9641", "处置中", "in progress"),
    "warning": ("#fdae61", "临期预警", "warning (80 % of the time limit used)"),
    "overdue": ("#d7191c", "已超期", "overdue"),
    "closed": ("#8c8c8c", "已结束", "closed"),
}
COMPONENT_STATES: Final = {
    "intact": ("#1a9641", "完好", "intact"),
    "damaged": ("#f57c00", "破损", "damaged"),
    "lost": ("#d7191c", "丢失", "lost"),
    "occupied": ("#7b3294", "占用", "occupied"),
    "abandoned": ("#8c510a", "废弃", "abandoned"),
    "removed": ("#9e9e9e", "已拆除", "removed"),
}
# Closure status of a grid, from best to worst.
CLOSURE_CLASSES: Final = {
    "closed": ("#1a9641", "全部结案", "all closed"),
    "progress": ("#a6d96a", "处置中（未超期）", "open, on schedule"),
    "warning": ("#fdae61", "有临期案件", "open, some in warning"),
    "overdue": ("#d7191c", "有超期案件", "open, some overdue"),
}
#: Rating bands of GB/T 30428.4 practice: A ≥ 90 %, B ≥ 75 %, C ≥ 60 %, D ≥ 40 %, E below.
RATING_BANDS: Final = (("A", 0.90), ("B", 0.75), ("C", 0.60), ("D", 0.40), ("E", 0.0))


@dataclass(frozen=True)
class Classified:
    """Values put into classes for a map: the class of each value, its colours and legend.

    ``classes[i]`` indexes ``palette``; -1 (or a ``None`` colour) means "draw no fill".
    """

    classes: NDArray[np.int16]
    palette: list[str | None]
    legend: Legend


def legend(title_zh: str, title_en: str, items: list[dict[str, Any]], **extra: Any) -> Legend:
    return {"type": "classes", "title_zh": title_zh, "title_en": title_en, "items": items, **extra}


def item(colour: str, label_zh: str, label_en: str, count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"color": colour, "label_zh": label_zh, "label_en": label_en}
    if count is not None:
        out["count"] = int(count)
    return out


def ramp_legend(title_zh: str, title_en: str, vmax: float, unit_zh: str, unit_en: str) -> Legend:
    return {"type": "ramp", "title_zh": title_zh, "title_en": title_en, "colors": list(DENSITY_RAMP),
            "min": 0.0, "max": float(vmax), "unit_zh": unit_zh, "unit_en": unit_en}


def _nice(x: float) -> float:
    """Round up to 1, 2, 2.5 or 5 times a power of ten (class limits people can read)."""
    if x <= 0:
        return 0.0
    exp = math.floor(math.log10(x))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if x <= step * 10**exp * (1 + 1e-9):
            return step * 10**exp
    return 10.0 ** (exp + 1)  # pragma: no cover - the loop always returns


def sequential_breaks(values: ArrayLike, k: int = 5, *, integer: bool = True) -> list[float]:
    """Upper limits of up to ``k`` classes of the positive values (quantiles, rounded nicely).

    The last limit is the maximum, so every value falls in a class; zero is left to its own
    class by :func:`sequential_classes`.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    limits: list[float] = []
    for q in qs[:-1]:
        limit = float(math.ceil(q)) if integer else _nice(float(q))
        if not limits or limit > limits[-1]:
            limits.append(limit)
    top = float(v.max())
    if not limits or top > limits[-1]:
        limits.append(top)
    return limits


def _fmt(x: float, integer: bool) -> str:
    return f"{round(float(x)):,}" if integer else f"{x:,.3g}"


def sequential_classes(
    values: ArrayLike, title_zh: str, title_en: str, *, k: int = 5, integer: bool = True,
    zero_label: tuple[str, str] = ("无", "none"), breaks_from: ArrayLike | None = None,
) -> Classified:
    """Class per value (0 = zero, drawn without fill; 1..k ascending) and its legend.

    NaN (no data) gets class -1. ``breaks_from`` computes the class limits from other values
    (e.g. two periods together, so their maps share one scale).
    """
    v = np.asarray(values, dtype=np.float64)
    limits = sequential_breaks(v if breaks_from is None else breaks_from, k, integer=integer)
    if limits and np.nanmax(v, initial=0.0) > limits[-1]:
        limits[-1] = float(np.nanmax(v))
    colours = SEQUENTIAL[-len(limits):] if limits else ()
    classes = np.full(v.shape, -1, dtype=np.int16)
    finite = np.isfinite(v)
    classes[finite & (v <= 0)] = 0
    positive = finite & (v > 0)
    classes[positive] = 1 + np.searchsorted(np.asarray(limits), v[positive], side="left")
    items = [item("#ffffff", *zero_label, int(np.sum(classes == 0)))]
    lower = 0.0
    for i, (limit, colour) in enumerate(zip(limits, colours, strict=True)):
        lo = lower + 1 if integer else lower
        label = _fmt(limit, integer) if integer and lo >= limit else f"{_fmt(lo, integer)}–{_fmt(limit, integer)}"
        items.append(item(colour, label, label, int(np.sum(classes == i + 1))))
        lower = limit
    return Classified(classes, [None, *colours], legend(title_zh, title_en, items))


def rate_classes(rates: ArrayLike, title_zh: str, title_en: str) -> Classified:
    """Rates 0..1 binned by the A–E rating bands (class 0 = A, best; 5 = NaN, no cases due)."""
    r = np.asarray(rates, dtype=np.float64)
    classes = np.full(r.shape, len(RATING_BANDS), dtype=np.int16)
    finite = np.isfinite(r)
    for i, (_, lower) in reversed(list(enumerate(RATING_BANDS))):
        classes[finite & (r >= lower)] = i
    colours = list(reversed(RATE_COLOURS))  # A green … E red
    items = []
    upper = None
    for i, (grade, lower) in enumerate(RATING_BANDS):
        span = f"≥ {lower:.0%}" if upper is None else f"{lower:.0%}–{upper:.0%}"
        if grade == "E":
            span = f"< {RATING_BANDS[-2][1]:.0%}"
        items.append(item(colours[i], f"{grade} 级 {span}", f"grade {grade} {span}", int(np.sum(classes == i))))
        upper = lower
    items.append(item(NO_DATA_COLOUR, "无应结案件", "no cases due", int(np.sum(classes == len(RATING_BANDS)))))
    return Classified(classes, [*colours, NO_DATA_COLOUR], legend(title_zh, title_en, items))


def categorical_classes(
    keys: Sequence[str | None], table: dict[str, tuple[str, str, str]], title_zh: str, title_en: str
) -> Classified:
    """Classes of categorical ``keys`` (``None`` → -1) by a ``{key: (colour, zh, en)}`` table."""
    order = list(table)
    index = {k: i for i, k in enumerate(order)}
    classes = np.array([index.get(k, -1) if k is not None else -1 for k in keys], dtype=np.int16)
    counts = {k: int(np.sum(classes == i)) for k, i in index.items()}
    return Classified(classes, [table[k][0] for k in order], categorical_legend(table, title_zh, title_en, counts))


def categorical_legend(
    table: dict[str, tuple[str, str, str]], title_zh: str, title_en: str, counts: dict[str, int] | None = None,
    keys: Sequence[str] | None = None,
) -> Legend:
    """Legend of a categorical table ``{key: (colour, zh, en)}``, with counts if given."""
    keys = list(keys) if keys is not None else list(table)
    return legend(title_zh, title_en, [
        item(table[k][0], table[k][1], table[k][2], None if counts is None else counts.get(k, 0)) for k in keys
    ])


def hotspot_classes(bins: ArrayLike, fdr: bool) -> Classified:
    """Gi* bins -3..3 as classes 0..6, with a legend hot first and the number of grids in each."""
    b = np.asarray(bins)
    labels = {
        3: ("热点 99% 置信度", "hot spot, 99 % confidence"),
        2: ("热点 95% 置信度", "hot spot, 95 % confidence"),
        1: ("热点 90% 置信度", "hot spot, 90 % confidence"),
        0: ("不显著", "not significant"),
        -1: ("冷点 90% 置信度", "cold spot, 90 % confidence"),
        -2: ("冷点 95% 置信度", "cold spot, 95 % confidence"),
        -3: ("冷点 99% 置信度", "cold spot, 99 % confidence"),
    }
    items = [item(HOTSPOT_COLOURS[k], *labels[k], int(np.sum(b == k))) for k in (3, 2, 1, 0, -1, -2, -3)]
    note = ("已作错误发现率（FDR, Benjamini–Hochberg）校正", "false discovery rate (Benjamini–Hochberg) corrected") \
        if fdr else ("未作多重检验校正", "not corrected for multiple testing")
    return Classified(
        # Not significant (class 3) is left unfilled so the reference layers show through.
        (b.astype(np.int16) + 3), [HOTSPOT_COLOURS[k] if k else None for k in range(-3, 4)],
        legend("Getis-Ord Gi* 热点分析", "Getis-Ord Gi* hot spots", items, note_zh=note[0], note_en=note[1]),
    )


def change_classes(current: ArrayLike, previous: ArrayLike) -> Classified:
    """Change from ``previous`` to ``current`` counts in 5 classes: strong/some decrease, no change,
    some/strong increase (strong = at least doubled or halved, and by 3 or more cases)."""
    cur = np.asarray(current, dtype=np.float64)
    prev = np.asarray(previous, dtype=np.float64)
    diff = cur - prev
    strong_up = (diff >= 3) & (cur >= 2 * prev)
    strong_down = (diff <= -3) & (cur * 2 <= prev)
    classes = np.full(cur.shape, 2, dtype=np.int16)
    classes[diff > 0] = 3
    classes[strong_up] = 4
    classes[diff < 0] = 1
    classes[strong_down] = 0
    classes[(cur == 0) & (prev == 0)] = -1
    labels = [
        ("明显减少（减半且≥3件）", "strong decrease (halved, ≥ 3 fewer)"),
        ("减少", "decrease"),
        ("持平", "no change"),
        ("增加", "increase"),
        ("明显增加（翻倍且≥3件）", "strong increase (doubled, ≥ 3 more)"),
    ]
    items = [item(CHANGE_COLOURS[i], *labels[i], int(np.sum(classes == i))) for i in (4, 3, 2, 1, 0)]
    return Classified(classes, list(CHANGE_COLOURS), legend("环比变化", "change against the previous period", items))
