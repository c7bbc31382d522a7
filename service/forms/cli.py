"""``dutyloop form …``: render and validate forms from the command line."""
from __future__ import annotations

import json
import sys

import click

from . import SchemaError, load_schema, render_form, validate

form_cli = click.Group("form", help="Render and validate JSON Schema forms.")


def _load_json(path: str, what: str):
    try:
        with open(path, "rb") as fh:
            return fh.read() if what == "schema" else json.load(fh)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {what} {path}: {exc}") from None


def _schema(path: str) -> dict:
    try:
        return load_schema(_load_json(path, "schema"))
    except SchemaError as exc:
        raise click.ClickException(f"{path}: {exc}") from None


@form_cli.command("render")
@click.argument("form_path", metavar="FORM.json")
@click.option("--data", "data_path", metavar="DATA.json", help="answers to fill in")
@click.option("--locale", default="zh-CN", show_default=True)
def render_cmd(form_path: str, data_path: str | None, locale: str) -> None:
    """Print the form's HTML (fields body; wrap it in your own <form>)."""
    schema = _schema(form_path)
    data = _load_json(data_path, "data") if data_path else None
    errors = validate(schema, data, locale=locale) if data is not None else None
    click.echo(render_form(schema, data, errors, locale=locale))


@form_cli.command("validate")
@click.argument("form_path", metavar="FORM.json")
@click.argument("data_path", metavar="DATA.json")
@click.option("--locale", default="zh-CN", show_default=True)
def validate_cmd(form_path: str, data_path: str, locale: str) -> None:
    """Print the problems as a JSON list of {path, message}; exit 1 if any."""
    schema = _schema(form_path)
    errors = validate(schema, _load_json(data_path, "data"), locale=locale)
    click.echo(json.dumps([{"path": e.path, "message": e.message} for e in errors],
                          ensure_ascii=False, indent=2))
    sys.exit(1 if errors else 0)
