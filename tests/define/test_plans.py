"""Annual duty plans: generated per unit by the rules, tuned by hand, revised, published."""
import pytest

from service.audit import AuditEntry
from service.define import plans
from service.define.models import Plan, PlanItem, PlanRevision


def _ids(plan):
    return {i.item_id for i in plan.items if i.enabled}


def test_plans_differ_by_unit_as_the_rules_say(version, units):
    made = {name: plans.generate_plan(unit, 2022, version)[0] for name, unit in units.items()}
    plain, bureau, street, soe = (_ids(made[k]) for k in ("plain", "bureau", "street", "soe"))
    # Law-enforcement bureau with 5 subordinate units: supervising them and enforcement conduct.
    assert {"fr-check-subordinates", "fr-check-enforcement", "fr-enforcement-conduct"} <= bureau - plain
    # A street tagged 征地拆迁: demolition items and village (村社) items.
    assert {"fr-demolition-plan", "fr-check-demolition-funds", "fr-check-village-power", "mb-village-affairs"} <= street - plain
    # A state-owned company tagged 项目建设: board decisions, clean SOE, project integrity.
    assert {"fr-board-decision", "mb-clean-soe", "fr-project-clean", "fr-risk-project"} <= soe - plain
    assert "fr-demolition-plan" not in soe and "fr-board-decision" not in street
    # Every plan has the 第一责任人 core items.
    assert all("fr-first-topic" in ids for ids in (plain, bureau, street, soe))


def test_plan_items_match_the_packs_applicability_exactly(version, units):
    from service.packs import applicable_items
    plan, _ = plans.generate_plan(units["street"], 2022, version)
    expected = [i.id for i in applicable_items(version.pack(), units["street"].profile())]
    assert [i.item_id for i in plan.ordered_items()] == expected


def test_generation_keeps_an_existing_plan(version, units):
    plan, created = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    plans.set_target(item, 4)
    again, created_again = plans.generate_plan(units["plain"], 2022, version)
    assert created and not created_again and again.id == plan.id
    assert PlanItem.get_by_id(item.id).min_count == 4


def test_a_plan_keeps_the_version_it_was_made_under(version, units):
    import copy
    from service.packs.store import publish, store_files
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    files = copy.deepcopy(version.files)
    files["rules/pack.json"]["version"] = "9.9.9"
    newer, _ = store_files(files, source="editor", parent=version)
    publish(newer)
    assert Plan.get_by_id(plan.id).pack_version_id == version.id
    plan_2023, _ = plans.generate_plan(units["plain"], 2023, newer)
    assert plan_2023.pack_version_id == newer.id


def test_every_change_is_a_revision_and_audited(version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    first, second = plan.ordered_items()[:2]
    plans.set_enabled(first, False, "本单位无下属单位")
    plans.set_target(second, 3)
    plans.set_due_date(second, "2022-06-30")
    category = next(c.id for c in version.pack().categories if c.list == "first-responsible")
    plans.add_custom_item(plan, list_id="first-responsible", category_id=category,
                          text="每季度走访困难群众", frequency="quarterly", min_count=1)
    plans.publish_plan(plan)
    plan = Plan.get_by_id(plan.id)
    revisions = list(plan.revisions.order_by(PlanRevision.number))
    assert [r.number for r in revisions] == [1, 2, 3, 4, 5, 6] and plan.revision == 6
    assert "停用事项" in revisions[1].summary and "本单位无下属单位" in revisions[1].summary
    assert "目标次数 1 → 3" in revisions[2].summary
    assert "新增自定事项" in revisions[4].summary and plan.status == "published"
    # Revision snapshots keep the plan as it stood then.
    snapshot_1 = {i["item_id"]: i for i in revisions[0].snapshot}
    snapshot_6 = {i["item_id"]: i for i in revisions[5].snapshot}
    assert snapshot_1[first.item_id]["enabled"] and not snapshot_6[first.item_id]["enabled"]
    assert "custom-1" in snapshot_6 and "custom-1" not in snapshot_1
    audited = AuditEntry.select().where(AuditEntry.object_type == "plan_item")
    assert {e.action for e in audited} == {"update", "create"}


def test_generating_a_plan_audits_each_item(version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    created = AuditEntry.select().where((AuditEntry.object_type == "plan_item") & (AuditEntry.action == "create"))
    items = plan.ordered_items()
    assert sorted(int(e.object_id) for e in created) == sorted(i.id for i in items)
    entry = next(e for e in created if e.object_id == str(items[0].id))
    assert entry.after["item_id"] == items[0].item_id and entry.after["plan"] == plan.id


@pytest.mark.parametrize("change, message", [
    (lambda item: plans.set_enabled(item, False, "  "), "停用事项须填写原因"),
    (lambda item: plans.set_target(item, "两次"), "目标次数应为整数"),
    (lambda item: plans.set_target(item, 400), "0 到 366"),
    (lambda item: plans.set_due_date(item, "2022/06/30"), "日期格式应为 年-月-日"),
    (lambda item: plans.set_due_date(item, "2023-01-01"), "应在 2022 年内"),
])
def test_bad_changes_are_refused_with_chinese_messages(version, units, change, message):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    with pytest.raises(plans.PlanError, match=message):
        change(item)
    assert Plan.get_by_id(plan.id).revision == 1


def test_custom_item_validation_lists_every_problem(version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    with pytest.raises(plans.PlanError) as info:
        plans.add_custom_item(plan, list_id="x", category_id="y", text="", frequency="daily", min_count="0")
    text = str(info.value)
    for part in ("请填写事项内容", "请选择所属清单和类别", "请选择频次", "目标次数应为 1 到 366"):
        assert part in text


def test_generate_plans_cli(app, version, units):
    result = app.test_cli_runner().invoke(args=["plans", "generate", "--year", "2022", "--publish"])
    assert result.exit_code == 0, result.output
    assert "4 created" in result.output
    assert Plan.select().where(Plan.status == "published").count() == 4
