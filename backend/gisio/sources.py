"""Which hierarchy level each file (or GeoPackage layer) on a command line holds.

Order of evidence: an explicit ``LEVEL=PATH`` argument or ``--layer LEVEL=NAME``; a layer named
after a level (``streets``/``communities``/``grids``, singular, or 街道/社区/网格); a file name
containing one of those words; finally the length of the codes in the layer (9, 12, 14/15).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyogrio

from backend.gisio.common import GisioError
from gis_data.codes import as_code_text
from gis_data.errors import InvalidCode
from gis_data.grid_io import LEVELS, Source, read_layer

_WORDS = {
    "streets": ("street", "街道", "jiedao"),
    "communities": ("communit", "社区", "shequ"),
    "grids": ("grid", "网格", "wangge"),
}
_CODE_LEVEL = {9: "streets", 12: "communities", 14: "grids", 15: "grids"}


def parse_mapping(text: str | None) -> dict[str, dict[str, str]]:
    """``--mapping``: JSON text or a JSON file; per level (``{"grids": {"code": "BGID"}}``) or flat
    (``{"code": "BGID"}``, applied to every level)."""
    if not text:
        return {}
    data = parse_json_object(text, "--mapping")
    if data and all(isinstance(v, dict) for v in data.values()):
        unknown = sorted(set(data) - set(LEVELS))
        if unknown:
            raise GisioError(f"--mapping names unknown levels {unknown}; use {list(LEVELS)}")
        return {k: {str(a): str(b) for a, b in v.items()} for k, v in data.items()}
    flat = {str(a): str(b) for a, b in data.items()}
    return dict.fromkeys(LEVELS, flat)


def parse_json_object(text: str, option: str) -> dict[str, Any]:
    """A JSON object given inline or as a file path (``--class-map``)."""
    path = Path(text[1:] if text.startswith("@") else text)
    raw = path.read_text(encoding="utf-8") if not text.lstrip().startswith("{") and path.exists() else text
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GisioError(f"{option} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise GisioError(f"{option} must be a JSON object")
    return data


def _level_of_name(name: str) -> str | None:
    lowered = name.lower()
    for level, words in _WORDS.items():
        if any(w in lowered for w in words):
            return level
    return None


def _level_of_codes(path: Path, layer: str | None, mappings: Mapping[str, Mapping[str, str]]) -> str | None:
    frame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False, max_features=20)
    for level in ("grids", "communities", "streets"):
        column = mappings.get(level, {}).get("code", "code")
        columns = {str(c).lower(): c for c in frame.columns}
        if column.lower() not in columns:
            continue
        for value in frame[columns[column.lower()]]:
            try:
                return _CODE_LEVEL.get(len(as_code_text(value)))
            except InvalidCode:
                continue
    return None


def _layers_of(path: Path) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception:  # not a GIS file: gis_data says why, naming the line
        read_layer(path, name=path.stem)
        raise


def assign_levels(
    files: Sequence[str],
    *,
    layers: Sequence[str] = (),
    mappings: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Source]:
    """Map ``streets``/``communities``/``grids`` to a path or ``(path, layer)``.

    Raises
    ------
    GisioError
        A level given twice, an unknown level, or a file whose level cannot be told.
    gis_data.errors.ImportFailed
        A file that is missing, empty or not a GIS file (with gis_data's message).
    """
    mappings = mappings or {}
    chosen: dict[str, Source] = {}
    forced_layers: dict[str, str] = {}
    for item in layers:
        level, _, name = item.partition("=")
        if level not in LEVELS or not name:
            raise GisioError(f"--layer {item!r}: write LEVEL=LAYER with LEVEL one of {list(LEVELS)}")
        forced_layers[level] = name

    def put(level: str, source: Source) -> None:
        if level in chosen:
            raise GisioError(f"two sources for the {level} level: {chosen[level]} and {source}")
        chosen[level] = source

    for item in files:
        level, sep, rest = item.partition("=")
        if sep and level in LEVELS:
            path = Path(rest)
            put(level, (path, forced_layers[level]) if level in forced_layers else path)
            continue
        path = Path(item)
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            read_layer(path, name=path.stem)  # raises ImportFailed naming the problem
        names = _layers_of(path)
        matched = False
        for level, name in forced_layers.items():
            if name in names and level not in chosen:
                put(level, (path, name))
                matched = True
        for name in names:
            level = _level_of_name(name)
            if level and level not in chosen and len(names) > 1:
                put(level, (path, name))
                matched = True
        if matched:
            continue
        level = _level_of_name(path.stem) if len(names) == 1 else None
        level = level or _level_of_codes(path, names[0] if names else None, mappings)
        if level is None:
            raise GisioError(
                f"cannot tell whether {path.name} holds streets, communities or grids; "
                f"write it as grids={path} (or streets=…, communities=…)"
            )
        put(level, (path, names[0]) if len(names) > 1 else path)
    if not chosen:
        raise GisioError("no layer to import")
    return chosen
