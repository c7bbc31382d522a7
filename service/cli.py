"""The ``dutyloop`` command line.

``dutyloop`` is a Flask command group (so ``dutyloop run`` and ``dutyloop
shell`` work) plus the project's own commands. Commands that need the
database run inside the app so they bind the same ``DATABASE_URL``; the
engine, form and pack commands work on files alone.
"""
from __future__ import annotations

import functools
import secrets
import sys

import click
from flask.cli import FlaskGroup, with_appcontext

NOT_UPGRADED = ("数据库尚未升级，请先运行 `dutyloop db upgrade` "
                "/ the database is not upgraded: run `dutyloop db upgrade` first ({pending} pending)")


def needs_schema(f):
    """Refuse to run a database command on a database whose migrations are not all applied:
    a clear sentence instead of a traceback about a missing table. Put it under
    ``@with_appcontext``."""
    @functools.wraps(f)
    def checked(*args, **kwargs):
        import peewee

        from .db import database
        from .migrations import pending
        try:
            missing = pending(database.obj)
        except peewee.DatabaseError as exc:
            raise click.ClickException(f"数据库无法访问 / cannot reach the database: {exc}") from None
        if missing:
            raise click.ClickException(NOT_UPGRADED.format(pending=", ".join(missing)))
        return f(*args, **kwargs)
    return checked


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
@click.option("--role", type=click.Choice(["admin", "inspector", "unit", "holder"]), required=True)
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--unit", "unit_code", help="Unit code, required for --role unit.")
@click.option("--body", "body_name", help="The supervising body's or department's name, required for --role holder.")
@click.option("--password", help="Password (default: prompt; '-' reads one line from stdin).")
@with_appcontext
@needs_schema
def user_create(username, role, display_name, unit_code, body_name, password):
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
    from .holders.models import HolderBody
    body = HolderBody.get_or_none(HolderBody.name == body_name) if body_name else None
    if body_name and body is None:
        raise click.ClickException(f"no supervising body named {body_name!r} (see /admin/holders/)")
    errors = validate_account(username, display_name or username, role,
                              str(unit.id) if unit else None, password, body_id=str(body.id) if body else None)
    if errors:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in errors.items()))
    with audit.acting_as(None, "cli"):
        user = audit.create(User, username=username, display_name=display_name or username, role=role,
                            unit=unit if role == "unit" else None, holder_body=body if role == "holder" else None,
                            password_hash=User.hash_password(password))
    click.echo(f"created user {user.username} ({role})")


token_cli = click.Group("token", help="Personal API tokens.")


@token_cli.command("create")
@click.argument("username")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True,
              help="read: GET only; write: also create and change.")
