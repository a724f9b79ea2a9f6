"""The demo's problem mix: which catalog classes occur, how often, in which season, how fast they
must be handled, and by whom. Data only (a deployment would set the same through the admin API).

Time limits follow the local examples in reference/standards.md §3 (暴露垃圾 4 working hours,
道路不洁 2 working hours, 私搭乱建 20 working days for demolition, 积存垃圾渣土 2 working days,
水域不洁 15 working days…); classes a person could be hurt by (missing manhole covers, traffic
lights, fallen cables, snow and ice) count calendar hours, as a centre that is staffed round the
clock would. Codes are GB/T 47678.5-2026 with the CJ/T 214-2007 equivalent where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.worktime import TimeUnit

WH, WD, CH = TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_HOURS

# Monthly multipliers, January first.
SEASONS: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 12,
    "summer": (0.7, 0.7, 0.8, 0.9, 1.1, 1.4, 1.6, 1.6, 1.3, 1.0, 0.8, 0.7),
    "barbecue": (0.2, 0.2, 0.4, 0.7, 1.2, 2.0, 2.6, 2.5, 1.6, 0.8, 0.3, 0.2),
    "burning": (2.0, 1.5, 0.8, 0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 0.9, 1.8, 2.2),
    "leaves": (1.2, 0.8, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.9, 1.6, 2.0, 1.6),
    "cycling": (0.8, 0.7, 1.2, 1.4, 1.3, 1.0, 0.9, 0.9, 1.2, 1.4, 1.2, 0.9),
    "construction": (0.8, 0.3, 1.1, 1.2, 1.2, 1.1, 1.0, 1.0, 1.2, 1.2, 1.1, 0.9),
    "year_end": (1.6, 1.8, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.2),
    "pests": (0.2, 0.2, 0.6, 1.4, 1.8, 2.0, 1.8, 1.4, 0.9, 0.5, 0.2, 0.2),
    "rain": (0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 1.5, 1.3, 1.0, 0.9, 0.8, 0.8),
    "never": (0.0,) * 12,  # only in bursts (snow days)
}


@dataclass(frozen=True, slots=True)
class DemoClass:
    """One catalog class in the demo."""

    kind: str  # event | component
    new_code: str  # GB/T 47678.5-2026
    old_code: str | None  # CJ/T 214-2007
    weight: float  # relative frequency
    season: str
    limit: tuple[float, TimeUnit]
    department: str | None = None  # department code suffix; None: the major class's default
    public: float = 1.0  # how much more often the public (hotline) reports it than inspectors

    def code(self, edition: str) -> str | None:
        return self.new_code if edition.startswith("GB/T") else self.old_code


def _e(new, old, weight, season, limit, dept=None, public=1.0) -> DemoClass:
    return DemoClass("event", new, old, weight, season, limit, dept, public)


def _c(new, old, weight, season, limit, dept=None, public=1.0) -> DemoClass:
    return DemoClass("component", new, old, weight, season, limit, dept, public)


DEMO_CLASSES: tuple[DemoClass, ...] = (
    # 市容环境 city appearance
    _e("06010", "0102", 12, "summer", (4, WH), "HW", 1.2),  # 暴露垃圾
    _e("06036", "0507", 8, "flat", (1, WD), "HW", 0.8),  # 乱堆杂物
    _e("06012", "0104", 5, "leaves", (2, WH), "HW", 0.6),  # 道路不洁
    _e("06035", "0108", 4, "year_end", (1, WD), "HW"),  # 废弃家具设备
    _e("06011", "0103", 3, "construction", (2, WD), "HW"),  # 积存垃圾渣土
    _e("06042", None, 3, "summer", (4, WH), "HW", 1.5),  # 垃圾站（箱）满溢
    _e("06041", None, 1, "flat", (1, WD), "HW"),  # 垃圾未分类
    _e("06001", "0101", 3, "flat", (20, WD), "CGJ", 2.5),  # 私搭乱建
    _e("06007", "0511", 2, "summer", (1, WD), "CGJ", 0.2),  # 沿街晾挂
    _e("06013", "0110", 2, "rain", (5, WD), "SZ", 1.5),  # 道路破损
    _e("06014", "0112", 1, "construction", (4, WH), "HW"),  # 道路遗撒
    _e("06017", "0106", 2, "summer", (4, WH), "YL"),  # 绿地脏乱
    _e("06018", None, 0.6, "leaves", (1, WD), "YL"),  # 绿化弃料
    _e("06020", "0115", 0.4, "burning", (2, WH), "CGJ", 2.0),  # 焚烧垃圾、树叶
    _e("06021", None, 0.6, "pests", (5, WD), "YL", 1.5),  # 病虫害
    _e("06025", "0105", 0.8, "summer", (15, WD), "SZ", 1.5),  # 水域不洁
    _e("06027", "0116", 1.5, "summer", (10, WD), "CGJ", 3.0),  # 油烟污染
    _e("06028", "0508", 2, "summer", (1, WD), "CGJ", 4.0),  # 噪声扰民
    _e("06029", "0510", 1, "barbecue", (2, WH), "CGJ", 2.0),  # 露天烧烤
    _e("06034", "0107", 0.5, "flat", (10, WD), "JJ", 1.5),  # 废弃车辆
    _e("06037", "0117", 0.3, "summer", (2, WH), "HW", 2.0),  # 动物尸体
    # 宣传广告 advertising
    _e("07001", "0201", 6, "flat", (1, WD), "CGJ", 0.3),  # 非法小广告
    _e("07003", "0202", 1, "flat", (5, WD), "CGJ"),  # 违规户外广告
    _e("07006", None, 0.8, "flat", (5, WD), "CGJ"),  # 违规牌匾标识
    # 施工管理 construction
    _e("08004", "0302", 1.5, "construction", (4, WH), "ZJ", 2.0),  # 工地扬尘
    _e("08001", "0301", 1.5, "construction", (1, WD), "ZJ", 4.0),  # 施工扰民
    _e("08005", "0303", 1, "construction", (1, WD), "ZJ"),  # 施工废弃料
    _e("08002", "0304", 0.8, "construction", (2, WD), "ZJ"),  # 施工占道
    _e("08003", "0305", 0.4, "construction", (1, WD), "SZ"),  # 无证掘路
    _e("08011", None, 0.5, "construction", (4, WH), "ZJ"),  # 渣土运输车辆未安装密闭装置
    # 街面秩序 street order
    _e("09006", None, 8, "summer", (2, WH), "CGJ", 0.8),  # 占道经营
    _e("09005", "0504", 7, "summer", (4, WH), "CGJ", 0.8),  # 店外经营
    _e("09010", "0506", 6, "cycling", (2, WH), "JT", 0.6),  # 非机动车乱停放
    _e("09001", "0501", 4, "summer", (2, WH), "CGJ"),  # 无照经营游商
    _e("09009", "0505", 3, "flat", (2, WH), "JJ", 1.5),  # 机动车乱停放
    _e("09011", None, 1.5, "cycling", (4, WH), "JT"),  # 共享单车乱象
    _e("09012", None, 0.6, "flat", (2, CH), "XF", 2.0),  # 占用消防通道
    _e("09015", None, 0.5, "flat", (5, WD), "SCJ", 2.0),  # 无证餐饮
    # 其他事项 other
    _e("10001", "0407", 0.0, "never", (6, CH), "SZ", 2.0),  # 道路积雪、结冰 (snow days only)
    _e("10002", "0408", 0.4, "rain", (4, CH), "DX", 2.0),  # 架空线缆脱落
    # 部件 components (the inventory's classes)
    _c("01023", "0114", 2, "flat", (2, WD), "SZ", 1.5),  # 不明井盖
    _c("01002", "0102", 1.5, "rain", (24, CH), None, 1.5),  # 污水井盖
    _c("01003", "0103", 1.5, "rain", (24, CH), None, 1.5),  # 雨水井盖
    _c("01001", "0101", 1, "flat", (24, CH), None, 1.5),  # 供水井盖
    _c("01004", "0104", 1.5, "rain", (1, WD), None),  # 雨水箅子
    _c("01007", "0107", 0.8, "flat", (2, WD), None),  # 通信井盖
    _c("01005", "0105", 0.6, "flat", (2, WD), None),  # 电力井盖
    _c("01011", "0111", 0.4, "flat", (24, CH), None, 2.0),  # 燃气井盖
    _c("01037", "0118", 2.5, "rain", (3, WD), None, 2.0),  # 路灯
    _c("03005", "0305", 2, "summer", (2, WD), None),  # 垃圾箱
    _c("04002", "0402", 1.2, "rain", (5, WD), None),  # 行道树
    _c("03006", "0307", 0.8, "flat", (5, WD), None),  # 户外广告
    _c("01027", "0115", 0.8, "flat", (3, WD), None),  # 通信交接箱
    _c("02004", "0203", 0.5, "flat", (3, WD), None),  # 公交站设施
    _c("02014", "0210", 0.5, "rain", (4, CH), None, 2.0),  # 交通信号灯
    _c("01013", "0113", 0.4, "flat", (1, WD), None),  # 消防设施
    _c("04007", "0407", 0.4, "flat", (5, WD), None),  # 街头座椅
    _c("02027", "0212", 0.4, "flat", (5, WD), None),  # 存车支架
    _c("01028", "0116", 0.4, "flat", (2, WD), None),  # 电力设施
    _c("01042", "0123", 0.2, "flat", (5, WD), None),  # 邮筒
)

#: Default department (code suffix) per (kind, major class) when a class names none.
MAJOR_DEPARTMENTS: dict[tuple[str, str], str] = {
    ("event", "01"): "SZ", ("event", "02"): "JT", ("event", "03"): "HW", ("event", "04"): "YL",
    ("event", "05"): "CGJ", ("event", "06"): "HW", ("event", "07"): "CGJ", ("event", "08"): "ZJ",
    ("event", "09"): "CGJ", ("event", "10"): "SZ",
    ("component", "01"): "SZ", ("component", "02"): "JT", ("component", "03"): "HW",
    ("component", "04"): "YL", ("component", "05"): "CGJ", ("component", "06"): "CGJ",
}
# CJ/T 214-2007 numbers its event majors differently (01 市容环境 … 05 街面秩序).
OLD_EVENT_MAJOR_DEPARTMENTS: dict[str, str] = {"01": "HW", "02": "CGJ", "03": "ZJ", "04": "SZ", "05": "CGJ"}

#: Where calls come from (share of all cases): inspectors most, then the hotline channels.
SOURCE_WEIGHTS: dict[str, float] = {
    "inspector": 0.58, "phone": 0.14, "wechat": 0.08, "web": 0.05, "app": 0.05, "provincial": 0.04,
    "video": 0.02, "sms": 0.015, "weibo": 0.01, "api": 0.01, "media": 0.005,
}
PRIORITY_WEIGHTS: dict[str, float] = {"normal": 0.85, "high": 0.08, "urgent": 0.04, "low": 0.03}
