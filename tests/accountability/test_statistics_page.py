"""成效统计 page: each number links to the page list it counts (same total),
the export holds the figures, and the chart is an SVG image without script."""
from __future__ import annotations

import datetime as dt
import html
import io
import re

from openpyxl import load_workbook

from service.accountability import cases


def _as(client, username):
    client.logout()
    assert client.login(username).status_code == 302
    return client


def _figures(body):
    return {key: (html.unescape(href), int(num)) for href, key, num in
            re.findall(r'<a class="figure" href="([^"]+)" data-key="([a-z_]+)"><span class="num">(\d+)</span>', body)}


def _total(client, url):
    body = client.get(url).get_data(as_text=True)
    return int(re.search(r"共 (\d+) [条份]", body).group(1))  # 份: issued documents


def test_every_figure_links_to_a_list_of_that_many(client, make_finding, people):
    today = dt.date.today()
    closed = make_finding("closed", found_on=today - dt.timedelta(days=20))
    talked = make_finding("rectifying", found_on=today - dt.timedelta(days=15))
    make_finding("confirmed", unit=people["j01"], found_on=today - dt.timedelta(days=40),
                 due_on=today - dt.timedelta(days=2))
    make_finding("draft", found_on=today - dt.timedelta(days=1))
    cases.add_disposition(talked, people["inspector"], kind="talk", decided_on=today, decided_by="区纪委监委")
    cases.add_disposition(talked, people["inspector"], kind="rule-making", decided_on=today, decided_by="区纪委监委")
    _as(client, "inspector")
    start = (today - dt.timedelta(days=60)).isoformat()
    page = client.get(f"/accountability/statistics?from={start}&to={today.isoformat()}")
    assert page.status_code == 200
    figures = _figures(page.get_data(as_text=True))
    assert figures["problems_found"][1] == 3 and figures["problems_closed"][1] == 1
    assert figures["integrity_talks"][1] == 1 and figures["systems_established"][1] == 1
    assert figures["overdue_now"][1] == 1
    for key, (url, value) in figures.items():
        assert _total(client, url) == value, key
    # narrowed to one unit, the same holds
    page = client.get(f"/accountability/statistics?from={start}&unit={people['j01'].id}").get_data(as_text=True)
    figures = _figures(page)
    assert figures["problems_found"][1] == 1
    for key, (url, value) in figures.items():
        assert _total(client, url) == value, key
    xlsx = client.get(f"/accountability/statistics?from={start}&export=xlsx")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()]
    assert rows[0] == ["指标", "数值", "清单"] and ["发现问题", 3] == rows[1][:2]
    chart = client.get(f"/accountability/statistics/chart.svg?from={start}")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data and b"<script" not in chart.data
    assert "发现问题".encode() in chart.data
    assert closed.id


def test_a_unit_sees_its_own_figures_and_bad_dates_are_shown_by_the_field(client, make_finding, people):
    make_finding("confirmed", found_on=dt.date.today())
    make_finding("confirmed", unit=people["j01"], found_on=dt.date.today())
    _as(client, "unit01")
    body = client.get(f"/accountability/statistics?unit={people['j01'].id}").get_data(as_text=True)
    assert _figures(body)["problems_found"][1] == 1
    response = client.get("/accountability/statistics?from=2023-02-30&to=2022-01-01")
    assert response.status_code == 422 and 'id="e-from">开始日期不是有效的日期' in response.get_data(as_text=True)
