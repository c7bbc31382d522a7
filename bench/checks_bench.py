"""Benchmark: a year-end check run over N units on SQLite, and the same with json-logic-qubit.

Usage: python bench/checks_bench.py [--units N] [--profile] [--keep]

1. A child process generates the data into a fresh SQLite file (not timed): the default pack
   installed and published; N units (default 2,000) of one profile, each with a published 2022
   plan of 60 items (the first 60 the pack gives such a unit); 200 records per unit over 2022,
   copies of the pack's own test records that meet their items (as ``dutyloop demo`` makes
   them), a few items skipped per unit so some fail, each linked to every item of its form.
2. This process opens the file and runs a year-end check of 2022 over every unit exactly as
   ``dutyloop check run --period 2022 --kind year-end`` does (``supervise.runs``: the stored run,
   its job, ``perform.status.statuses`` chunk by chunk, results written): wall time, and peak
   memory as the process's peak resident set size (it has done nothing else).
3. In the same process on the same data, the same run with json-logic-qubit as the rule engine:
   the status engine's compiled rules are swapped for ``json_logic.jsonLogic`` on the same rules
   (our domain aggregates written in standard JsonLogic: ``count_if`` as ``reduce`` over
   ``filter``; ``count_distinct`` as a qubit custom operation over ``map``). Its results must be
   identical to ours; the ratio is its wall time over ours.

Both runs also report CPU time (the machine may be shared) and the time spent inside rule calls (each
compiled rule is wrapped in a timer; one call per item), which is the engines' own comparison; the rest
of a run (database reads, the engine's per-item work, writing results) is the same for both.
The last line reads ``checks: N units, T s, peak M MB, xR faster than json-logic-qubit``.
Both runs do the same work: our run's drafted findings are deleted before the baseline's run,
which drafts them again (a run drafts only what no earlier run of the period drafted).
``--profile`` prints the top functions of our run (cProfile). ``--keep`` keeps the data file
(``/tmp/dutyloop-checks-bench-N.sqlite3``) and reuses it next time; ``--no-baseline`` runs
ours only (while optimising).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.simplefilter("ignore")

ITEMS = 60
RECORDS = 200
YEAR = 2022
PROFILE = {"type": "区直单位", "tags": ["项目建设", "征地拆迁"], "risk_areas": ["工程建设"],
           "subordinate_units": 1, "law_enforcement": True}


def _app(path: Path, instance: Path):
    os.environ["DUTYLOOP_INSTANCE"] = str(instance)
    from service import create_app
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": False})


# --------------------------------------------------------------------------- data (child process)

def generate(path: Path, units: int, seed: int = 11) -> None:
    """Fill a fresh database at ``path`` (see the module docstring)."""
    from service import audit
    from service.auth.models import User
    from service.db import database, utcnow
    from service.define import plans
    from service.define.models import Plan, PlanItem
    from service.packs import read_pack_files
    from service.packs.store import publish, store_files
    from service.perform.demo import _templates, _vary
    from service.perform.models import Record, RecordItem
    from service.units.models import Unit

    from service.db import open_database
    from service.migrations import upgrade
    fresh = open_database(f"sqlite:///{path}")
    upgrade(fresh)
    fresh.close()
    app = _app(path, path.parent / "instance")
    rnd = random.Random(seed)
    with app.app_context(), audit.acting_as(None, "bench"):
        database.connect(reuse_if_open=True)
        files, problems = read_pack_files(ROOT)
        assert not problems, problems
        version, _ = store_files(files, source="install")
        publish(version)
        pack = version.pack()
        clerk = User.create(username="bench", display_name="bench", role="admin", password_hash="x")
        template_unit = Unit.create(code="T0000", name="模板单位", **PROFILE)
        template, _ = plans.generate_plan(template_unit, YEAR, version)
        items = [i for i in template.ordered_items() if i.enabled][:ITEMS]
        templates = _templates(pack)
        now = utcnow()

        def bulk(model, fields, rows):
            per = max(1, 900 // len(fields))
            for start in range(0, len(rows), per):
                model.insert_many(rows[start:start + per], fields=list(fields)).execute()

        item_fields = [f for f in PlanItem._meta.sorted_fields if f.name not in ("id", "plan")]
        with database.atomic():
            bulk(Unit, (Unit.code, Unit.name, Unit.type, Unit.tags, Unit.risk_areas, Unit.subordinate_units,
                        Unit.law_enforcement),
                 [(f"B{n:05d}", f"单位{n}", PROFILE["type"], PROFILE["tags"], PROFILE["risk_areas"],
                   PROFILE["subordinate_units"], PROFILE["law_enforcement"]) for n in range(units)])
            unit_ids = [u.id for u in Unit.select(Unit.id).where(Unit.code.startswith("B")).order_by(Unit.id)]
            bulk(Plan, (Plan.unit, Plan.year, Plan.pack_version, Plan.status, Plan.created_at, Plan.updated_at,
                        Plan.published_at), [(u, YEAR, version.id, "published", now, now, now) for u in unit_ids])
            plan_of = {p.unit_id: p.id for p in Plan.select(Plan.id, Plan.unit).where(Plan.unit.in_(unit_ids))}
            bulk(PlanItem, [PlanItem.plan] + item_fields,
                 [[plan_of[u]] + [getattr(i, f.name) for f in item_fields] for u in unit_ids for i in items])
        with_form = [i for i in items if i.form and i.item_id in templates]
        rows, links = [], []
        record_id = (Record.select(Record.id).order_by(Record.id.desc()).scalar() or 0)
        for u in unit_ids:
            plan_items = {p.item_id: p for p in PlanItem.select(PlanItem.id, PlanItem.item_id, PlanItem.form)
                          .where(PlanItem.plan == plan_of[u])}
            by_form: dict[str, list[int]] = {}
            for p in plan_items.values():
                if p.form:
                    by_form.setdefault(p.form, []).append(p.id)
            skipped = set(rnd.sample([i.item_id for i in with_form], k=min(6, len(with_form))))
            chosen = [i for i in with_form if i.item_id not in skipped]
            for n in range(RECORDS):
                item = chosen[n % len(chosen)]
                template_data, _coverage = templates[item.item_id]
                data = _vary(template_data, n, pack.forms[item.form].schema)
                day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randrange(365))
                data["date"] = day.isoformat()
                record_id += 1
                rows.append((u, version.id, item.form, plan_items[item.item_id].id, day, data, clerk.id, now, now))
                links += [(record_id, p) for p in by_form.get(item.form, [])]
            if len(rows) >= 20000 or u == unit_ids[-1]:
                with database.atomic():
                    bulk(Record, (Record.unit, Record.pack_version, Record.form_id, Record.plan_item,
                                  Record.record_date, Record.data, Record.created_by, Record.created_at,
                                  Record.updated_at), rows)
                    bulk(RecordItem, (RecordItem.record, RecordItem.plan_item), links)
                rows, links = [], []
        assert Record.select().count() == record_id == units * RECORDS, "record ids are not sequential"
        Unit.update(active=False).where(Unit.id == template_unit.id).execute()
        Plan.update(status="draft").where(Plan.unit == template_unit.id).execute()
        database.execute_sql("ANALYZE")
        database.close()


# --------------------------------------------------------------------------- json-logic-qubit as the engine

def _standard(rule):
    """Our check rule in standard JsonLogic (plus the custom ``count_distinct_of``) for qubit."""
    if isinstance(rule, list):
        return [_standard(r) for r in rule]
    if not isinstance(rule, dict) or len(rule) != 1:
        return rule
    (op, args), = rule.items()
    args = _standard(args)
    if op == "count_if":
        args = args if isinstance(args, list) else [args]
        array = args[0] if len(args) == 1 else {"filter": [args[0], args[1]]}
        return {"reduce": [array, {"+": [{"var": "accumulator"}, 1]}, 0]}
    if op == "count_distinct":
        array = args[0] if len(args) == 2 else {"filter": [args[0], args[2]]}
        return {"count_distinct_of": [{"map": [array, args[1]]}]}
    return {op: args}


def _count_distinct_of(values):
    return len({json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values or [] if v is not None})


def qubit_rules_class():
    """A drop-in for ``perform.status.Rules`` that evaluates every rule with json-logic-qubit."""
    import json_logic
    from service.logic.values import truthy
    from service.perform import status
    json_logic.add_operation("count_distinct_of", _count_distinct_of)

    class QubitInterpreted:
        """A rule for qubit: called like our compiled rules, and ``matching`` as count_if counts."""

        def __init__(self, expression):
            self.standard = _standard(expression)

        def __call__(self, data, context=None):
            return json_logic.jsonLogic(self.standard, data)

        def matching(self, items, context=None, cost=1):
            return [i for i, item in enumerate(items) if truthy(json_logic.jsonLogic(self.standard, item))]

    class QubitRules(status.Rules):
        def parts(self, rule):
            found = self._parts.get(id(rule))
            if found is None or found.source is not rule or not isinstance(found.rule, QubitInterpreted):
                ours = super().parts(rule)  # the engine's own flags (per-record counting, plain count rules)
                count = status._count_expression(rule)
                violation = status._violation_expression(rule) if count is None else None
                found = self._parts[id(rule)] = ours._replace(
                    rule=QubitInterpreted(rule), count=QubitInterpreted(count) if count is not None else None,
                    violation=QubitInterpreted(violation) if violation is not None else None,
                    condition=QubitInterpreted(ours.condition_rule) if ours.condition is not None else None)
            return found
    return QubitRules


# --------------------------------------------------------------------------- the rule engine's share

class _Timed:
    """A compiled rule (ours or qubit's) that adds the time spent in it to ``clock[0]``. One call per
    item (``matching`` covers all of an item's records), so the clock's own cost is negligible."""

    def __init__(self, inner, clock):
        self.inner, self.clock = inner, clock

    def __call__(self, data, context=None):
        started = time.perf_counter()
        try:
            return self.inner(data, context)
        finally:
            self.clock[0] += time.perf_counter() - started

    def matching(self, items, context=None, cost=1):
        started = time.perf_counter()
        try:
            return self.inner.matching(items, context, cost)
        finally:
            self.clock[0] += time.perf_counter() - started


def timed_rules_class(base, clock):
    """``base`` (``status.Rules`` or the qubit drop-in) with every rule call timed into ``clock``."""
    class TimedRules(base):
        def parts(self, rule):
            found = super().parts(rule)
            if isinstance(found.rule, _Timed):
                return found
            wrap = (lambda f: _Timed(f, clock) if f is not None else None)
            timed = found._replace(rule=wrap(found.rule), count=wrap(found.count), violation=wrap(found.violation),
                                   condition=wrap(found.condition))
            self._parts[id(rule)] = timed
            return timed
    return TimedRules


# --------------------------------------------------------------------------- the runs

def check_run(unit_ids):
    from service import audit
    from service.supervise import runs
    with audit.acting_as(None, "bench"):
        run = runs.create_run(str(YEAR), "year-end", unit_ids=unit_ids, source="cli", queue=False)
        return runs.run_here(run)


def forget_drafts() -> None:
    """Delete the findings earlier runs drafted (with their timeline lines), so that the next run
    of the period drafts them again (the bench's data file only: findings are never deleted)."""
    from service.accountability.models import Finding, FindingEvent
    from service.db import database
    with database.atomic():
        ids = [f.id for f in Finding.select(Finding.id).where(Finding.source_kind == "check")]
        for start in range(0, len(ids), 500):
            FindingEvent.delete().where(FindingEvent.finding.in_(ids[start:start + 500])).execute()
            Finding.delete().where(Finding.id.in_(ids[start:start + 500])).execute()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print where our run spends its time")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the generated data file")
    parser.add_argument("--no-baseline", action="store_true",
                        help="our run only (while optimising: no qubit run, no ratio)")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        generate(Path(args.generate), args.units)
        return 0

    work = Path(tempfile.mkdtemp(prefix="dutyloop-checks-bench-"))
    path = Path(f"/tmp/dutyloop-checks-bench-{args.units}.sqlite3") if args.keep else work / "bench.sqlite3"
    if not path.exists():
        started = time.monotonic()
        fresh = work / "fresh.sqlite3"
        subprocess.run([sys.executable, __file__, "--generate", str(fresh), "--units", str(args.units)], check=True)
        fresh.replace(path)
        print(f"data: {args.units} units × {ITEMS} items, {RECORDS} records each, generated in "
              f"{time.monotonic() - started:.0f} s ({path.stat().st_size / 1e6:.0f} MB)")

    app = _app(path, work / "instance")
    from service.db import database
    from service.perform import status
    from service.supervise import runs
    from service.units.models import Unit
    with app.app_context():
        database.connect(reuse_if_open=True)
        unit_ids = [u.id for u in Unit.select(Unit.id).where(Unit.active == True)]  # noqa: E712
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.profile:
            import cProfile
            import pstats
            profiler = cProfile.Profile()
            profiler.enable()
        forget_drafts()   # a kept data file holds an earlier bench's drafts…
        from service.supervise.models import CheckResult
        CheckResult.delete().execute()   # …and results (which would slow the runs' writes)
        real_rules = status.Rules
        ours_engine, qubit_engine = [0.0], [0.0]
        status.Rules = timed_rules_class(real_rules, ours_engine)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            ours = check_run(unit_ids)
            ours_seconds, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            status.Rules = real_rules
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(30)
        assert ours.state == "done", ours.job.error
        summary = ours.job.result
        print(f"ours:  {ours_seconds:7.1f} s (CPU {ours_cpu:.1f} s)  {summary['results']} results  {summary['statuses']}  "
              f"{summary['drafted']} findings drafted  peak RSS {peak_mb:.0f} MB (before the run {base_rss:.0f} MB)")
        if args.no_baseline:
            print(f"rule engine alone (time inside rule calls): ours {ours_engine[0]:.1f} s")
            return 0
        # The same work for the baseline: a run drafts findings only for items not drafted from
        # an earlier run of the period, so ours's drafts go before qubit's run drafts them again.
        forget_drafts()

        status.Rules = timed_rules_class(qubit_rules_class(), qubit_engine)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            qubit = check_run(unit_ids)
            qubit_seconds, qubit_cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            status.Rules = real_rules
        assert qubit.state == "done", qubit.job.error
        assert qubit.job.result["drafted"] == summary["drafted"], (qubit.job.result, summary)
        print(f"qubit: {qubit_seconds:7.1f} s (CPU {qubit_cpu:.1f} s)  {qubit.job.result['results']} results  "
              f"{qubit.job.result['drafted']} findings drafted")
        mine = [runs.comparable(r) for r in runs.results(ours)]
        theirs = [runs.comparable(r) for r in runs.results(qubit)]
        differing = sum(1 for a, b in zip(mine, theirs) if a != b) + abs(len(mine) - len(theirs))
        print(f"results identical: {differing == 0}" + (f" ({differing} differ)" if differing else ""))
        database.close()
    ratio = qubit_seconds / ours_seconds
    print(f"load average {os.getloadavg()[0]:.1f}; CPU time: ours {ours_cpu:.1f} s, qubit {qubit_cpu:.1f} s, "
          f"x{qubit_cpu / ours_cpu:.1f}")
    print(f"rule engine alone (time inside rule calls): ours {ours_engine[0]:.1f} s, qubit {qubit_engine[0]:.1f} s, "
          f"x{qubit_engine[0] / max(ours_engine[0], 1e-9):.1f}; the rest of the run (database reads, statuses, "
          f"writes) ours {ours_seconds - ours_engine[0]:.1f} s, qubit {qubit_seconds - qubit_engine[0]:.1f} s")
    print(f"checks: {len(unit_ids)} units, {ours_seconds:.1f} s, peak {peak_mb:.0f} MB, "
          f"{ratio:.1f}x faster than json-logic-qubit")
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
