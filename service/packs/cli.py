"""`dutyloop pack ...` commands. The lead adds `install` on top of these."""
from __future__ import annotations

import json

import click

from .check import check_pack

pack_cli = click.Group("pack", help="Rule packs (清单包): check, and later install.")


@pack_cli.command("check")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print problems as a JSON array.")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of the printed messages.")
def check_command(directory, as_json, lang):
    """Check the pack in DIRECTORY (the folder holding rules/ and forms/).

    Exit status 0 only when the pack has no problems.
    """
    problems = check_pack(directory)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for p in problems:
            message = {"zh": p.message_zh, "en": p.message_en, "both": p.message}[lang]
            click.echo(f"{p.location()}: {message}")
        if problems:
            click.echo(f"{len(problems)} 个问题 / {len(problems)} problem(s)", err=True)
        else:
            click.echo("清单包检查通过 / pack is clean", err=True)
    raise SystemExit(1 if problems else 0)
