"""``dutyloop units``: import the unit registry from a file, as the import page does."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli import needs_schema

units_cli = click.Group("units", help="The unit registry (单位).")

_ACTIONS = {"create": "新增", "update": "更新", "unchanged": "无变化"}


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
@with_appcontext
@needs_schema
def import_units(file: Path, dry_run: bool):
    """Create or update units from a CSV or XLSX FILE (all rows or none)."""
    from .. import audit
    from .importer import ImportFileError, analyse, apply
    from .profile import LABELS
    try:
        result = analyse(file.read_bytes(), file.name)
    except ImportFileError as exc:
        raise click.ClickException(exc.message.render()) from None
    if not result.ok:
        for problem in result.problems:
            click.echo(problem.render(), err=True)
        raise click.ClickException(f"{len(result.problems)} 处问题，没有导入任何数据")
    for row in result.rows:
        changed = "、".join(LABELS[key] for key in row.changes)
        click.echo(f"第 {row.line} 行\t{_ACTIONS[row.action]}\t{row.code}\t{row.values.get('name', '')}"
                   + (f"\t({changed})" if changed else ""))
    counts = result.counts()
    summary = f"新增 {counts['create']}，更新 {counts['update']}，无变化 {counts['unchanged']}"
    if dry_run:
        click.echo(f"预演（--dry-run）：{summary}；没有写入任何数据")
        return
    with audit.acting_as(None, "cli"):
        apply(result)
    click.echo(f"已导入：{summary}")
