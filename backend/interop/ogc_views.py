"""OGC API – Features (Part 1: Core, read-only) at /ogc: landing page, conformance, collections,
items with bbox, datetime, limit and next links, single features, all as (Geo)JSON.

QGIS ("OGC API – Features" / WFS3 connection) and OWSLib read it directly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from backend.deps import DbSession
from backend.errors import NotFound, Unprocessable
from backend.interop.ogc_collections import PROVIDERS, Interval, Provider
from backend.spatial import BBox

router = APIRouter(prefix="/ogc", tags=["ogc-api-features"])

GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _json(body: dict, media_type: str = "application/json") -> JSONResponse:
    return JSONResponse(body, media_type=media_type)


@router.get("")
@router.get("/")
def landing(request: Request) -> JSONResponse:
    base = _base(request)
    root = str(request.base_url).rstrip("/")
    return _json({
        "title": "GridWatch OGC API – Features 网格化城市管理要素服务",
        "description": "Unit grids, communities, observation points, components and cases (read-only). "
                       "单元网格、社区、观察点、部件与案件（只读）。",
        "links": [
            {"href": base, "rel": "self", "type": "application/json", "title": "this document"},
            {"href": f"{root}/openapi.json", "rel": "service-desc",
             "type": "application/vnd.oai.openapi+json;version=3.0", "title": "the API definition"},
            {"href": f"{root}/docs", "rel": "service-doc", "type": "text/html", "title": "API documentation"},
            {"href": f"{base}/conformance", "rel": "conformance", "type": "application/json",
             "title": "conformance classes"},
            {"href": f"{base}/collections", "rel": "data", "type": "application/json", "title": "collections"},
        ],
    })


@router.get("/conformance")
def conformance() -> JSONResponse:
    return _json({"conformsTo": CONFORMANCE})


def _collection_doc(provider: Provider, base: str) -> dict:
    href = f"{base}/collections/{provider.id}"
    doc = {
        "id": provider.id, "title": f"{provider.title_zh} {provider.title_en}",
        "description": f"{provider.title_zh} / {provider.title_en} (CGCS2000 ≈ WGS 84, lon/lat)",
        "itemType": "feature", "crs": [CRS84],
        "links": [
            {"href": href, "rel": "self", "type": "application/json", "title": provider.title_en},
            {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": f"{provider.title_en} items"},
        ],
    }
    if provider.temporal_note:
        doc["extent"] = {"temporal": {"interval": [[None, None]], "trs":
                                      "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}}
        doc["description"] += f"; datetime filters on {provider.temporal_note}"
    return doc


@router.get("/collections")
def collections(request: Request) -> JSONResponse:
    base = _base(request)
    return _json({
        "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
        "collections": [_collection_doc(p, base) for p in PROVIDERS.values()],
    })


def _provider(collection_id: str) -> Provider:
    provider = PROVIDERS.get(collection_id)
    if provider is None:
        raise NotFound(f"No collection {collection_id!r}; see /ogc/collections.",
                       f"没有名为 {collection_id!r} 的要素集合，请查看 /ogc/collections。")
    return provider


@router.get("/collections/{collection_id}")
def collection(collection_id: str, request: Request) -> JSONResponse:
    return _json(_collection_doc(_provider(collection_id), _base(request)))


def parse_bbox(raw: str | None) -> BBox | None:
    if not raw:
        return None
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:  # 3-D bbox: drop the heights
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or not (values[0] <= values[2] and values[1] <= values[3]):
        raise Unprocessable("bbox must be minlon,minlat,maxlon,maxlat (CRS84).",
                            "bbox 须为 最小经度,最小纬度,最大经度,最大纬度（CRS84）。")
    return values[0], values[1], values[2], values[3]


def _instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_datetime(raw: str | None) -> Interval | None:
    """RFC 3339 instant, or an interval ``start/end`` with ``..`` (or empty) for an open end."""
    if not raw:
        return None
    try:
        if "/" in raw:
            start_text, end_text = raw.split("/", 1)
            return _instant(start_text), _instant(end_text)
        instant = _instant(raw)
    except ValueError:
        raise Unprocessable("datetime must be RFC 3339, e.g. 2026-03-01T00:00:00Z or 2026-03-01T00:00:00Z/..",
                            "datetime 须为 RFC 3339 格式，如 2026-03-01T00:00:00Z 或区间 a/b。") from None
    return instant, instant


@router.get("/collections/{collection_id}/items")
def items(collection_id: str, request: Request, db: DbSession,
          bbox: str | None = None, datetime_: Annotated[str | None, Query(alias="datetime")] = None,
          limit: Annotated[int, Query(ge=1, le=10_000)] = DEFAULT_LIMIT,
          offset: Annotated[int, Query(ge=0)] = 0) -> JSONResponse:
    provider = _provider(collection_id)
    limit = min(limit, MAX_LIMIT)  # the spec lets a server cap the limit instead of refusing it
    stmt = provider.query(parse_bbox(bbox), parse_datetime(datetime_), db.get_bind().dialect.name)
    matched = int(db.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = list(db.scalars(stmt.order_by(provider.id_column).limit(limit).offset(offset)))
    href = f"{_base(request)}/collections/{provider.id}/items"
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "limit")}

    def page(new_offset: int) -> str:
        return f"{href}?{urlencode({**params, 'limit': limit, 'offset': new_offset})}"

    links = [{"href": page(offset), "rel": "self", "type": GEOJSON, "title": "this page"},
             {"href": f"{_base(request)}/collections/{provider.id}", "rel": "collection",
              "type": "application/json", "title": provider.title_en}]
    if offset + len(rows) < matched:
        links.append({"href": page(offset + limit), "rel": "next", "type": GEOJSON, "title": "next page"})
    if offset > 0:
        links.append({"href": page(max(offset - limit, 0)), "rel": "prev", "type": GEOJSON, "title": "previous"})
    return _json({
        "type": "FeatureCollection",
        "features": [provider.feature(r) for r in rows],
        "numberMatched": matched, "numberReturned": len(rows),
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }, GEOJSON)


@router.get("/collections/{collection_id}/items/{feature_id}")
def item(collection_id: str, feature_id: str, request: Request, db: DbSession) -> JSONResponse:
    provider = _provider(collection_id)
    row = provider.get(db, feature_id)
    if row is None:
        raise NotFound(f"No feature {feature_id!r} in {collection_id}.",
                       f"要素集合 {collection_id} 中没有 {feature_id!r}。")
    feature = provider.feature(row)
    href = f"{_base(request)}/collections/{provider.id}"
    feature["links"] = [{"href": f"{href}/items/{feature_id}", "rel": "self", "type": GEOJSON},
                        {"href": href, "rel": "collection", "type": "application/json"}]
    return _json(feature, GEOJSON)
