"""Open311 GeoReport v2 wire formats: the same documents as JSON or XML, and the spec's errors.

The spec (wiki.open311.org/GeoReport_v2) gives every response in both formats; the XML form
wraps lists in a plural element with one singular child per item (``<services><service>``),
which :data:`XML_ITEM_TAGS` names.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

FORMATS = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# list element → item element, as in the spec's XML examples
XML_ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error rendered in the spec's format: ``[{"code": 400, "description": "…"}]``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            _append(node, key, sub)
    elif isinstance(value, list):
        item_tag = XML_ITEM_TAGS.get(tag, "item")
        for item in value:
            _append(node, item_tag, item)
    else:
        node.text = _text(value)


def to_xml(root: str, body: list | dict) -> bytes:
    """``root`` is the plural element for a list body, the document element for a dict body."""
    element = ET.Element(root)
    if isinstance(body, list):
        item_tag = XML_ITEM_TAGS[root]
        for item in body:
            _append(element, item_tag, item)
    else:
        for key, value in body.items():
            _append(element, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def render(fmt: str, root: str, body: list | dict, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, body), status_code=status, media_type=XML_TYPE)
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=JSON_TYPE)


def error_response(fmt: str, status: int, description: str) -> Response:
    return render(fmt if fmt in FORMATS else "json", "errors", [{"code": status, "description": description}],
                  status)


def format_of(path: str) -> str:
    """The response format a request asked for: the path's extension (``.xml`` or ``.json``)."""
    return "xml" if path.rstrip("/").endswith(".xml") else "json"
