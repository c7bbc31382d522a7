"""Benchmark the form renderer on the 200-field corpus form with nested arrays.

Run: python bench/forms_bench.py [--repeats N]
Prints median and p90 (ms) of render, parse and validate, and parse+validate;
targets on the 2-core dev machine: render < 20 ms, parse+validate < 10 ms.
Caches are warm (compiled validators and Jinja templates are reused across
calls, keyed by the schema's hash), as in the running app.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.forms import parse_submission, render_form, validate  # noqa: E402
from tests.forms.browser import submit  # noqa: E402

CORPUS = ROOT / "tests" / "forms" / "corpus"


def measure(fn, repeats: int) -> list[float]:
    """Wall times in ms of ``repeats`` calls."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p90(values: list[float]) -> float:
    """90th percentile."""
    return statistics.quantiles(values, n=10)[-1]


def main() -> int:
    """Run the benchmark and print a table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    schema = json.loads((CORPUS / "big_form_200.json").read_text())
    data = json.loads((CORPUS / "big_form_200.cases.json").read_text())["valid"][0]
    html = render_form(schema, data)
    fields = submit(html)
    assert parse_submission(schema, fields) == data and validate(schema, data) == []
    controls = len({n for n, _ in fields if "__" not in n})
    print(f"form: big_form_200 ({controls} fields, {len(fields)} submitted controls, {len(html)} bytes of HTML)")
    results = {
        "render": measure(lambda: render_form(schema, data), args.repeats),
        "parse": measure(lambda: parse_submission(schema, fields), args.repeats),
        "validate": measure(lambda: validate(schema, data), args.repeats),
        "parse+validate": measure(lambda: validate(schema, parse_submission(schema, fields)), args.repeats),
    }
    targets = {"render": 20.0, "parse+validate": 10.0}
    ok = True
    print(f"{'step':<16}{'median ms':>10}{'p90 ms':>10}{'target':>10}")
    for step, times in results.items():
        med = statistics.median(times)
        target = targets.get(step)
        ok = ok and (target is None or med < target)
        print(f"{step:<16}{med:>10.2f}{p90(times):>10.2f}{('< %g' % target) if target else '':>10}")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
