"""A small stand-in for a browser submitting a form unchanged: parse the
rendered HTML with html.parser and collect the *successful controls* the way
the HTML spec says a browser does (value sanitisation included)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_FLOAT = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?")
_DATE = re.compile(r"(\d{4,})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?")


def _valid_date(s: str) -> bool:
    import datetime
    m = _DATE.fullmatch(s)
    if not m or int(m.group(1)) == 0:
        return False
    try:
        datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def _norm_time(s: str) -> str | None:
    m = _TIME.fullmatch(s)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or (m.group(3) and int(m.group(3)) > 59):
        return None
    hh, mm, ss, ms = m.group(1), m.group(2), m.group(3) or "00", (m.group(4) or "").rstrip("0")
    if ss == "00" and not ms:
        return f"{hh}:{mm}"
    return f"{hh}:{mm}:{ss}" + (f".{ms}" if ms else "")


def sanitize(input_type: str, value: str) -> str:
    """The HTML spec's value sanitisation algorithm for the types we emit."""
    if input_type in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    if input_type in ("email", "url"):
        return value.replace("\r", "").replace("\n", "").strip(" \t\n\f\r")
    if input_type == "number":
        return value if _FLOAT.fullmatch(value) else ""
    if input_type == "date":
        return value if _valid_date(value) else ""
    if input_type == "time":            # valid time strings are kept as written
        return value if _norm_time(value) else ""
    if input_type == "datetime-local":
        if len(value) > 11 and value[10] in "T " and _valid_date(value[:10]):
            t = _norm_time(value[11:])
            return f"{value[:10]}T{t}" if t else ""
        return ""
    return value


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries: list[tuple[str, str]] = []
        self.files: list[str] = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if not name or "disabled" in a:
                return
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind == "file":
                self.files.append(name)
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.entries.append((name, a.get("value", "on")))
                return
            if kind == "hidden":
                self.entries.append((name, a.get("value", "")))
                return
            self.entries.append((name, sanitize(kind, a.get("value", ""))))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a,
                            "disabled": "disabled" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": a.get("name"), "disabled": "disabled" in a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            sel = self._select
            self._select = None
            if not sel["name"] or sel["disabled"]:
                return
            chosen = [o for o in sel["options"] if o["selected"]]
            if not sel["multiple"]:
                chosen = chosen[-1:] or sel["options"][:1]
            for o in chosen:
                self.entries.append((sel["name"], o["value"] if o["value"] is not None else o["text"]))
        elif tag == "textarea" and self._textarea is not None:
            ta = self._textarea
            self._textarea = None
            text = ta["text"]
            if text.startswith("\n"):
                text = text[1:]     # the parser drops one newline right after <textarea>
            if ta["name"] and not ta["disabled"]:
                # submission encodes every line break as CRLF
                self.entries.append((ta["name"], text.replace("\n", "\r\n")))


def submit(html: str) -> list[tuple[str, str]]:
    """(name, value) pairs a browser would send for this HTML, unchanged."""
    # input stream preprocessing: CR and CRLF become LF before tokenising
    html = html.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    c = _Collector()
    c.feed(html)
    c.close()
    return c.entries


def file_inputs(html: str) -> list[str]:
    """Names of the file inputs in the HTML."""
    c = _Collector()
    c.feed(html)
    return c.files
