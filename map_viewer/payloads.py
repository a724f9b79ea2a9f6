"""Payloads: the plain JSON objects the page script draws (and the backend's map API returns).

Built from GeoDataFrames, columns and numpy arrays; nothing here knows where they came from.
Every payload has ``kind`` (the map type), ``summary`` (counts and the applied filters for the
info box) and, depending on the kind, ``themes`` (grid layers: one class per grid, a palette
and a legend), ``cases``/``points`` (columnar marker data), or a density ``image``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike

from gis_data.density import DensityGrid
from gis_data.hotspots import GiStarResult
from map_viewer import classify as cl
from map_viewer.encode import encode_layer, lonlat_bounds, lonlat_geometries
from map_viewer.raster import data_uri, density_image

Payload = dict[str, Any]


def _plain(values: ArrayLike, digits: int = 4) -> list[float | int | None]:
    """JSON-ready numbers: NaN → null, whole numbers as ints ("12", not "12.0")."""
    out: list[float | int | None] = []
    for v in np.asarray(values, dtype=np.float64).tolist():
        if not math.isfinite(v):
            out.append(None)
        elif v.is_integer():
            out.append(int(v))
        else:
            out.append(round(v, digits))
    return out


def _column(gdf: gpd.GeoDataFrame, name: str, default: str = "") -> list[str]:
    if name not in gdf.columns:
        return [default] * len(gdf)
    return ["" if v is None else str(v) for v in gdf[name].tolist()]


def base_payload(
    grids: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame | None = None,
    streets: gpd.GeoDataFrame | None = None,
    observation_points: gpd.GeoDataFrame | None = None,
) -> Payload:
    """Reference layers: grids (with their ``code`` column), communities, streets, observation points.

    Any CRS with a CRS set; grid order is kept (payloads refer to grids by code).
    """
    if "code" not in grids.columns:
        raise ValueError("grids need a 'code' column")
    grid_geoms = lonlat_geometries(grids, "grids")
    out: Payload = {
        "bounds": lonlat_bounds(grid_geoms),
        "grids": {"codes": _column(grids, "code"), "geom": encode_layer(grid_geoms)},
    }
    if communities is not None and len(communities):
        geoms = lonlat_geometries(communities, "communities")
        out["communities"] = {"names": _column(communities, "name"), "geom": encode_layer(geoms)}
        if out["bounds"] is None:
            out["bounds"] = lonlat_bounds(geoms)
    if streets is not None and len(streets):
        out["streets"] = {"names": _column(streets, "name"),
                          "geom": encode_layer(lonlat_geometries(streets, "streets"))}
    if observation_points is not None and len(observation_points):
        pts = lonlat_geometries(observation_points, "observation points")
        out["observation_points"] = {
            "lon": [round(p.x, 7) for p in pts], "lat": [round(p.y, 7) for p in pts],
            "code": _column(observation_points, "code"), "name": _column(observation_points, "name"),
        }
    return out


def theme(theme_id: str, name_zh: str, name_en: str, classified: cl.Classified, values: ArrayLike,
          fmt: str = "num") -> Payload:
    """One thematic grid layer: a class per grid (aligned with the payload's ``codes``)."""
    return {"id": theme_id, "name_zh": name_zh, "name_en": name_en, "fmt": fmt,
            "classes": classified.classes.tolist(), "palette": classified.palette,
            "legend": classified.legend, "values": _plain(values)}


def _summary(summary: Mapping[str, Any] | None, total: int | None) -> Payload:
    out = dict(summary or {})
    if total is not None:
        out["total"] = int(total)
    return out


def _rate(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def choropleth_payload(
    codes: Sequence[str], *, area_m2: ArrayLike, total: ArrayLike, closed: ArrayLike, should_close: ArrayLike,
    closed_on_time: ArrayLike, overdue: ArrayLike, summary: Mapping[str, Any] | None = None,
) -> Payload:
    """Counts and rates per grid: cases, per 10,000 m², closure rate, on-time closure rate, overdue.

    Closure rate = closed / should be closed (结案率 = 结案数 / 应结案数); on-time closure rate
    = closed on time / should be closed (按期结案率), as GB/T 30428.4 practice defines them.
    """
    n = np.asarray(total, dtype=np.float64)
    area = np.asarray(area_m2, dtype=np.float64)
    due = np.asarray(should_close, dtype=np.float64)
    per_10k = np.where(area > 0, n / np.where(area > 0, area, 1) * 1e4, np.nan)
    closure = _rate(np.asarray(closed, dtype=np.float64), due)
    on_time = _rate(np.asarray(closed_on_time, dtype=np.float64), due)
    late = np.asarray(overdue, dtype=np.float64)
    themes = [
        theme("count", "案件数", "cases", cl.sequential_classes(n, "案件数", "cases per grid"), n, "int"),
        theme("per_10k", "每万平方米案件数", "cases per 10,000 m²",
              cl.sequential_classes(per_10k, "每万平方米案件数", "cases per 10,000 m²", integer=False), per_10k),
        theme("closure_rate", "结案率", "closure rate", cl.rate_classes(closure, "结案率", "closure rate"), closure, "pct"),
        theme("on_time_rate", "按期结案率", "on-time closure rate",
              cl.rate_classes(on_time, "按期结案率", "on-time closure rate"), on_time, "pct"),
        theme("overdue", "超期未结案件", "open overdue cases",
              cl.sequential_classes(late, "超期未结案件", "open overdue cases"), late, "int"),
    ]
    return {"kind": "choropleth", "codes": list(codes), "themes": themes,
            "summary": _summary(summary, int(n.sum()))}


def hotspots_payload(
    codes: Sequence[str], counts: ArrayLike, result: GiStarResult, *, weights_kind: str,
    band_m: float | None = None, summary: Mapping[str, Any] | None = None,
) -> Payload:
    """Gi* confidence bins per grid (and the counts they were computed from); ``band_m`` is the
    distance of distance-band weights, for the legend."""
    n = np.asarray(counts, dtype=np.float64)
    classified = cl.hotspot_classes(result.bins, result.fdr)
    weights_label = {"queen": ("共边共点邻接", "queen contiguity"),
                     "distance_band": ("固定距离带", "fixed distance band")}.get(weights_kind, (weights_kind,) * 2)
    if band_m:
        weights_label = (f"{weights_label[0]} {band_m:.0f} 米", f"{weights_label[1]} {band_m:.0f} m")
    classified.legend["note_zh"] += f"；空间权重：{weights_label[0]}"
    classified.legend["note_en"] += f"; weights: {weights_label[1]}"
    themes = [
        theme("gi_bin", "热点/冷点", "hot/cold spots", classified, result.z, "z"),
        theme("count", "案件数", "cases", cl.sequential_classes(n, "案件数", "cases per grid"), n, "int"),
    ]
    hot = int(np.sum(result.bins > 0))
    cold = int(np.sum(result.bins < 0))
    out = {"kind": "hotspots", "codes": list(codes), "themes": themes,
           "summary": _summary(summary, int(n.sum()))}
    out["summary"].setdefault("lines", []).append(["热点/冷点网格", "hot / cold grids", f"{hot} / {cold}"])
    return out


def closure_payload(
    codes: Sequence[str], *, status: Sequence[str | None], closure_rate: ArrayLike, on_time_rate: ArrayLike,
    open_count: ArrayLike, overdue_count: ArrayLike, summary: Mapping[str, Any] | None = None,
    total: int | None = None,
) -> Payload:
    """Closure status by grid: the worst state of its open cases (or all closed), and the rates."""
    themes = [
        theme("status", "结案情况", "closure status",
              cl.categorical_classes(status, cl.CLOSURE_CLASSES, "网格结案情况", "closure status by grid"),
              overdue_count, "int"),
        theme("closure_rate", "结案率", "closure rate", cl.rate_classes(closure_rate, "结案率", "closure rate"),
              closure_rate, "pct"),
        theme("on_time_rate", "按期结案率", "on-time closure rate",
              cl.rate_classes(on_time_rate, "按期结案率", "on-time closure rate"), on_time_rate, "pct"),
        theme("open", "未结案件", "open cases",
              cl.sequential_classes(open_count, "未结案件", "open cases"), open_count, "int"),
    ]
    themes[0]["value_label_zh"], themes[0]["value_label_en"] = "超期", "overdue"
    return {"kind": "closure", "codes": list(codes), "themes": themes, "summary": _summary(summary, total)}


def comparison_payload(
    codes: Sequence[str], current: ArrayLike, previous: ArrayLike, *, current_label: tuple[str, str],
    previous_label: tuple[str, str], summary: Mapping[str, Any] | None = None,
) -> Payload:
    """This period against the previous one: the change, and each period on one shared scale."""
    cur = np.asarray(current, dtype=np.float64)
    prev = np.asarray(previous, dtype=np.float64)
    both = np.concatenate([cur, prev])
    themes = [
        theme("change", "环比变化", "change", cl.change_classes(cur, prev), cur - prev, "int"),
        theme("current", current_label[0], current_label[1],
              cl.sequential_classes(cur, current_label[0], current_label[1], breaks_from=both), cur, "int"),
        theme("previous", previous_label[0], previous_label[1],
              cl.sequential_classes(prev, previous_label[0], previous_label[1], breaks_from=both), prev, "int"),
    ]
    out = {"kind": "comparison", "codes": list(codes), "themes": themes,
           "summary": _summary(summary, int(cur.sum()))}
    change = f"{int(cur.sum()):,} / {int(prev.sum()):,}"
    out["summary"].setdefault("lines", []).append([f"{current_label[0]} / {previous_label[0]}",
                                                   f"{current_label[1]} / {previous_label[1]}", change])
    return out


def density_payload(
    density: np.ndarray, grid: DensityGrid, *, total: int, bandwidth_m: float,
    summary: Mapping[str, Any] | None = None,
) -> Payload:
    """A kernel density raster as an embedded PNG with its lon/lat corners and a ramp legend."""
    png, vmax = density_image(density, grid.bounds)
    out = {"kind": "density", "image": data_uri(png), "bounds": [round(v, 7) for v in grid.bounds],
           "legend_layer": "density",
           "legend": cl.ramp_legend("核密度", "kernel density", vmax, "件/平方公里", "cases per km²"),
           "bandwidth_m": bandwidth_m, "pixel_m": round(grid.pixel_m, 2), "summary": _summary(summary, total)}
    out["legend"]["note_zh"] = f"四次核，带宽 {bandwidth_m:.0f} 米，像元 {grid.pixel_m:.0f} 米"
    out["legend"]["note_en"] = f"quartic kernel, bandwidth {bandwidth_m:.0f} m, pixel {grid.pixel_m:.0f} m"
    return out


def cap_notice(shown: int, total: int, what: tuple[str, str]) -> tuple[str, str] | None:
    """The words for "only the newest N of M are drawn", or None when nothing was left out."""
    if shown >= total:
        return None
    return (f"{what[0]}过多：仅显示最新 {shown:,} 个，共 {total:,} 个；全部{what[0]}按网格汇总显示",
            f"Too many {what[1]} to draw: showing the newest {shown:,} of {total:,}; "
            f"all of them are counted per grid")
