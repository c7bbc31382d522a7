"""`dutyloop pack ...` commands. The lead adds `install` on top of these."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .check import check_pack
from .evaluate import applicable_items
from .loader import load_pack, parse_json, read_pack_files
from .problems import PackError
from .punctuation import half_width_problems

pack_cli = click.Group("pack", help="Rule packs (清单包): check, preview, install, publish.")


@pack_cli.command("check")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print problems (and warnings) as a JSON array.")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of the printed messages.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (half-width punctuation in Chinese text).")
def check_command(directory, as_json, lang, strict):
    """Check the pack in DIRECTORY (the folder holding rules/ and forms/).

    Also lints the pack's Chinese text for half-width punctuation (warnings).
    Exit status 0 only when the pack has no problems (and, with --strict, no warnings).
    """
    problems = check_pack(directory)
    files, _unreadable = read_pack_files(Path(directory))
    warnings = half_width_problems(files)
    if as_json:
        rows = [dict(p.to_dict(), severity="error") for p in problems]
        rows += [dict(w.to_dict(), severity="warning") for w in warnings]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            message = {"zh": p.message_zh, "en": p.message_en, "both": p.message}[lang]
            click.echo(f"{p.location()}: {message}")
        for w in warnings:
            message = {"zh": w.message_zh, "en": w.message_en, "both": w.message}[lang]
            click.echo(f"{w.location()}: 提醒 / warning: {message}")
        if warnings:
            click.echo(f"{len(warnings)} 个提醒 / {len(warnings)} warning(s)", err=True)
        if problems:
            click.echo(f"{len(problems)} 个问题 / {len(problems)} problem(s)", err=True)
        else:
            click.echo("清单包检查通过 / pack is clean", err=True)
    raise SystemExit(1 if problems or (strict and warnings) else 0)


@pack_cli.command("items")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--unit", "unit_json", required=True,
              help='Unit profile as JSON, or @file.json, e.g. \'{"name": "示例街道", "type": "街道", ...}\'.')
@click.option("--list", "list_id", default=None, help="Only this duty list.")
def items_command(directory, unit_json, list_id):
    """Print the items of the pack in DIRECTORY that apply to a unit profile.

    A preview for admins writing applies_if rules; nothing is stored.
    """
    if unit_json.startswith("@"):
        with open(unit_json[1:], encoding="utf-8") as handle:
            unit_json = handle.read()
    unit, problems = parse_json(unit_json, "--unit")
    if problems or not isinstance(unit, dict):
        raise click.BadParameter("单位画像须为 JSON 对象 / the unit profile must be a JSON object", param_hint="--unit")
    try:
        pack = load_pack(directory)
    except PackError as exc:
        raise click.ClickException(str(exc)) from exc
    items = [i for i in applicable_items(pack, unit) if list_id in (None, i.list)]
    for item in items:
        category = pack.category(item.category)
        click.echo(f"{item.id}\t{category.name if category else item.category}\t{item.text}")
    click.echo(f"{len(items)} 条 / {len(items)} item(s)", err=True)
