"""What the map pages show around the data: filter fields, their choices, and the labels of
case actions and deadline states (all zh-CN first, English second)."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.catalog.service import get_active_edition
from backend.maps.filters import status_options
from backend.maps.service import BANDWIDTHS_M, DISTANCE_BANDS_M
from backend.models import CatalogClass, Community, Department, Street
from backend.models.component import COMPONENT_STATES
from map_viewer.classify import COMPONENT_STATES as STATE_LABELS

SOURCE_LABELS: Final = {
    "inspector": ("监督员上报", "inspector"), "phone": ("电话", "phone"), "web": ("网站", "web"),
    "wechat": ("微信", "WeChat"), "weibo": ("微博", "Weibo"), "sms": ("短信", "SMS"), "app": ("手机应用", "app"),
    "provincial": ("省平台转办", "provincial transfer"), "media": ("媒体曝光", "media"),
    "api": ("接口", "API"), "video": ("视频监控", "video"),
}
DEADLINE_LABELS: Final = {"normal": ("正常", "on schedule"), "warning": ("临期预警", "warning"),
                          "overdue": ("已超期", "overdue")}
# Which inputs an action's guards need in the popup form.
_GUARD_INPUTS: Final = {
    wf.Guard.REQUIRES_NOTE: "note", wf.Guard.REQUIRES_DEPARTMENT: "department",
    wf.Guard.REQUIRES_NEW_DUE: "new_due", wf.Guard.REQUIRES_TARGET_CASE: "target_case",
    wf.Guard.REQUIRES_AFTER_PHOTO: "photo_after", wf.Guard.REQUIRES_CHECK_PHOTO: "photo_check",
}


def _option(value: Any, zh: str, en: str, parent: str | None = None) -> dict[str, Any]:
    out = {"value": str(value), "label_zh": zh, "label_en": en}
    if parent:
        out["parent"] = parent
    return out


def page_labels() -> dict[str, Any]:
    """Action and deadline labels, and each action's inputs (from the workflow table's guards)."""
    inputs: dict[str, list[str]] = {}
    for t in wf.TRANSITIONS.values():
        needed = inputs.setdefault(t.action.value, [])
        for guard in t.guards:
            name = _GUARD_INPUTS.get(guard)
            if name and name not in needed:
                needed.append(name)
    return {"actions": {a.value: list(wf.ACTION_LABELS[a]) for a in wf.Action},
            "deadline": {k: list(v) for k, v in DEADLINE_LABELS.items()}, "action_inputs": inputs}


def options_payload(db: Session, default_edition: str) -> dict[str, list[dict[str, Any]]]:
    """Choices for the filter selects."""
    edition = get_active_edition(db_session=db, default=default_edition)
    classes = db.execute(select(CatalogClass.kind, CatalogClass.minor_code, CatalogClass.name_zh, CatalogClass.name_en)
                         .where(CatalogClass.edition == edition, CatalogClass.active.is_(True))
                         .order_by(CatalogClass.kind, CatalogClass.minor_code)).all()
    kind_zh = {"component": "部件", "event": "事件"}
    return {
        "categories": [_option(r[1], f"{kind_zh.get(r[0], r[0])} {r[1]} {r[2]}", r[3]) for r in classes],
        "component_categories": [_option(r[1], f"{r[1]} {r[2]}", r[3]) for r in classes if r[0] == "component"],
        "departments": [_option(d.id, d.name_zh, d.name_en) for d in
                        db.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.code))],
        "streets": [_option(s.code, s.name, s.code) for s in db.scalars(select(Street).order_by(Street.code))],
        "communities": [_option(c.code, c.name, c.code, c.street_code)
                        for c in db.scalars(select(Community).order_by(Community.code))],
        "statuses": status_options(),
        "status_types": [_option("open", "未结", "open"), _option("closed", "已结束", "closed")],
        "kinds": [_option("component", "部件", "components"), _option("event", "事件", "events")],
        "sources": [_option(k, *v) for k, v in SOURCE_LABELS.items()],
        "states": [_option(s, STATE_LABELS[s][1], STATE_LABELS[s][2]) for s in COMPONENT_STATES],
        "bandwidths": [_option(b, f"{b} 米", f"{b} m") for b in BANDWIDTHS_M],
        "weights": [_option("queen", "共边共点邻接", "queen contiguity"),
                    _option("distance_band", "固定距离带", "fixed distance band")],
        "distances": [_option(d, f"{d} 米", f"{d} m") for d in DISTANCE_BANDS_M],
    }


def _select(name: str, zh: str, en: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "select", "label_zh": zh, "label_en": en, "source": source, **extra}


def _case_filters() -> list[dict[str, Any]]:
    return [
        {"name": "reported_from", "type": "date", "label_zh": "上报起始日期", "label_en": "reported from"},
        {"name": "reported_to", "type": "date", "label_zh": "上报截止日期", "label_en": "reported to"},
        _select("kind", "部件/事件", "kind", "kinds"),
        _select("category", "问题类别", "category", "categories"),
        _select("status_type", "状态类型", "status type", "status_types"),
        _select("status", "状态", "status", "statuses"),
        {"name": "overdue", "type": "checkbox", "label_zh": "仅超期未结", "label_en": "overdue only", "default": "false"},
        _select("source", "来源渠道", "source", "sources"),
        _select("department", "处置部门", "department", "departments"),
        _select("street", "街道", "street", "streets"),
        _select("community", "社区", "community", "communities", parent_filter="street"),
    ]


def page_filters(kind: str) -> list[dict[str, Any]]:
    """The filter fields of map ``kind``'s panel (query parameters of its data endpoint)."""
    if kind == "inventory":
        return [_select("category", "部件类别", "component class", "component_categories"),
                _select("state", "部件状态", "state", "states"),
                _select("street", "街道", "street", "streets"),
                _select("community", "社区", "community", "communities", parent_filter="street")]
    fields = _case_filters()
    if kind == "density":
        fields.append(_select("bandwidth", "核带宽", "bandwidth", "bandwidths", required=True, default="300"))
    elif kind == "hotspots":
        fields.append(_select("weights", "空间权重", "spatial weights", "weights", required=True, default="queen"))
        fields.append(_select("distance", "距离带（仅距离带权重）", "band (distance weights only)", "distances",
                              required=True, default="150"))
        fields.append({"name": "fdr", "type": "checkbox", "label_zh": "FDR 校正", "label_en": "FDR correction",
                       "default": "true"})
    elif kind == "comparison":
        fields.insert(2, {"name": "month", "type": "month", "label_zh": "对比月份（无日期范围时）",
                          "label_en": "month (without a date range)"})
    return fields
