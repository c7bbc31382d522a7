"""Benchmark: dutyloop rule engine vs json-logic-qubit on the same rules, one process.

Usage: python bench/logic_bench.py [--quick]

Per rule: median seconds per evaluation over interleaved timeit repeats, for
qubit (``json_logic.jsonLogic(rule, data)``, re-interpreted every call), ours
with the compiled rule held (``compiled(data)``), and ours through the cache
(``compile_rule(rule)(data)``, which canonicalises the rule to find it).
Record rules use only standard operators so both engines run the same rule;
the domain-operator version of each is timed for ours alone.
"""

from __future__ import annotations

import random
import statistics
import sys
import timeit
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import json_logic  # noqa: E402

from service.logic import compile_rule  # noqa: E402
from service.logic.values import json_equal  # noqa: E402

warnings.simplefilter("ignore")

UNIT = {
    "name": "区住房和城乡建设局",
    "type": "区直单位",
    "tags": ["工程建设", "征地拆迁", "执法"],
    "risk_areas": ["招投标", "资金拨付"],
    "subordinate_units": 6,
    "law_enforcement": True,
}

SMALL_RULES = {
    "in tag": {"in": ["征地拆迁", {"var": "tags"}]},
    "and type+count": {"and": [{"==": [{"var": "type"}, "区直单位"]}, {">": [{"var": "subordinate_units"}, 5]}]},
    "or of three": {"or": [
        {"in": ["国企改革", {"var": "risk_areas"}]},
        {"==": [{"var": "law_enforcement"}, True]},
        {"in": [{"var": "type"}, ["街道", "镇"]]},
    ]},
    "if/else": {"if": [{"var": "law_enforcement"}, {">=": [{"var": "subordinate_units"}, 3]}, False]},
    "type check": {"in": [{"var": "type"}, ["区直单位", "街道", "镇", "国企"]]},
    "not missing": {"!": [{"missing": ["name", "type"]}]},
}

KINDS = ["监督检查", "谈心谈话", "专题会议", "廉政教育"]
UNITS = ["区财政局", "区教育局", "区卫健委", "区城管局"]


def make_records(n: int, seed: int = 7):
    rnd = random.Random(seed)
    return [
        {
            "date": f"2022-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "kind": rnd.choice(KINDS),
            "issues": rnd.randint(0, 4),
            "unit": rnd.choice(UNITS),
        }
        for _ in range(n)
    ]


IN_Q2 = {"<=": ["2022-04-01", {"var": "date"}, "2022-06-30"]}
IN_Q2_DOMAIN = {"in_period": [{"var": "date"}, "2022Q2"]}
INSPECTION = {"==": [{"var": "kind"}, "监督检查"]}


def record_rules(period_test):
    return {
        "count inspections in Q2 >= target": {">=": [
            {"reduce": [{"filter": [{"var": "records"}, {"and": [period_test, INSPECTION]}]},
                        {"+": [{"var": "accumulator"}, 1]}, 0]},
            {"var": "target"},
        ]},
        "filter Q2 with issues in 2 units": {"filter": [{"var": "records"}, {"and": [
            period_test, {">": [{"var": "issues"}, 0]}, {"in": [{"var": "unit"}, ["区财政局", "区教育局"]]},
        ]}]},
        "sum issues in Q2": {"reduce": [
            {"filter": [{"var": "records"}, period_test]},
            {"+": [{"var": "accumulator"}, {"var": "current.issues"}]}, 0,
        ]},
        "some inspection in Q2": {"some": [{"var": "records"}, {"and": [period_test, INSPECTION]}]},
    }


DOMAIN_RULES = {
    "count inspections in Q2 >= target": {">=": [
        {"count_if": [{"var": "records"}, {"and": [IN_Q2_DOMAIN, INSPECTION]}]}, {"var": "target"}]},
    "filter Q2 with issues in 2 units": {"filter": [{"var": "records"}, {"and": [
        IN_Q2_DOMAIN, {">": [{"var": "issues"}, 0]}, {"in": [{"var": "unit"}, ["区财政局", "区教育局"]]},
    ]}]},
    "sum issues in Q2": {"sum_of": [{"var": "records"}, {"var": "issues"}, IN_Q2_DOMAIN]},
    "some inspection in Q2": {"some": [{"var": "records"}, {"and": [IN_Q2_DOMAIN, INSPECTION]}]},
}


def paired_times(fns, repeat: int, budget: float):
    """Per-call seconds of each fn, measured in interleaved timeit runs.

    Returns, per fn, the median over ``repeat`` runs of about ``budget``
    seconds, plus per-run ratios first/other; interleaving keeps the ratios
    fair when machine load changes during the run.
    """
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = [max(1, int(t.autorange()[0] * budget / 0.2)) for t in timers]
    runs = [[] for _ in fns]
    for _ in range(repeat):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            runs[i].append(timer.timeit(number) / number)
    medians = [statistics.median(r) for r in runs]
    ratios = [statistics.median(a / b for a, b in zip(runs[0], r)) for r in runs[1:]]
    return medians, ratios


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs"


def bench(title, rules, data, repeat, budget, domain=None):
    print(f"\n## {title}")
    print(f"{'rule':40s} {'qubit':>12s} {'ours':>12s} {'ratio':>7s} {'ours+cache':>12s}" + (f" {'ours domain-op':>15s}" if domain else ""))
    ratios = []
    for name, rule in rules.items():
        compiled = compile_rule(rule)
        expected = json_logic.jsonLogic(rule, data)
        assert json_equal(compiled(data), expected), (name, compiled(data), expected)
        fns = [lambda: json_logic.jsonLogic(rule, data), lambda: compiled(data), lambda: compile_rule(rule)(data)]
        if domain:
            drule = compile_rule(domain[name])
            assert json_equal(drule(data), expected), (name, drule(data), expected)
            fns.append(lambda: drule(data))
        (q, o, c, *d), (ratio, *_) = paired_times(fns, repeat, budget)
        ratios.append(ratio)
        line = f"{name:40s} {fmt(q)} {fmt(o)} {ratio:6.1f}x {fmt(c)}"
        if domain:
            line += f" {fmt(d[0]):>15s}"
        print(line)
    print(f"{'geometric mean ratio':40s} {'':12s} {'':12s} {statistics.geometric_mean(ratios):6.1f}x")
    return ratios


def main(argv):
    quick = "--quick" in argv
    repeat, budget = (3, 0.05) if quick else (9, 0.1)
    print("dutyloop logic bench: median time per evaluation (interleaved timeit repeats);")
    print("ratio = median over repeats of qubit time / ours (compiled rule held)")
    small = bench("Applicability rules over a unit profile", SMALL_RULES, UNIT, repeat, budget)
    results = {"small": small}
    for n in (50, 500):
        data = {"records": make_records(n), "target": 3,
                "period": {"id": "2022Q2", "start": "2022-04-01", "end": "2022-06-30"}}
        results[n] = bench(f"Record rules over {n} records (standard operators; domain-op column is ours)",
                           record_rules(IN_Q2), data, repeat, budget, DOMAIN_RULES)
    print("\nminimum ratios: small rules {:.1f}x, record rules {:.1f}x".format(
        min(results["small"]), min(results[50] + results[500])))


if __name__ == "__main__":
    main(sys.argv[1:])
