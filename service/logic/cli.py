"""``dutyloop logic ...``: evaluate, explain and check rules from the command line.

Arguments are JSON text or ``@path/to/file.json`` (a bare ``*.json`` path that
exists is read too, e.g. ``--schema forms/inspection.json``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from . import RuleError, check_data_schema, check_rule, compile_rule

logic_cli = click.Group("logic", help="Evaluate, explain and check JsonLogic rules (规则引擎).")


def load_json(text: str, what: str):
    """Parse JSON text or read ``@file``; a click error explains what went wrong."""
    try:
        if text.startswith("@"):
            text = Path(text[1:]).read_text(encoding="utf-8")
        elif text.endswith(".json") and Path(text).is_file():
            text = Path(text).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as exc:
        raise click.BadParameter(f"cannot read {what}: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise click.BadParameter(f"{what} is not valid JSON: {exc}") from None


def _context(today):
    if today is None:
        return None
    try:
        dt.date.fromisoformat(today)
    except ValueError:
        raise click.BadParameter("--today must be YYYY-MM-DD") from None
    return {"today": today}


def _print(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))


@logic_cli.command("eval")
@click.argument("rule")
@click.argument("data", required=False, default="null")
@click.option("--today", help="The date `today` returns (YYYY-MM-DD).")
def eval_command(rule, data, today):
    """Evaluate RULE on DATA and print the result as JSON."""
    context = _context(today)
    try:
        result = compile_rule(load_json(rule, "RULE"))(load_json(data, "DATA"), context)
    except RuleError as exc:
        _print(exc.as_json())
        raise SystemExit(1)
    _print(result)


@logic_cli.command("explain")
@click.argument("rule")
@click.argument("data", required=False, default="null")
@click.option("--today", help="The date `today` returns (YYYY-MM-DD).")
def explain_command(rule, data, today):
    """Evaluate RULE on DATA and print the result with a trace of every operator."""
    context = _context(today)
    try:
        out = compile_rule(load_json(rule, "RULE")).explain(load_json(data, "DATA"), context)
    except RuleError as exc:
        _print(exc.as_json())
        raise SystemExit(1)
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    if "error" in out:
        raise SystemExit(1)


@logic_cli.command("check")
@click.argument("rule")
@click.option("--schema", "schema", required=True, help="JSON Schema of the data (JSON or @file).")
@click.option("--records", is_flag=True,
              help="SCHEMA is a record form: check RULE as a check rule over {records, period, target, unit}.")
def check_command(rule, schema, records):
    """Check RULE against the JSON Schema of its data; print problems, exit 1 if any."""
    schema = load_json(schema, "--schema")
    if records:
        schema = check_data_schema(schema)
    problems = check_rule(load_json(rule, "RULE"), schema)
    for p in problems:
        click.echo(f"{p.pointer or '/'}: [{p.code}] {p.message}" + (f" / {p.message_zh}" if p.message_zh else ""))
    if problems:
        raise SystemExit(1)
    click.echo("no problems")
