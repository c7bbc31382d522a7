"""Benchmark the status engine over a district: N units × their plan items × a year of records.

Run: python bench/status_bench.py [--units 2000] [--repeat 3] [--database-url URL]
Builds a fresh database (SQLite in a temporary folder unless a URL is given):
the default pack, N units of the same profile, each with a published 2022
plan (a copy of one generated plan, about 60–80 items) and a year of records
(the demo's templates: every item's target met in every period, about 150
records a unit), inserted in bulk. Then times the district overview
(``overview.district_overview``: the engine for every unit, folded into units ×
categories) for 2022Q2 and 2022, and ``status.statuses`` alone over 2022 (the
督责 year-end check run), all as of 2022-12-31, each ``--repeat`` times; prints
the median and every run's seconds, the time per unit and per item, the
queries' share, and peak memory (Python allocations of one more run under
tracemalloc, and the process's peak RSS).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(units: int, url: str) -> list[int]:
    """The database with ``units`` units, their plans and records; returns the unit ids."""
    from service import audit
    from service.auth.models import User
    from service.define import plans
    from service.define.models import Plan, PlanItem
    from service.packs import read_pack_files
    from service.packs.store import publish, store_files
    from service.perform.demo import _bulk, _templates, plan_records
    from service.perform.models import Record, RecordItem
    from service.units.models import Unit
    from service.db import utcnow

    files, _problems = read_pack_files(ROOT)
    with audit.acting_as(None, "bench"):
        version, _ = store_files(files, source="install")
        publish(version)
        model = audit.create(Unit, code="B00000", name="基准单位", type="区直单位", tags=["项目建设"],
                             risk_areas=[], subordinate_units=3, law_enforcement=True)
        clerk = audit.create(User, username="bench", display_name="bench", role="unit", unit=model,
                             password_hash="x")
        plan, _ = plans.generate_plan(model, 2022, version)
        plans.publish_plan(plan)
    items = plan.ordered_items()
    rows = plan_records(model, plan, version.pack(), dt.date(2022, 12, 31), _templates(version.pack()), 2021)
    position = {item.id: index for index, item in enumerate(items)}
    by_form: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_form.setdefault(item.form, []).append(index)
    now = utcnow()
    _bulk(Unit, (Unit.code, Unit.name, Unit.type, Unit.tags, Unit.risk_areas, Unit.subordinate_units,
                 Unit.law_enforcement, Unit.leader_name, Unit.leader_title, Unit.active, Unit.created_at,
                 Unit.updated_at),
          [(f"B{n:05d}", f"基准单位{n}", "区直单位", ["项目建设"], [], 3, True, "", "", True, now, now)
           for n in range(1, units)])
    ids = [u.id for u in Unit.select(Unit.id).order_by(Unit.id)]
    _bulk(Plan, (Plan.unit, Plan.year, Plan.pack_version, Plan.status, Plan.revision, Plan.created_at,
                 Plan.updated_at, Plan.published_at),
          [(uid, 2022, version.id, "published", 1, now, now, now) for uid in ids if uid != model.id])
    plan_of = {p.unit_id: p.id for p in Plan.select(Plan.id, Plan.unit)}
    fields = (PlanItem.plan, PlanItem.item_id, PlanItem.list_id, PlanItem.category_id, PlanItem.text,
              PlanItem.frequency, PlanItem.min_count, PlanItem.due, PlanItem.form, PlanItem.weight,
              PlanItem.supervisor, PlanItem.custom, PlanItem.enabled, PlanItem.disabled_reason, PlanItem.position)
    _bulk(PlanItem, fields, [(plan_of[uid], i.item_id, i.list_id, i.category_id, i.text, i.frequency, i.min_count,
                              i.due, i.form, i.weight, i.supervisor, False, True, "", i.position)
                             for uid in ids if uid != model.id for i in items])
    item_ids: dict[int, list[int]] = {}
    for pid, iid in PlanItem.select(PlanItem.plan, PlanItem.id).order_by(PlanItem.plan, PlanItem.position,
                                                                         PlanItem.id).tuples():
        item_ids.setdefault(pid, []).append(iid)
    for start in range(0, len(ids), 50):
        chunk = ids[start:start + 50]
        before = Record.select(Record.id).order_by(Record.id.desc()).scalar() or 0
        _bulk(Record, (Record.unit, Record.pack_version, Record.form_id, Record.plan_item, Record.record_date,
                       Record.data, Record.created_by, Record.created_at, Record.updated_at),
              [(uid, version.id, item.form, item_ids[plan_of[uid]][position[item.id]],
                dt.date.fromisoformat(data["date"]), data, clerk.id, now, now)
               for uid in chunk for item, data in rows])
        links = []
        for record_id, uid, form_id in (Record.select(Record.id, Record.unit, Record.form_id)
                                        .where(Record.id > before).tuples()):
            links += [(record_id, item_ids[plan_of[uid]][p]) for p in by_form.get(form_id, [])]
        _bulk(RecordItem, (RecordItem.record, RecordItem.plan_item), links)
    return ids


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each computation (median shown)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    from service import create_app
    from service.db import database
    from service.migrations import upgrade
    folder = tempfile.mkdtemp(prefix="status-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "UPLOAD_FOLDER": folder})
    with app.app_context():
        upgrade(database.obj)
        started = time.perf_counter()
        ids = build(args.units, url)
        from service.perform import overview, status
        from service.perform.models import Record
        from service.define.models import PlanItem
        from service.units.models import Unit
        print(f"built {len(ids)} units, {PlanItem.select().count()} plan items, {Record.select().count()} records "
              f"in {time.perf_counter() - started:.0f} s; peak RSS so far {_peak_rss_mb():.0f} MB")
        queries = {"n": 0, "s": 0.0}
        original = database.obj.execute_sql

        def timed(sql, *a, **k):
            t = time.perf_counter()
            try:
                return original(sql, *a, **k)
            finally:
                queries["n"] += 1
                queries["s"] += time.perf_counter() - t
        database.obj.execute_sql = timed

        def grid(period):
            units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
            return overview.district_overview(units, period, dt.date(2022, 12, 31))

        def batch(period):
            return status.statuses(ids, period, dt.date(2022, 12, 31))

        # The overview (what an inspector opens: the engine for every unit, folded into cells),
        # then the engine alone over the year (the 督责 year-end check run).
        for label, run, period in (("overview", grid, "2022Q2"), ("overview", grid, "2022"),
                                   ("statuses", batch, "2022")):
            times, cpu = [], []
            for _ in range(max(1, args.repeat)):
                queries.update(n=0, s=0.0)
                t, c = time.perf_counter(), time.process_time()
                result = run(period)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            took = statistics.median(times)
            counted = dict(queries)
            if label == "overview":
                items = sum(r.total for r in result.rows)
                done = sum(r.done for r in result.rows)
            else:
                items = sum(len(v) for v in result.values())
                done = sum(1 for v in result.values() for s in v if s.status == "done")
            del result
            tracemalloc.start()
            run(period)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"{label} {period}: {len(ids)} units, {items} items ({done} done): median {took:.2f} s "
                  f"of {len(times)} ({', '.join(f'{t:.2f}' for t in times)}), {took / len(ids) * 1000:.2f} ms per unit, "
                  f"{took / max(1, items) * 1e6:.0f} µs per item; CPU median {statistics.median(cpu):.2f} s; "
                  f"{counted['n']} queries, {counted['s']:.2f} s executing them; peak Python memory {peak:.0f} MB (tracemalloc), peak RSS {_peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
