"""The dashboard's KPIs.

Unfiltered requests read the daily rollup (backend.stats.rollup). Filtered ones run live, in
five index range scans whatever the number of cases:

1. the window's intake cohort grouped by source channel and catalog class: every intake figure,
   the sources table and the top problems (Pareto) from one scan;
2. and 3. the intake of the previous period (环比) and of the same period last year (同比), per source;
4. the filed cohort (closure, handling, rework, voids);
5. overdue now (served by the (status, due_at) index; live on both paths).

Every number carries its definition and a drill-down link to the cases behind it
(``/api/stats/cases?figure=<key>&<the same filters>``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from backend.models import Case
from backend.stats import engine, rollup
from backend.stats.filters import StatsFilter
from backend.stats.labels import KIND_LABELS, SOURCE_LABELS, class_names
from backend.stats.measures import FILED_KEYS, INTAKE_KEYS, MEASURES, RATES, Cohort, change, ratio

DRILLDOWN_PATH = "/api/stats/cases"
TOP_N = 10


def drilldown_url(f: StatsFilter, key: str, period: str = "current", **narrow: Any) -> str:
    params: dict[str, Any] = {"figure": key, **f.query_params()}
    if period != "current":
        params["period"] = period
    for name, value in narrow.items():
        if value is not None:
            params[name] = value
    return f"{DRILLDOWN_PATH}?{urlencode(params, doseq=True)}"


def figure(key: str, value: int, f: StatsFilter, **narrow: Any) -> dict[str, Any]:
    m = MEASURES[key]
    return {"key": key, "label_zh": m.label_zh, "label_en": m.label_en, "value": value,
            "definition_zh": m.definition_zh, "definition_en": m.definition_en,
            "drilldown": drilldown_url(f, key, **narrow)}


def rate_figure(key: str, counts: dict[str, int], f: StatsFilter, **narrow: Any) -> dict[str, Any]:
    r = RATES[key]
    value, note = ratio(counts.get(r.numerator, 0), counts.get(r.denominator, 0))
    return {"key": key, "label_zh": r.label_zh, "label_en": r.label_en, "value": value, "note": note,
            "numerator": r.numerator, "denominator": r.denominator,
            "numerator_value": counts.get(r.numerator, 0), "denominator_value": counts.get(r.denominator, 0),
            "formula": f"{MEASURES[r.numerator].label_zh} / {MEASURES[r.denominator].label_zh} × 100%",
            "drilldown_numerator": drilldown_url(f, r.numerator, **narrow),
            "drilldown_denominator": drilldown_url(f, r.denominator, **narrow)}


def _change(key: str, zh: str, en: str, current: int, previous: int, f: StatsFilter, period: str) -> dict:
    value, note = change(current, previous)
    window = f.window.previous() if period == "previous" else f.window.last_year()
    return {"key": key, "label_zh": zh, "label_en": en, "current": current, "previous": previous,
            "value": value, "note": note, "compared_window": window.as_dict(),
            "drilldown_previous": drilldown_url(f, "received", period)}


def _live_counts(db_session: Session, f: StatsFilter, now: datetime) -> dict[str, Any]:
    # One scan of the window's intake, grouped finely enough to give the totals, the sources
    # and the catalog classes (top problems) at once.
    fine = engine.count_measures(db_session, f, Cohort.INTAKE, INTAKE_KEYS, now,
                                 group_by=[Case.source, Case.kind, Case.minor_code])
    by_source: dict[str, int] = {}
    by_class: dict[tuple[str, str], int] = {}
    for g in fine:
        by_source[g.key[0]] = by_source.get(g.key[0], 0) + g.counts["received"]
        by_class[g.key[1:]] = by_class.get(g.key[1:], 0) + g.counts["received"]
    compare = {name: {g.key[0]: g.counts["received"] for g in engine.count_measures(
        db_session, f, Cohort.INTAKE, ["received"], now, group_by=[Case.source], window=window)}
        for name, window in (("previous", f.window.previous()), ("last_year", f.window.last_year()))}
    return {"intake": engine.totals(fine, INTAKE_KEYS),
            "filed": engine.totals(engine.count_measures(db_session, f, Cohort.FILED, FILED_KEYS, now), FILED_KEYS),
            "by_source": by_source, "by_class": by_class, **compare}


def compute_kpis(*, db_session: Session, f: StatsFilter, now: datetime, use_rollup: bool = True) -> dict[str, Any]:
    """Every dashboard figure for ``f``.

    Unfiltered, from the daily rollup (refreshed first, see :mod:`backend.stats.rollup`): a
    year reads a few thousand small rows. With filters, live: five index range scans.
    "Overdue now" is always live.
    """
    if use_rollup and rollup.applicable(f):
        rollup.refresh_now(db_session, f.window.timezone)
        base = rollup.read(db_session, f)
        source = "rollup"
    else:
        base = _live_counts(db_session, f, now)
        source = "live"
    overdue = engine.totals(engine.count_measures(db_session, f, Cohort.SNAPSHOT, ["overdue_now"], now),
                            ["overdue_now"])
    counts = {**base["intake"], **base["filed"], **overdue}
    figures = {k: figure(k, counts[k], f) for k in MEASURES}
    rates = {k: rate_figure(k, counts, f) for k in RATES}
    previous, last_year = sum(base["previous"].values()), sum(base["last_year"].values())
    changes = {
        "received_mom": _change("received_mom", "受理数环比", "Received, month on month", counts["received"],
                                previous, f, "previous"),
        "received_yoy": _change("received_yoy", "受理数同比", "Received, year on year", counts["received"],
                                last_year, f, "last_year"),
    }
    problems = _problem_rows(db_session, f, base["by_class"])
    return {
        "window": f.window.as_dict(), "filters": f.as_dict(), "generated_at": now.isoformat(), "computed_from": source,
        "figures": figures, "rates": rates, "changes": changes,
        "by_source": _source_rows(base["by_source"], base["previous"], base["last_year"], counts["received"], f),
        "top_problems": {kind: [p for p in problems if p["kind"] == kind][:TOP_N] for kind in ("event", "component")},
        "pareto": problems,
    }


def _source_rows(current: dict[str, int], previous: dict[str, int], last_year: dict[str, int], total: int,
                 f: StatsFilter) -> list[dict[str, Any]]:
    rows = []
    for source in sorted(set(current) | set(previous) | set(last_year), key=lambda s: (-current.get(s, 0), s)):
        cur, prev, last = current.get(source, 0), previous.get(source, 0), last_year.get(source, 0)
        if not (cur or prev or last):
            continue
        mom, mom_note = change(cur, prev)
        yoy, yoy_note = change(cur, last)
        share, share_note = ratio(cur, total)
        zh, en = SOURCE_LABELS.get(source, (source, source))
        rows.append({"source": source, "label_zh": zh, "label_en": en, "received": cur, "previous": prev,
                     "last_year": last, "mom": mom, "yoy": yoy, "share": share,
                     "note": "; ".join(n for n in (mom_note, yoy_note, share_note) if n) or None,
                     "drilldown": drilldown_url(f.narrowed(sources=(source,)), "received")})
    return rows


def top_problems(*, db_session: Session, f: StatsFilter, now: datetime) -> list[dict[str, Any]]:
    """Received cases per catalog class, most frequent first, with the cumulative share (Pareto)."""
    groups = engine.count_measures(db_session, f, Cohort.INTAKE, ["received"], now,
                                   group_by=[Case.kind, Case.minor_code])
    return _problem_rows(db_session, f, {g.key: g.counts["received"] for g in groups})


def _problem_rows(db_session: Session, f: StatsFilter, counts: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    ordered = sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0]))
    names = class_names(db_session, [k for k, _ in ordered])
    total = sum(n for _, n in ordered)
    rows, running = [], 0
    ranks = {"event": 0, "component": 0}
    for (kind, minor), count in ordered:
        running += count
        ranks[kind] = ranks.get(kind, 0) + 1
        zh, en, major_zh = names.get((kind, minor), (minor, minor, ""))
        rows.append({"rank": ranks[kind], "kind": kind, "kind_zh": KIND_LABELS.get(kind, (kind,))[0],
                     "minor_code": minor, "name_zh": zh, "name_en": en, "major_name_zh": major_zh,
                     "count": count, "share": 100.0 * count / total, "cumulative_share": 100.0 * running / total,
                     "drilldown": drilldown_url(f.narrowed(kind=kind, minor=minor), "received")})
    return rows
