"""The ``dutyloop`` command line.

``dutyloop`` is a Flask command group (so ``dutyloop run`` and ``dutyloop
shell`` work) plus the project's own commands. Commands that need the
database run inside the app so they bind the same ``DATABASE_URL``; the
engine, form and pack commands work on files alone.
"""
from __future__ import annotations

import secrets
import sys

import click
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main():
    """dutyloop (五责闭环监督平台) management commands."""


db_cli = click.Group("db", help="Database schema.")


@db_cli.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply pending schema migrations (safe to run repeatedly)."""
    from .db import database
    from .migrations import upgrade
    applied = upgrade(database.obj)
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


user_cli = click.Group("user", help="Accounts.")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "inspector", "unit"]), required=True)
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--unit", "unit_code", help="Unit code, required for --role unit.")
@click.option("--password", help="Password (default: prompt; '-' reads one line from stdin).")
@with_appcontext
def user_create(username, role, display_name, unit_code, password):
    """Create an account."""
    from . import audit
    from .auth.admin import validate_account
    from .auth.models import User
    from .units.models import Unit
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    elif password == "-":
        password = sys.stdin.readline().rstrip("\n")
    unit = Unit.get_or_none(Unit.code == unit_code) if unit_code else None
    if unit_code and unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    errors = validate_account(username, display_name or username, role,
                              str(unit.id) if unit else None, password)
    if errors:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in errors.items()))
    with audit.acting_as(None, "cli"):
        user = audit.create(User, username=username, display_name=display_name or username, role=role,
                            unit=unit if role == "unit" else None, password_hash=User.hash_password(password))
    click.echo(f"created user {user.username} ({role})")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the instance already has users.")
@with_appcontext
def demo(if_empty):
    """Load the invented demo data (units, leaders and accounts)."""
    from flask import current_app
    from .demo import load_demo, instance_is_empty
    if if_empty and not instance_is_empty():
        click.echo("demo: instance already has data, nothing loaded")
        return
    password = current_app.config.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    summary = load_demo(password)
    click.echo(summary)
    if not current_app.config.get("DEMO_PASSWORD"):
        click.echo(f"demo password for every account (shown once): {password}")


def register_app_commands(app) -> None:
    """Attach the database-bound commands to ``app.cli`` (used by ``flask`` and ``dutyloop``)."""
    for command in (db_cli, user_cli, demo):
        if command.name not in app.cli.commands:
            app.cli.add_command(command)


def _add_file_commands(group: click.Group) -> None:
    """Commands that work on files without the app (engine, forms, packs)."""
    for module, attr in (("service.logic.cli", "logic_cli"), ("service.forms.cli", "form_cli"),
                         ("service.packs.cli", "pack_cli")):
        try:
            mod = __import__(module, fromlist=[attr])
        except ModuleNotFoundError as exc:
            if not module.startswith(exc.name or "?"):  # a missing optional package, not a broken import
                raise
            continue
        group.add_command(getattr(mod, attr))


_add_file_commands(main)
