"""Payloads of point maps: the dispatcher's cases and the component inventory.

Points travel as columns (one list per attribute), which is about half the size of a list of
objects. Only up to a cap are sent; the totals, and the counts per grid, always cover
everything that matched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from map_viewer import classify as cl
from map_viewer.payloads import Payload, _summary, cap_notice, theme

CASE_COLUMNS = ("id", "lon", "lat", "cls", "ref", "label_zh", "label_en", "status_zh", "due")
COMPONENT_COLUMNS = ("lon", "lat", "state", "code", "name_zh")


def _columns(rows: Mapping[str, Sequence[Any]], names: Sequence[str], what: str) -> dict[str, list[Any]]:
    missing = [n for n in names if n not in rows]
    if missing:
        raise ValueError(f"{what} need the columns {list(names)}; missing {missing}")
    lengths = {len(rows[n]) for n in names}
    if len(lengths) > 1:
        raise ValueError(f"{what} columns have different lengths: {sorted(lengths)}")
    out = {n: list(rows[n]) for n in names}
    for coord in ("lon", "lat"):
        out[coord] = [round(float(v), 7) for v in out[coord]]
    return out


def _grid_counts_theme(codes: Sequence[str], counts: ArrayLike, name: tuple[str, str]) -> Payload:
    n = np.asarray(counts, dtype=np.float64)
    return theme("count", name[0], name[1], cl.sequential_classes(n, name[0], name[1]), n, "int")


def cases_payload(
    cases: Mapping[str, Sequence[Any]], *, total: int, grid_codes: Sequence[str], grid_counts: ArrayLike,
    summary: Mapping[str, Any] | None = None,
) -> Payload:
    """Case markers coloured by status class, plus the count of all matching cases per grid.

    Parameters
    ----------
    cases : mapping of columns
        ``id, lon, lat, cls`` (new/progress/warning/overdue/closed), ``ref``, ``label_zh``,
        ``label_en`` (category), ``status_zh``, ``due`` (display text): the cases to draw,
        newest first, at most the cap.
    total : int
        How many cases matched the filters (may exceed the number drawn).
    grid_codes, grid_counts : sequences
        Matching cases per grid, for all of them.
    """
    cols = _columns(cases, CASE_COLUMNS, "cases")
    unknown = sorted(set(cols["cls"]) - set(cl.CASE_CLASSES))
    if unknown:
        raise ValueError(f"unknown status classes {unknown}; use {list(cl.CASE_CLASSES)}")
    shown = len(cols["id"])
    counts = {k: cols["cls"].count(k) for k in cl.CASE_CLASSES}
    notice = cap_notice(shown, total, ("案件", "cases"))
    out: Payload = {
        "kind": "cases", "cases": cols, "total": int(total), "shown": shown, "capped": notice is not None,
        "legend_layer": "cases",
        "legend": cl.categorical_legend(cl.CASE_CLASSES, "案件状态", "case status", counts),
        "codes": list(grid_codes),
        "themes": [_grid_counts_theme(grid_codes, grid_counts, ("各网格案件数", "cases per grid"))],
        "theme_layer": {"key": "grid_counts", "name_zh": "网格汇总", "name_en": "cases per grid",
                        "show": notice is not None, "opacity": 0.45},
        "summary": _summary(summary, total),
    }
    out["summary"].setdefault("lines", []).append(["地图上显示", "drawn", f"{shown:,}"])
    if notice:
        out["notice_zh"], out["notice_en"] = notice
    return out


def inventory_payload(
    points: Mapping[str, Sequence[Any]], *, total: int, counts_by_state: Mapping[str, int],
    grid_codes: Sequence[str], grid_problems: ArrayLike, summary: Mapping[str, Any] | None = None,
) -> Payload:
    """Components coloured by state, plus damaged/lost/occupied/abandoned components per grid."""
    cols = _columns(points, COMPONENT_COLUMNS, "components")
    unknown = sorted(set(cols["state"]) - set(cl.COMPONENT_STATES))
    if unknown:
        raise ValueError(f"unknown component states {unknown}; use {list(cl.COMPONENT_STATES)}")
    cols["state_zh"] = [cl.COMPONENT_STATES[s][1] for s in cols["state"]]
    shown = len(cols["lon"])
    notice = cap_notice(shown, total, ("部件", "components"))
    out: Payload = {
        "kind": "inventory", "points": cols, "total": int(total), "shown": shown, "capped": notice is not None,
        "palette": {k: v[0] for k, v in cl.COMPONENT_STATES.items()}, "legend_layer": "components",
        "legend": cl.categorical_legend(cl.COMPONENT_STATES, "部件状态", "component state", dict(counts_by_state)),
        "codes": list(grid_codes),
        "themes": [_grid_counts_theme(grid_codes, grid_problems, ("问题部件数", "components not intact"))],
        "theme_layer": {"key": "grid_problems", "name_zh": "网格问题部件", "name_en": "problems per grid",
                        "show": notice is not None, "opacity": 0.45},
        "summary": _summary(summary, None),
    }
    out["summary"].setdefault("lines", []).insert(0, ["部件", "components", f"{total:,}"])
    if notice:
        out["notice_zh"], out["notice_en"] = notice
    return out
