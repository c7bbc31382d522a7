"""Issue 8 (W1): markup in every user- and pack-controlled text, every page visited in Chromium.

The demo is loaded, then every text people or packs control gets ``<img src=x onerror=alert(1)>``
added: unit names and leaders, user names, review titles and names, and a pack version whose
name, list, form, field and option titles, descriptions, item texts, findings and the words in
its rules all carry it; its plans, a record naming it and an evidence file called by it. The
admin publishes that pack through the page (its name comes back in a flash), then the admin,
an inspector and a unit clerk each walk every page they can reach by links. On no page may the
markup become an element, a dialog open, a script error happen or the Content-Security-Policy
refuse anything.
"""
from __future__ import annotations

import copy
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARK = "<img src=x onerror=alert(1)>"
TEXT_KEYS = {"name", "title", "description", "text", "finding", "holder", "supervisor"}
RULE_KEYS = {"check", "applies_if"}
PER_PATTERN = 2       # pages of one shape (same path with other ids) visited per role
MAX_PAGES = 110       # per role, to bound the run


def _hostile_rule(rule):
    """String literals of a JsonLogic rule (not variable names) with the markup added."""
    if isinstance(rule, dict):
        return {op: (args if op == "var" else _hostile_rule(args)) for op, args in rule.items()}
    if isinstance(rule, list):
        return [_hostile_rule(r) for r in rule]
    if isinstance(rule, str):
        return rule + MARK
    return rule


def _hostile(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in RULE_KEYS:
                out[key] = _hostile_rule(value)
            elif key in TEXT_KEYS and isinstance(value, str):
                out[key] = value + MARK
            else:
                out[key] = _hostile(value)
        return out
    if isinstance(node, list):
        return [_hostile(v) for v in node]
    return node


@pytest.fixture
def hostile_instance(app):
    from service import audit
    from service.auth.models import User
    from service.demo import DEFAULT_PACK
    from tests.demo_cache import load_demo_into
    from service.define import plans
    from service.evaluate.models import ReviewLeader, ReviewSession
    from service.packs.loader import read_pack_files
    from service.packs.store import store_files
    from service.perform import records
    from service.units.models import Unit

    load_demo_into(app)
    with app.app_context():
        files, problems = read_pack_files(DEFAULT_PACK)
        assert not problems
        hostile = {path: (copy.deepcopy(content) if path.startswith("rules/tests/") else _hostile(content))
                   for path, content in files.items()}
        hostile["rules/pack.json"]["version"] = "9.9.9"
        with audit.acting_as(None, "test"):
            version, created = store_files(hostile, source="install")
            assert created
            Unit.update(name=Unit.name.concat(MARK), leader_name=Unit.leader_name.concat(MARK),
                        leader_title=Unit.leader_title.concat(MARK)).execute()
            User.update(display_name=User.display_name.concat(MARK)).execute()
            ReviewSession.update(title=ReviewSession.title.concat(MARK)).execute()
            ReviewLeader.update(name=ReviewLeader.name.concat(MARK), post=ReviewLeader.post.concat(MARK)).execute()
            unit = User.get(User.username == "unit01").unit
            plan, _ = plans.generate_plan(unit, 2024, version)
            plans.publish_plan(plan)
            clerk = User.get(User.username == "unit01")
            stored = records.store_upload(unit=unit, user=clerk, filename=MARK + ".pdf", content_type="text/html",
                                          stream=io.BytesIO(b"%PDF-1.4"), field_schema={},
                                          upload_folder=app.config["UPLOAD_FOLDER"])
            item = next((i for i in plan.ordered_items() if i.form == "talk"), None)
            data = {"date": "2024-05-10", "talk_type": "日常", "initiator_role": "主要负责人", "target_name": MARK,
                    "target_roles": ["班子成员"], "reason": "岗位变动",
                    "content": {"problems": MARK, "requirements": MARK}, "response": MARK,
                    "attachments": [stored.reference()]}
            record, errors = records.submit(user=clerk, unit=unit, version=version, form_id="talk", plan_item=item,
                                            data=data)
            assert not errors, errors
    return {"version_id": version.id, "record_id": record.id}


class Watch:
    """Everything a page does that it must not: dialogs, script errors, CSP refusals."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.url = ""
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{self.url}: script error {error}"))

    def _dialog(self, dialog):
        if dialog.type == "confirm":  # the app's own questions (data-confirm)
            dialog.accept()
            return
        self.problems.append(f"{self.url}: {dialog.type} dialog {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "Refused to" in text:
            self.problems.append(f"{self.url}: {text}")


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _skip(path: str, query: str) -> bool:
    return (path.startswith(("/static/", "/files/", "/logout", "/api/v1/")) and path != "/api/v1/docs"
            or "export=" in query or "format=docx" in query  # downloads, not pages
            or path.endswith((".csv", ".xlsx", ".json", ".pdf", ".ics", ".docx")))


def _walk(page, watch: Watch, base: str, start: list[str]) -> list[str]:
    """Visit every page reachable by links (a few of each shape); return the URLs visited."""
    seen_patterns: dict[str, int] = {}
    queue, visited = deque(start), []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(base).netloc or _skip(parts.path, parts.query):
            continue
        full = urljoin(base, parts.path + ("?" + parts.query if parts.query else ""))
        key = _pattern(full)
        if full in visited or seen_patterns.get(key, 0) >= PER_PATTERN:
            continue
        seen_patterns[key] = seen_patterns.get(key, 0) + 1
        watch.url = full
        response = page.goto(full)
        visited.append(full)
        assert response is not None and response.status < 500, (full, response and response.status)
        page.wait_for_load_state("load")
        injected = page.evaluate("document.querySelectorAll('img[src=\"x\"]').length")
        assert injected == 0, f"markup became an element on {full}"
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            if href and not href.startswith(("#", "mailto:", "javascript:")):
                queue.append(urljoin(full, href))
    return visited


def test_markup_everywhere_stays_text_on_every_page_for_every_role(hostile_instance, browser, live_server,
                                                                   screenshot_dir):
    report = {}
    for username in ("admin", "inspector", "unit01"):
        context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 860})
        context.set_default_timeout(20_000)
        page = context.new_page()
        watch = Watch(page)
        browser_login(page, username)
        start = [live_server + "/dashboard", live_server + f"/perform/records/{hostile_instance['record_id']}"]
        if username == "admin":
            # The pack's name comes back in the flash after publishing it (the third attack).
            page.goto(f"/define/packs/{hostile_instance['version_id']}")
            page.get_by_role("button", name="发布").first.click()
            page.wait_for_load_state("load")
            assert page.locator(".flash").first.inner_text().count(MARK) == 1
            page.screenshot(path=str(screenshot_dir / "security-hostile-flash.png"))
            start += [live_server + "/api/v1/docs", live_server + f"/define/packs/{hostile_instance['version_id']}"]
        visited = _walk(page, watch, live_server, start)
        report[username] = len(visited)
        assert not watch.problems, watch.problems[:10]
        context.close()
    assert report["admin"] > 30 and report["inspector"] > 20 and report["unit01"] > 5, report
