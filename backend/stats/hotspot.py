"""The hot-spot map (Getis-Ord Gi*) for the monthly report, drawn by backend.maps.

backend.maps owns the map (its payload, folium page and PNG rendering); the report only asks
it for a PNG with the report's filters. The map's filter knows a single source channel and no
county or major class: those are left out of the map (the caption says so). When the map
cannot be drawn (no grids, Chromium missing), the report keeps its SVG grid map and says why.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.config import Settings
from backend.errors import DomainError
from backend.stats.filters import StatsFilter
from backend.worktime import WorkCalendar

log = logging.getLogger("gridwatch.stats")


@dataclass
class HotspotImage:
    png: bytes | None
    caption_zh: str
    caption_en: str

    def data_uri(self) -> str | None:
        return None if self.png is None else "data:image/png;base64," + base64.b64encode(self.png).decode()


def hotspot_png(*, db_session: Session, f: StatsFilter, settings: Settings, calendar: WorkCalendar) -> HotspotImage:
    ignored = [name for name, on in (("区县 county", f.county), ("大类 major class", f.major),
                                      ("多个来源 several sources", len(f.sources) > 1)) if on]
    try:
        from backend.maps import export
        from backend.maps.base_data import MapBaseCache
        from backend.maps.filters import build_filter
        from backend.maps.service import MapContext, MapParams, build_payload

        mf = build_filter(tz=f.window.timezone, reported_from=f.window.start.isoformat(),
                          reported_to=f.window.end.isoformat(), grid=f.grid, community=f.community, street=f.street,
                          category=f.minor, kind=f.kind, source=f.sources[0] if len(f.sources) == 1 else None,
                          department=f.department_id)
        ctx = MapContext(db=db_session, user=None, base=MapBaseCache().get(db_session), calendar=calendar,
                         timezone=f.window.timezone)
        data = build_payload("hotspots", ctx, mf, MapParams())
        png = export.png("hotspots", ctx.base.payload, data, settings, width=1100, height=800)
    except (ImportError, DomainError, RuntimeError, ValueError) as exc:
        log.warning("hot-spot map not available for the report: %s", exc)
        message = getattr(exc, "message_zh", None) or str(exc)
        return HotspotImage(None, f"热点图暂不可用（{message}），以下为网格分布图。",
                            f"Hot-spot map not available ({exc}); the grid map below is shown instead.")
    note_zh = f"（地图未应用：{'、'.join(ignored)}）" if ignored else ""
    note_en = f" (not applied on the map: {', '.join(ignored)})" if ignored else ""
    return HotspotImage(png, f"Getis-Ord Gi* 热点分析（受理案件按网格计数，95%/99% 置信度）{note_zh}",
                        f"Getis-Ord Gi* hot spots of received cases per grid{note_en}")
