"""A year of synthetic but consistent case history for the demo.

Who reports what, where and when (:class:`SpecMaker`): inspectors on working days in office
hours, the hotline every day into the evening; a class mix that follows the seasons (garbage
and barbecues in summer, leaf burning in winter, snow and ice on two winter days, construction
quiet over the Spring Festival); spatial hot spots (a few grids with ten times the rate, and
the observation points drawing the classes they watch); component problems at real inventory
items, damaged or lost ones first; duplicates that get merged. Then every case is walked
through the workflow table (:mod:`backend.demo_walk`, :mod:`backend.demo_policy`), and a few
dozen recent ones are steered to each open status so every role finds work waiting, some of
it in warning or overdue.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import shapely

from backend.demo_catalog import DEMO_CLASSES, PRIORITY_WEIGHTS, SEASONS, SOURCE_WEIGHTS, DemoClass
from backend.demo_policy import Policy
from backend.demo_walk import SimCase, Spec, Walker
from backend.demo_world import World

HOTLINE = frozenset({"phone", "web", "wechat", "weibo", "sms", "app", "provincial", "media"})
VOLUME_BY_MONTH = (0.85, 0.7, 0.95, 1.0, 1.05, 1.15, 1.2, 1.2, 1.1, 1.0, 0.95, 0.9)
#: Open statuses kept populated with recent cases, and how many of each.
CURRENT_WORK = {
    "reported": 6, "pending_verify": 6, "verified": 3, "filed": 5, "dispatched": 24, "return_requested": 3,
    "extension_requested": 3, "shelving_requested": 2, "handled": 4, "pending_check": 5, "check_passed": 3,
    "void_requested": 2, "transferred": 2,
}
#: Classes where a caller may be in danger (gas, fallen cables, a blocked fire lane): some are
#: emergencies handed to 110/119 at once.
DANGER_CLASSES = frozenset({"01011", "10002", "09012", "0111", "0408"})
#: Shares of the limit used now by the steered "dispatched" cases: normal, warning (80–100 %), overdue.
DISPATCHED_SHARES = (0.2, 0.45, 0.65, 0.85, 0.9, 0.95, 1.4, 2.2)
_STATE_WEIGHT = {"intact": 1.0, "damaged": 10.0, "lost": 10.0, "occupied": 5.0, "abandoned": 4.0}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_CHANNEL_ZH = {"wechat": "微信", "web": "网站", "app": "手机App", "sms": "短信", "weibo": "微博"}


class SpecMaker:
    """Draws case specs over the year before ``now``."""

    def __init__(self, world: World, rng: np.random.Generator, now: datetime) -> None:
        self.world, self.rng, self.now = world, rng, now
        self.tz = world.calendar.tz
        known = world.classes
        in_inventory = set(world.comp_minor.tolist())
        self.classes: list[DemoClass] = [
            c for c in DEMO_CLASSES if (code := c.code(world.edition)) and (c.kind, code) in known
            and (c.kind == "event" or code in in_inventory)]
        if len(self.classes) < 10:
            raise RuntimeError(f"only {len(self.classes)} demo classes exist in {world.edition}'s catalog")
        self.codes = [c.code(world.edition) for c in self.classes]
        n = len(world.grid_codes)
        hot = np.zeros(n, dtype=bool)
        hot[rng.choice(n, size=max(1, n // 20), replace=False)] = True  # one grid in twenty
        self.grid_weight = rng.lognormal(0.0, 0.55, n) * np.where(hot, 12.0, 1.0)
        self.grid_weight /= self.grid_weight.sum()
        self.grid_pos = {code: i for i, code in enumerate(world.grid_codes)}
        # Components in hot grids break more often too (square root: less than the events).
        rank = world.grid_index.locate_many(world.comp_xy[:, 0], world.comp_xy[:, 1]) if len(world.comp_xy) \
            else np.array([], dtype=np.int32)
        pos_of_rank = np.array([self.grid_pos[str(c)] for c in world.grid_index.codes])
        comp_hot = np.where(rank >= 0, np.sqrt(self.grid_weight[pos_of_rank[np.maximum(rank, 0)]]), 0.0)
        self.comp_weight = np.array([_STATE_WEIGHT.get(s, 0.0) for s in world.comp_state]) * comp_hot
        names = {c.minor_code: c.name_zh for c in world.classes.values()}
        self.ops_for: dict[str, list[int]] = {}
        for code in self.codes:
            name = names.get(code, "")
            for k, watches in enumerate(world.op_watches):
                if any(w and (w in name or name in w) for w in watches.split("、")):
                    self.ops_for.setdefault(code, []).append(k)
        self.class_name = names
        self.by_key = {(c.kind, c.code(world.edition)): c for c in self.classes}
        self._comp_choice: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.lost = {int(i) for i, state in zip(world.comp_ids, world.comp_state, strict=True) if state == "lost"}
        self.priorities, self.priority_p = list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values())
        start = (now - timedelta(days=365)).astimezone(self.tz).date()
        self.days = [start + timedelta(days=d) for d in range(366)]
        trend = np.linspace(0.92, 1.08, len(self.days))  # volume grows over the year
        volume = np.array([VOLUME_BY_MONTH[d.month - 1] for d in self.days]) * trend
        working = np.array([world.calendar.is_working_day(d) for d in self.days])
        self.day_p = {
            "inspector": self._norm(volume * np.where(working, 1.0, 0.35)),
            "hotline": self._norm(volume * np.where(working, 1.0, 0.8)),
        }
        self.class_p = {}
        for month in range(1, 13):
            base = np.array([c.weight * SEASONS[c.season][month - 1] for c in self.classes])
            public = np.array([c.public for c in self.classes])
            self.class_p[(month, False)] = self._norm(base)
            self.class_p[(month, True)] = self._norm(base * public)
        self.serial = 0

    @staticmethod
    def _norm(weights: np.ndarray) -> np.ndarray:
        return weights / weights.sum()

    # ------------------------------------------------------------------ when
    def _clock(self, source: str) -> time:
        r = self.rng
        if source in ("video", "api"):
            hours = r.uniform(0, 24)
        elif source == "inspector":
            hours = r.uniform(8.5, 11.8) if r.random() < 0.55 else r.uniform(13.5, 17.5)
        else:
            hours = float(np.clip(r.choice([r.normal(10, 1.8), r.normal(15, 1.8), r.normal(20, 1.3)],
                                           p=[0.5, 0.32, 0.18]), 6.5, 23.4))
        minutes = int(hours * 60)
        return time(minutes // 60, minutes % 60, int(r.integers(60)))

    def when(self, source: str, day: date | None = None) -> datetime:
        for _ in range(20):
            d = day or self.days[int(self.rng.choice(len(self.days), p=self.day_p[
                "inspector" if source in ("inspector", "video", "api") else "hotline"]))]
            at = datetime.combine(d, self._clock(source), tzinfo=self.tz).astimezone(UTC)
            if at < self.now - timedelta(minutes=3):
                return at
        return self.now - timedelta(minutes=float(self.rng.uniform(5, 600)))

    # ------------------------------------------------------------------ where
    def _in_grid(self, pos: int) -> tuple[float, float]:
        geom = self.world.grid_geoms[pos]
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(10):
            xs, ys = self.rng.uniform(minx, maxx, 16), self.rng.uniform(miny, maxy, 16)
            inside = shapely.contains_xy(geom, xs, ys)
            if inside.any():
                k = int(np.flatnonzero(inside)[0])
                return float(xs[k]), float(ys[k])
        pt = geom.representative_point()
        return pt.x, pt.y

    def where(self, cls: DemoClass, code: str) -> tuple[float, float]:
        if cls.kind == "component":
            if code not in self._comp_choice:
                idx = np.flatnonzero(self.world.comp_minor == code)
                weights = self.comp_weight[idx] if self.comp_weight[idx].sum() > 0 else np.ones(len(idx))
                self._comp_choice[code] = (idx, weights / weights.sum())
            idx, p = self._comp_choice[code]
            lon, lat = self.world.comp_xy[int(self.rng.choice(idx, p=p))]
            return float(lon + self.rng.normal(0, 1.2e-5)), float(lat + self.rng.normal(0, 1.0e-5))
        ops = self.ops_for.get(code)
        if ops and self.rng.random() < 0.35:
            k = ops[int(self.rng.integers(len(ops)))]
            lon, lat = self.world.op_xy[k]
            return float(lon + self.rng.normal(0, 1.2e-4)), float(lat + self.rng.normal(0, 1.0e-4))
        return self._in_grid(int(self.rng.choice(len(self.grid_weight), p=self.grid_weight)))

    def settle(self, specs: list[Spec]) -> list[Spec]:
        """Place specs as intake does (grid, community, street, observation point within 50 m,
        component of the class within 20 m), in batches; a position outside every grid is
        drawn again. Returns the placed specs, in order."""
        w = self.world
        pending = list(range(len(specs)))
        for _ in range(10):
            if not pending:
                break
            ranks = w.grid_index.locate_many([specs[i].lon for i in pending], [specs[i].lat for i in pending])
            missed = []
            for i, rank in zip(pending, ranks, strict=True):
                spec = specs[i]
                if rank < 0:
                    spec.lon, spec.lat = self.where(self.by_key[(spec.kind, spec.minor_code)], spec.minor_code)
                    missed.append(i)
                    continue
                spec.grid_code = str(w.grid_index.codes[rank])
                spec.community_code = w.grid_community[spec.grid_code]
                spec.street_code = w.community_street.get(spec.community_code)
            pending = missed
        placed = [s for s in specs if s.grid_code]
        lons, lats = np.array([s.lon for s in placed]), np.array([s.lat for s in placed])
        if w.op_index is not None and placed:
            ids, _ = w.op_index.nearest_many(lons, lats, max_distance_m=50.0)
            for spec, op in zip(placed, ids, strict=True):
                spec.observation_point_id = None if op is None else int(op)
        if w.comp_index is not None:
            for code in {s.minor_code for s in placed if s.kind == "component"}:
                rows = [k for k, s in enumerate(placed) if s.kind == "component" and s.minor_code == code]
                ids, _ = w.comp_index.nearest_many(lons[rows], lats[rows], max_distance_m=20.0, catalog_class=code)
                for k, comp in zip(rows, ids, strict=True):
                    placed[k].component_id = None if comp is None else int(comp)
                    if comp is not None and int(comp) in self.lost and self.rng.random() < 0.5:
                        placed[k].priority = "urgent"  # a missing cover is a hole in the road
        return placed

    # ------------------------------------------------------------------ what
    def describe(self, specs: list[Spec]) -> None:
        """Address, description and caller of every spec (nearest road found in one batch)."""
        roads = [""] * len(specs)
        if self.world.road_tree is not None and specs:
            points = shapely.points([s.lon for s in specs], [s.lat for s in specs])
            nearest = self.world.road_tree.nearest(points)
            roads = [self.world.road_names[int(k)] for k in nearest]
        for spec, road in zip(specs, roads, strict=True):
            self._text(spec, road)

    def _text(self, spec: Spec, road: str) -> None:
        w = self.world
        name = self.class_name.get(spec.minor_code, "")
        community = w.community_names.get(spec.community_code or "", "")
        street = w.street_names.get(spec.street_code or "", "")
        spec.address = f"{street}{community}{road}"
        source = spec.source
        if source == "inspector":
            spec.description = f"巡查发现{road}{name}。"
        elif source == "provincial":
            self.serial += 1
            spec.external_id = f"JS12345-{spec.reported_at:%Y%m%d}-{self.serial:05d}"
            spec.description = f"省12345平台转办：群众反映{road}附近{name}，请核实处理。"
        elif source == "video":
            spec.description = f"视频智能识别：{road}疑似{name}。"
        elif source == "api":
            spec.description = f"上级平台推送：{road}{name}。"
        elif source == "media":
            spec.description = f"媒体曝光：{road}{name}问题。"
        else:
            channel = _CHANNEL_ZH.get(source, "热线电话")
            spec.description = f"市民通过{channel}反映{road}附近{name}问题，请尽快处理。"
        if source in HOTLINE:
            surname = _SURNAMES[int(self.rng.integers(len(_SURNAMES)))]
            spec.reporter_name = f"{surname}{'先生' if self.rng.random() < 0.55 else '女士'}"
            spec.reporter_contact = f"1{int(self.rng.choice([3, 5, 8, 9]))}{int(self.rng.integers(10**9)):09d}"

    def draw(self, source: str, at: datetime, cls: DemoClass | None = None) -> Spec:
        """What and where (not yet placed: see :meth:`settle`)."""
        hotline = source in HOTLINE
        if cls is None:
            k = int(self.rng.choice(len(self.classes), p=self.class_p[(at.astimezone(self.tz).month, hotline)]))
            cls = self.classes[k]
        code = cls.code(self.world.edition) or ""
        priority = str(self.rng.choice(self.priorities, p=self.priority_p))
        lon, lat = self.where(cls, code)
        spec = Spec(source, cls.kind, code, priority, at, lon, lat, "", None, None)
        if hotline and code in DANGER_CLASSES and self.rng.random() < 0.5:
            spec.emergency, spec.priority = True, "urgent"
        return spec

    def source(self) -> str:
        return str(self.rng.choice(list(SOURCE_WEIGHTS), p=list(SOURCE_WEIGHTS.values())))

    def natural(self, n: int) -> list[Spec]:
        return self.settle([self.draw(source, self.when(source)) for source in (self.source() for _ in range(n))])

    def snow_days(self, per_day: int) -> list[Spec]:
        """Two winter days of snow and ice reports (道路积雪、结冰), if the catalog has the class."""
        snow = next((c for c in self.classes if c.new_code == "10001"), None)
        winter = [d for d in self.days if d.month in (1, 2) and self.world.calendar.is_working_day(d)]
        if snow is None or not winter:
            return []
        days = [winter[int(k)] for k in self.rng.choice(len(winter), size=min(2, len(winter)), replace=False)]
        out = []
        for day in days:
            for _ in range(per_day):
                source = "inspector" if self.rng.random() < 0.5 else str(self.rng.choice(["phone", "wechat", "app"]))
                out.append(self.draw(source, self.when(source, day), snow))
        return self.settle(out)

    def duplicates(self, originals: list[Spec], n: int) -> list[Spec]:
        """Second reports of the same problem (a citizen calls about what an inspector saw)."""
        out = []
        for k in self.rng.choice(len(originals), size=min(n, len(originals)), replace=False):
            first = originals[int(k)]
            at = first.reported_at + timedelta(hours=float(self.rng.uniform(0.3, 30)))
            if at >= self.now - timedelta(minutes=3):
                continue
            source = "phone" if self.rng.random() < 0.7 else "inspector"
            out.append(replace(first, source=source, reported_at=at, lon=first.lon + float(self.rng.normal(0, 4e-5)),
                               lat=first.lat + float(self.rng.normal(0, 3e-5)), duplicate_of=first, grid_code="",
                               external_id=None, reporter_name="", reporter_contact="", emergency=False))
        return self.settle(out)

    def current_work(self) -> list[Spec]:
        """Recent cases to steer to each open status (times are set when they are walked)."""
        quick = [c for c in self.classes if c.limit[1].value != "working_days" or c.limit[0] <= 1]
        out = []
        for target, count in CURRENT_WORK.items():
            for k in range(count):
                hotline = target in ("pending_verify", "verified", "transferred") or self.rng.random() < 0.3
                source = str(self.rng.choice(["phone", "wechat", "app"])) if hotline else "inspector"
                pool = self.classes if target == "dispatched" else quick
                if target == "transferred":
                    pool = [c for c in self.classes if c.code(self.world.edition) in DANGER_CLASSES] or quick
                cls = pool[int(self.rng.choice(len(pool), p=self._norm(np.array([c.weight + 0.2 for c in pool]))))]
                spec = self.draw(source, self.now - timedelta(hours=2), cls)
                spec.plan = target
                spec.emergency = target == "transferred"  # only these are steered to the emergency path
                if target == "dispatched":
                    spec.share = DISPATCHED_SHARES[k % len(DISPATCHED_SHARES)]
                out.append(spec)
        return self.settle(out)


def _steer(policy: Policy, walker: Walker, spec: Spec, edition: str, rng: np.random.Generator,
           now: datetime) -> SimCase:
    """Walk a current-work case to its planned status, starting early enough to get there."""
    if spec.plan == "dispatched" and spec.share is not None:
        case = SimCase(spec.case_id or 0, spec, edition)
        dispatch_at = policy.dispatch_time_for_share(case, spec.share)
        gaps = rng.uniform(8, 70, len(policy.plan_actions(case, "dispatched")))  # minutes before each step
        times = [dispatch_at]
        for gap in gaps[:0:-1]:
            times.insert(0, times[0] - timedelta(minutes=float(gap)))
        spec.reported_at = times[0] - timedelta(minutes=float(gaps[0]))
        walker.start(case)
        policy.run_timed_plan(case, "dispatched", times)
        return case
    back = timedelta(minutes=float(rng.uniform(5, 150))) if spec.plan == "reported" else \
        timedelta(days=float(rng.uniform(0.4, 2.0)))
    for _ in range(6):
        spec.reported_at = now - back
        case = SimCase(spec.case_id or 0, spec, edition)
        walker.start(case)
        if policy.run_plan(case, spec.plan or "reported"):
            return case
        back *= 2
    return case


def generate_history(world: World, *, n_cases: int, seed: int, now: datetime, first_id: int) -> list[SimCase]:
    """About ``n_cases`` cases over the year before ``now``, ids from ``first_id``, fully walked."""
    rng = np.random.default_rng(seed)
    maker = SpecMaker(world, rng, now)
    n_snow = max(6, round(n_cases * 0.004))
    n_dup = round(n_cases * 0.03)
    n_work = sum(CURRENT_WORK.values())
    natural = maker.natural(max(n_cases - n_work - 2 * n_snow - n_dup, n_cases // 2))
    natural += maker.snow_days(n_snow)
    natural += maker.duplicates(natural, n_dup)
    natural.sort(key=lambda s: s.reported_at)
    work = maker.current_work()
    maker.describe([*natural, *work])
    for k, spec in enumerate([*natural, *work]):
        spec.case_id = first_id + k
    walker = Walker(calendar=world.calendar, limits=world.limits(), route=world.router(), staff=world.staff)
    policy = Policy(walker, rng, now)
    cases = []
    for spec in natural:
        case = SimCase(spec.case_id or 0, spec, world.edition)
        walker.start(case)
        policy.run(case)
        cases.append(case)
    cases.extend(_steer(policy, walker, spec, world.edition, rng, now) for spec in work)
    return cases
