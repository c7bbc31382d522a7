"""Two changes to one plan at the same moment (an admin changing a target and
then a due date at once, or two admins) both land, each as its own revision,
on SQLite and PostgreSQL alike: no 500, no lost change, no duplicate number."""
import threading

import pytest

from service.define import plans
from service.define.models import PlanItem, PlanRevision

pytestmark = pytest.mark.slow


def test_concurrent_tuning_of_one_plan_gives_consecutive_revisions(app, make_user, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    items = [i for i in plan.ordered_items()][:6]
    make_user("admin", "admin")
    make_user("admin2", "admin")
    clients = []
    for name in ("admin", "admin2"):
        from tests.conftest import Client
        client = Client(app.test_client())
        assert client.login(name).status_code == 302
        clients.append((client, client.csrf_token()))

    rounds = 8
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def tune(n: int):
        client, token = clients[n]
        for r in range(rounds):
            item = items[(r * 2 + n) % len(items)]
            barrier.wait()
            response = client.raw.post(f"/define/plans/{plan.id}/items/{item.id}/target",
                                       data={"min_count": str(100 + r)},  # never the pack's own count
                                       headers={"HX-Request": "true", "X-CSRFToken": token})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=tune, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200] * (2 * rounds), statuses
    numbers = [r.number for r in PlanRevision.select().where(PlanRevision.plan == plan).order_by(PlanRevision.number)]
    assert numbers == list(range(1, 2 * rounds + 2))  # revision 1 is the generation
    assert plan.__class__.get_by_id(plan.id).revision == 2 * rounds + 1
    for r in range(rounds):
        for n in range(2):
            assert PlanItem.get_by_id(items[(r * 2 + n) % len(items)].id).min_count >= 100
