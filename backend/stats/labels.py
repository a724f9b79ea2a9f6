"""Display names for codes used in statistics: source channels, catalog classes, departments, areas."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import CatalogClass, Community, Department, Street, UnitGrid

SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "inspector": ("监督员上报", "Inspectors"),
    "phone": ("电话", "Phone"),
    "web": ("网站", "Web"),
    "wechat": ("微信", "WeChat"),
    "weibo": ("微博", "Weibo"),
    "sms": ("短信", "SMS"),
    "app": ("手机 App", "App"),
    "provincial": ("省级转办", "Provincial transfer"),
    "media": ("媒体曝光", "Media"),
    "api": ("系统接口", "API"),
    "video": ("视频/AI 发现", "Video / AI"),
}
KIND_LABELS = {"event": ("事件", "Events"), "component": ("部件", "Components")}


def source_label(source: str, lang: str = "zh") -> str:
    zh, en = SOURCE_LABELS.get(source, (source, source))
    return zh if lang == "zh" else en


def class_names(db: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(kind, minor_code) → (name_zh, name_en, major_name_zh). Codes of the two editions differ in
    length (4 vs 5 digits), so kind + minor code names a class unambiguously."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = db.execute(select(CatalogClass.kind, CatalogClass.minor_code, CatalogClass.name_zh,
                             CatalogClass.name_en, CatalogClass.major_name_zh)
                      .where(CatalogClass.minor_code.in_({m for _, m in wanted}))).all()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows if (r[0], r[1]) in wanted}


def department_names(db: Session) -> dict[int, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in db.execute(select(Department.id, Department.name_zh, Department.name_en))}


def area_names(db: Session, level: str) -> dict[str, str]:
    """code → name for ``street`` / ``community`` / ``grid`` (grids: their name or their code)."""
    if level == "street":
        return dict(db.execute(select(Street.code, Street.name)).all())
    if level == "community":
        return dict(db.execute(select(Community.code, Community.name)).all())
    return {code: name or code for code, name in db.execute(
        select(UnitGrid.code, UnitGrid.name).where(UnitGrid.valid_to.is_(None)))}
