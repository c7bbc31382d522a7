"""Small things a new user trips over (issue 14, point 9): the site icon, a dashboard that
links only what the viewer may open, the unit page's year, next year's plans."""
import re

from service.db import utcnow
from service.define import plans



def test_the_favicon_is_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00" and response.data[22:26] == b"\x89PNG"
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" type="image/png" href="([^"]+)"', page).group(1)
    png = client.get(icon)
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"


def _links(html: str) -> set[str]:
    main = html[html.find("<main"):] if "<main" in html else html
    return {h for h in re.findall(r'href="(/[^"#]*)"', main) if not h.startswith("/static/")}


def test_the_dashboard_links_only_what_the_viewer_may_open(client, make_user):
    make_user("admin", "admin")
    make_user("insp", "inspector")
    make_user("clerk", "unit")
    for name in ("insp", "clerk", "admin"):
        client.logout()
        assert client.login(name).status_code == 302
        page = client.get("/dashboard").get_data(as_text=True)
        for href in _links(page):
            assert client.get(href).status_code != 403, (name, href)
        assert ("审计记录" in page) == (name == "admin") and ("启用账户" in page) == (name == "admin")


def test_the_unit_page_counts_for_the_year_of_the_plan_beside_it(admin_client, version, units):
    plans.generate_plan(units["street"], 2022, version)
    page = admin_client.get(f"/units/{units['street'].id}").get_data(as_text=True)
    assert "2022 年度任务清单" in page and "按 2022 年计算" in page
    assert f"按 {utcnow().year} 年计算" not in page or utcnow().year == 2022
    assert "重点工作标签包含“征地拆迁”的单位" in page      # why the item applies, in words


def test_the_plan_year_selector_offers_next_year(admin_client, version, units):
    plans.generate_plan(units["plain"], 2022, version)
    page = admin_client.get("/define/").get_data(as_text=True)
    select = page[page.index('<select name="year">'):]
    select = select[:select.index("</select>")]
    offered = [int(y) for y in re.findall(r">(\d{4})</option>", select)]
    assert 2022 in offered and utcnow().year + 1 in offered
