"""Every page of the app as each role sees it, for tests that look at all of them.

Walks the app's URL map (so a new page is covered the day it is added), fills
each path argument with a real id from the demo, and keeps the GET routes that
answer the signed-in user with an HTML page.
"""
from __future__ import annotations

import re

from service.auth.models import User

ROLES = ("unit01", "inspector", "admin", "paizhu1")
SKIP_ENDPOINTS = {"auth.logout", "static"}
SKIP_PREFIXES = ("/api/", "/files/", "/healthz")


def _real_values(app) -> dict[str, str]:
    from tests.test_hostile_sweep import _path_values  # the sweep's first value of each is a real one
    admin = User.get(User.username == "admin")
    return {name: values[0] for name, values in _path_values(app, admin.id).items()}


def page_urls(app, client, **values_for_user) -> list[str]:
    """Paths of every HTML page ``client`` (signed in) can open, in URL-map order.

    ``values_for_user`` overrides path arguments (a unit user's own plan, unit
    and record); the plan's other views are visited too.
    """
    values = {**_real_values(app), **{k: str(v) for k, v in values_for_user.items()}}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(r"<(?:[a-z]+:)?" + arg + ">", values.get(arg, "1"), url)
        if url.startswith(SKIP_PREFIXES) or url in urls:
            continue
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html" \
                and b"<html" in response.data[:400]:
            urls.append(url)
    plan = f"/define/plans/{values['plan_id']}"
    if plan in urls:
        urls += [plan + "?view=map", plan + "?view=print"]
    if "/perform/records" in urls:  # the 履责记录本: a unit's own, or (staff) any unit's, and its print view
        book = "/perform/records?" + ("" if values_for_user.get("unit_id") else f"unit={values['unit_id']}&")
        urls += [book + "q=%E8%B0%88%E8%AF%9D", book + "view=print"]
    return urls


def user_page_urls(app, client, username: str) -> list[str]:
    """``page_urls`` for ``username``: a unit user's own plan, unit and record, and
    the talk form a unit clerk fills most."""
    from service.define.models import Plan
    from service.perform.models import Record
    user = User.get(User.username == username)
    own = {}
    if user.unit_id:
        plan = Plan.select().where(Plan.unit == user.unit_id).order_by(Plan.year.desc()).first()
        record = Record.select().where(Record.unit == user.unit_id).first()
        own = {"unit_id": user.unit_id, **({"plan_id": plan.id} if plan else {}),
               **({"record_id": record.id} if record else {})}
    if user.role == "holder":  # its own: a record of its units it made, the form of one of its items
        record = Record.select().where(Record.created_by == user.id).order_by(Record.id).first()
        own = {"record_id": record.id} if record else {}
    urls = page_urls(app, client, **own)
    if user.unit_id and "/perform/fill/talk" not in urls:
        urls.append("/perform/fill/talk")
    if user.role == "holder":
        from service.holders import recording
        import datetime as dt
        entry = next((e for e in recording.todo(user.holder_body, dt.date.today()) if e.item.form), None)
        if entry is not None:
            urls.append(f"/perform/fill/{entry.item.form}?item={entry.item.id}")
    return urls


#: How many pages a walk must at least find for each role (a holder account has few).
def enough_pages(username: str) -> int:
    return 4 if username.startswith("paizhu") else 9