@click.option("--name", "name", required=True, help="What the token is for (shown on the account page).")
@click.option("--days", type=int, default=None, help="Days until it expires (default 90, at most 366).")
@with_appcontext
@needs_schema
def token_create(username, scope, name, days):
    """Make an API token for USERNAME and print it alone on stdout (it is shown only once)."""
    from . import audit
    from .auth import tokens
    from .auth.models import User
    user = User.get_or_none(User.username == username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    if not user.active:
        raise click.ClickException(f"user {username!r} is disabled; its tokens would not work")
    with audit.acting_as(None, "cli"):
        try:
            _token, secret = tokens.issue(user, name=name, scope=scope,
                                          days=tokens.DEFAULT_DAYS if days is None else days)
        except tokens.TokenError as exc:
            raise click.ClickException(str(exc))
    click.echo(secret)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the instance already has users.")
@with_appcontext
@needs_schema
def demo(if_empty):
    """Load the invented demo data: units, leaders, accounts, the default pack and 2022 plans."""
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


@click.command("install")
@click.argument("directory", type=click.Path(exists=True, file_okay=False), default=".")
@click.option("--publish", is_flag=True, help="Also publish the installed version.")
@with_appcontext
@needs_schema
def pack_install(directory, publish):
    """Check the pack in DIRECTORY and store it as an immutable version."""
    from . import audit
    from .packs import PackError
    from .packs.store import VersionTaken, install_directory, publish as publish_version
    with audit.acting_as(None, "cli"):
        try:
            version, created, _problems = install_directory(directory)
        except PackError as exc:
            for problem in exc.problems:
                click.echo(f"{problem.location()}: {problem.message_zh}", err=True)
            raise click.ClickException(f"pack has {len(exc.problems)} problem(s); nothing installed")
        except VersionTaken as exc:
            raise click.ClickException(str(exc))
        click.echo(f"{'installed' if created else 'already installed'}: #{version.id} {version.label}")
        if publish:
            publish_version(version)
            click.echo(f"published: #{version.id}")


@click.command("publish")
@click.argument("version_id", type=int)
@with_appcontext
@needs_schema
def pack_publish(version_id):
    """Publish the stored version VERSION_ID (the previous one is retired)."""
    from . import audit
    from .packs.store import PackVersion, publish as publish_version
    version = PackVersion.get_or_none(PackVersion.id == version_id)
    if version is None:
        raise click.ClickException(f"no pack version #{version_id}")
    with audit.acting_as(None, "cli"):
        publish_version(version)
    click.echo(f"published: #{version.id} {version.label}")


@click.command("versions")
@with_appcontext
@needs_schema
def pack_versions():
    """List stored pack versions, newest first."""
    from .packs.store import PackVersion
    for v in PackVersion.select().order_by(PackVersion.id.desc()):
        mark = "*" if v.published else " "
        click.echo(f"{mark} #{v.id} {v.label} {v.source} {v.created_at:%Y-%m-%d %H:%M} {v.created_by}")


plans_cli = click.Group("plans", help="Annual duty plans (年度任务清单).")


@plans_cli.command("generate")
@click.option("--year", type=int, required=True)
@click.option("--publish", is_flag=True, help="Publish the generated plans to their units.")
@with_appcontext
@needs_schema
def plans_generate(year, publish):
    """Generate every active unit's plan for YEAR from the published pack version."""
    from . import audit
    from .define import plans
    from .define.models import Plan
    from .packs.store import PackVersion
    version = PackVersion.current()
    if version is None:
        raise click.ClickException("no published pack version: run `dutyloop pack install --publish DIR` first")
    with audit.acting_as(None, "cli"):
        try:
            counts = plans.generate_plans(year, version)
        except plans.PlanError as exc:
            raise click.ClickException(str(exc)) from None
        if publish:
            for plan in Plan.select().where((Plan.year == year) & (Plan.status == "draft")):
                plans.publish_plan(plan)
    click.echo(f"plans {year}: {counts['created']} created, {counts['kept']} kept")


def _public(item: dict) -> dict:
    """A status object as the API gives it: the message kept for translated pages stays inside."""
    return {k: v for k, v in item.items() if k != "explanation_msg"}


@click.command("status")
@click.argument("unit_code")
@click.option("--period", required=True, help="2022-05 (month), 2022Q2, 2022H1 or 2022.")
@click.option("--as-of", "as_of", help="The day the status is for (YYYY-MM-DD; default today).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per plan item.")
@with_appcontext
def status_command(unit_code, period, as_of, as_json):
    """Where UNIT_CODE stands on each item of its published plan for PERIOD (履责 status)."""
    import datetime as dt
    import json
    from .packs.periods import PeriodError
    from .perform import status
    from .units.models import Unit
    unit = Unit.get_or_none(Unit.code == unit_code)
    if unit is None:
        raise click.ClickException(f"no unit {unit_code!r}")
    try:
        status.check_period(period)
    except PeriodError:
        raise click.ClickException(f"not a period: {period!r} (use 2022-05, 2022Q2, 2022H1 or 2022)")
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise click.ClickException(f"not a date: {as_of!r} (use YYYY-MM-DD)")
    found = status.unit_status(unit.id, period, day)
    if as_json:
        click.echo(json.dumps([_public(s.as_dict()) for s in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"{unit.code} {unit.name}: no published plan for {period[:4]}")
        return
    marks = {"green": "绿", "blue": "蓝", "yellow": "黄", "red": "红", None: "  "}
    click.echo(f"{unit.code} {unit.name}  {status.period_label(period)}  截至 {day.isoformat()}")
    for s in found:
        click.echo(f"{marks[s.colour]}  {status.STATUSES[s.status]:<4}\t{s.count}/{s.target}\t{s.due or '':<10}"
                   f"\t{s.item_id}\t{s.text}")


check_cli = click.Group("check", help="督责 check runs.")


@check_cli.command("run")
@click.option("--period", required=True, help="2022Q2 (quarterly), 2022H1 (half-year) or 2022 (year-end).")
@click.option("--kind", required=True, type=click.Choice(["quarterly", "half-year", "year-end"]),
              help="quarterly 季度提醒, half-year 半年梳理, year-end 年底检查.")
@click.option("--units", "unit_codes", help="Unit codes, comma-separated (default: every active unit).")
@click.option("--as-of", "as_of", help="The day the check is for (YYYY-MM-DD; default the day after the period's end).")
@with_appcontext
def check_run(period, kind, unit_codes, as_of):
    """Run a check in this process with a progress bar (no consumer needed); the run is stored
    like one started on the pages, and a consumer resumes it if this process is killed."""
    import datetime as dt
    from . import audit
    from .supervise import runs
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise click.ClickException(f"not a date: {as_of!r} (use YYYY-MM-DD)")
    codes = unit_codes.split(",") if unit_codes else None
    with audit.acting_as(None, "cli"):
        try:
            run = runs.create_run(period, kind, day, units=codes, source="cli", queue=False)
        except runs.RunError as exc:
            raise click.ClickException(exc.message)
        click.echo(f"run {run.id}: {runs.kind_label(kind)} {period} as of {run.as_of.isoformat()}, "
                   f"{len(run.unit_ids)} units")
        with click.progressbar(length=len(run.unit_ids), label="checking units", file=sys.stderr) as bar:
            seen = {"done": 0}

            def advance(done, total):
                bar.update(done - seen["done"])
                seen["done"] = done
            token = runs.on_progress.set(advance)
            try:
                run = runs.run_here(run)
            finally:
                runs.on_progress.reset(token)
    if run.state != "done":
        raise click.ClickException(f"run {run.id} {run.state}: {run.job.error or ''}")
    summary = run.job.result
    labels = {"done": "完成", "partial": "部分完成", "missing": "未完成", "not_due": "未到期", "not_applicable": "不适用"}
    click.echo(f"run {run.id} done: {summary['results']} results for {summary['units']} units "
               f"({summary['units_without_plan']} without a published plan)")
    click.echo("  ".join(f"{labels[k]} {v}" for k, v in summary["statuses"].items()))


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads taking tasks from the queue.")
@click.option("--no-periodic", is_flag=True, help="Do not enqueue periodic tasks from this consumer.")
@with_appcontext
@needs_schema
def worker(workers, no_periodic):
    """Run a task consumer (Huey) on the queue the settings name; Ctrl-C stops it."""
    import logging
    from flask import current_app
    from .tasks.consumer import run_consumer
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        run_consumer(current_app._get_current_object(), workers=workers, periodic=not no_periodic)
    except RuntimeError as exc:
        raise click.ClickException(str(exc))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, help="gunicorn worker processes.")
@click.option("--task-workers", default=2, show_default=True, help="Consumer worker threads.")
def serve(host, port, web_workers, task_workers):
    """Serve the app with gunicorn and run a task consumer beside it; Ctrl-C stops both."""
    from .tasks.serve import serve as run_both
    sys.exit(run_both(host, port, web_workers=web_workers, task_workers=task_workers))


files_cli = click.Group("files", help="Evidence files.")


@files_cli.command("cleanup")
@with_appcontext
@needs_schema
def files_cleanup():
    """Delete pending uploads no record or draft refers to (what the hourly task does; for cron)."""
    from flask import current_app
    from . import audit
    from .perform import files
    with audit.acting_as(None, "cli"):
        report = files.cleanup(current_app.config["UPLOAD_FOLDER"], current_app.config["UPLOAD_PENDING_HOURS"])
    click.echo(report.line())


def _pack_app_commands() -> click.Group:
    """The file-only ``pack`` group plus the commands that need the database."""
    from .packs.cli import pack_cli
    for command in (pack_install, pack_publish, pack_versions):
        if command.name not in pack_cli.commands:
            pack_cli.add_command(command)
    return pack_cli


def register_app_commands(app) -> None:
    """Attach the database-bound commands to ``app.cli`` (used by ``flask`` and ``dutyloop``)."""
    from .units.cli import units_cli
    for command in (db_cli, user_cli, token_cli, demo, plans_cli, status_command, check_cli, units_cli, worker, files_cli,
                    _pack_app_commands()):
        if command.name not in app.cli.commands:
            app.cli.add_command(command)


def _add_file_commands(group: click.Group) -> None:
    """Commands that work on files without the app (engine, forms, packs)."""
    from .forms.cli import form_cli
    from .logic.cli import logic_cli
    for command in (logic_cli, form_cli, _pack_app_commands(), serve):
        group.add_command(command)


_add_file_commands(main)

if __name__ == "__main__":  # ``python -m service.cli``: how ``dutyloop serve`` starts the consumer
    main()
