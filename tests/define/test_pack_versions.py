"""Stored pack versions: content-hashed, immutable, one published at a time."""
import copy
import shutil

import pytest

from service import audit
from service.audit import AuditEntry
from service.packs import PackError
from service.packs.store import (PackVersion, PackVersionIsImmutable, install_directory, publish,
                                 store_files)

from .conftest import ROOT


def test_installing_unchanged_content_gives_the_same_version(app):
    first, created, _ = install_directory(ROOT)
    again, created_again, _ = install_directory(ROOT)
    assert created and not created_again and first.id == again.id
    assert PackVersion.select().count() == 1


def test_changed_content_gives_a_new_version(app, tmp_path):
    first, _, _ = install_directory(ROOT)
    copy_dir = tmp_path / "pack"
    shutil.copytree(ROOT / "rules", copy_dir / "rules")
    shutil.copytree(ROOT / "forms", copy_dir / "forms")
    manifest = copy_dir / "rules" / "pack.json"
    manifest.write_text(manifest.read_text().replace('"1.2.0"', '"1.2.1"'))
    second, created, _ = install_directory(copy_dir)
    assert created and second.id != first.id and second.content_hash != first.content_hash
    assert second.version == "1.2.1"


def test_a_broken_pack_is_refused_and_nothing_is_stored(app, tmp_path):
    copy_dir = tmp_path / "pack"
    shutil.copytree(ROOT / "rules", copy_dir / "rules")
    shutil.copytree(ROOT / "forms", copy_dir / "forms")
    (copy_dir / "rules" / "lists.json").write_text("{ not json")
    with pytest.raises(PackError) as info:
        install_directory(copy_dir)
    assert any(p.file == "rules/lists.json" for p in info.value.problems)
    assert PackVersion.select().count() == 0


def test_version_content_cannot_change(app):
    version, _, _ = install_directory(ROOT)
    files = copy.deepcopy(version.files)
    files["rules/pack.json"]["name"] = "篡改"
    version.files = files
    with pytest.raises(PackVersionIsImmutable):
        version.save()
    assert PackVersion.get_by_id(version.id).pack().manifest.name != "篡改"


def test_exactly_one_version_is_published(app):
    first, _, _ = install_directory(ROOT)
    files = copy.deepcopy(first.files)
    files["rules/pack.json"]["version"] = "2.0.0"
    second, _ = store_files(files, source="editor", parent=first)
    publish(first)
    publish(second)
    assert [v.id for v in PackVersion.select().where(PackVersion.published == True)] == [second.id]  # noqa: E712
    assert PackVersion.current().id == second.id
    entries = AuditEntry.select().where((AuditEntry.object_type == "pack_version") & (AuditEntry.action == "publish"))
    assert entries.count() == 2


def test_the_database_refuses_two_published_versions(app, db):
    import peewee
    first, _, _ = install_directory(ROOT)
    files = copy.deepcopy(first.files)
    files["rules/pack.json"]["version"] = "2.0.0"
    second, _ = store_files(files, source="editor")
    publish(first)
    with pytest.raises(peewee.IntegrityError):
        with db.atomic():
            PackVersion.update(published=True).where(PackVersion.id == second.id).execute()


def test_installing_is_audited_without_copying_the_files(app):
    with audit.acting_as(3, "装包人"):
        version, _, _ = install_directory(ROOT)
    entry = AuditEntry.get((AuditEntry.object_type == "pack_version") & (AuditEntry.action == "create"))
    assert entry.actor_name == "装包人" and entry.after["files"] == "(omitted)"
    assert entry.after["content_hash"] == version.content_hash


def test_cli_install_and_publish(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pack", "install", str(ROOT), "--publish"])
    assert result.exit_code == 0, result.output
    assert "installed" in result.output and "published" in result.output
    assert "already installed" in runner.invoke(args=["pack", "install", str(ROOT)]).output
    assert PackVersion.current() is not None


def test_stored_forms_keep_their_field_order(app):
    """Declaration order is the form's field order; storage must not sort keys."""
    version, _, _ = install_directory(ROOT)
    stored = PackVersion.get_by_id(version.id).pack().forms["decision"].schema
    assert list(stored["properties"]["votes"]["properties"]) == ["for", "against", "abstain"]


def test_other_content_under_a_stored_version_number_is_refused(app, tmp_path):
    from service.packs.store import VersionTaken
    install_directory(ROOT)
    copy_dir = tmp_path / "pack"
    shutil.copytree(ROOT / "rules", copy_dir / "rules")
    shutil.copytree(ROOT / "forms", copy_dir / "forms")
    manifest = copy_dir / "rules" / "pack.json"
    manifest.write_text(manifest.read_text().replace('"示例区"', '"另一个区"'))
    with pytest.raises(VersionTaken, match="已存在版本 1.2.0"):
        install_directory(copy_dir)
    result = app.test_cli_runner().invoke(args=["pack", "install", str(copy_dir)])
    assert result.exit_code != 0 and "bump the version" in result.output
    assert PackVersion.select().count() == 1


def test_the_pack_page_exports_its_items_with_their_rules(admin_client, version):
    import io

    from openpyxl import load_workbook
    text = admin_client.get(f"/define/packs/{version.id}?export=csv").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("编号,责任清单,类别,事项,责任主体,由谁记录,频次,目标次数,佐证表单,权重,监督主体,适用范围,检查规则,问题表述")
    assert len(lines) - 1 == len(version.pack().items)
    assert "所有单位" in text and '{""in"":[""征地拆迁"",{""var"":""tags""}]}' in text
    first_list = version.pack().lists[0]
    rows = load_workbook(io.BytesIO(admin_client.get(
        f"/define/packs/{version.id}?list={first_list.id}&export=xlsx").data)).active
    assert rows.max_row - 1 == len(version.pack().items_of(first_list.id))
    assert {row[1].value for row in rows.iter_rows(min_row=2)} == {first_list.name}


def _edited_version(version, change):
    files = copy.deepcopy(version.files)
    files["rules/pack.json"]["version"] = "1.2.1"
    change(files)
    with audit.acting_as(None, "test"):
        edited, _created = store_files(files, source="editor", parent=version, note="test")
    return edited


def test_the_diff_page_shows_what_a_draft_changes_before_it_is_published(admin_client, version):
    items = "rules/items/first-responsible.json"

    def change(files):
        files[items]["items"][0]["check"] = {">=": [{"var": "target"}, 2]}
        del files[items]["items"][1]

    draft = _edited_version(version, change)
    pack_page = admin_client.get(f"/define/packs/{draft.id}").get_data(as_text=True)
    assert f'href="/define/packs/{draft.id}/diff"' in pack_page and "发布前查看它改了什么" in pack_page
    page = admin_client.get(f"/define/packs/{draft.id}/diff").get_data(as_text=True)
    assert "从 v1.2.0 到 v1.2.1" in page
    assert "/items/0/check" in page and "fr-first-topic" in page and "修改" in page
    assert "/items/1" in page and "删除" in page and "/version" in page
    lines = admin_client.get(f"/define/packs/{draft.id}/diff?export=csv").data.decode("utf-8-sig").splitlines()
    assert lines[0] == "文件,位置,所在条目或表单,变化,之前,之后" and len(lines) == 4
    # Compared the other way round, the removal is an addition.
    back = admin_client.get(f"/define/packs/{version.id}/diff?against={draft.id}").get_data(as_text=True)
    assert "从 v1.2.1 到 v1.2.0" in back and "新增" in back


def test_the_diff_page_without_another_version_says_so(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}/diff")
    assert page.status_code == 200 and "没有可比较的版本" in page.get_data(as_text=True)
    assert admin_client.get(f"/define/packs/{version.id}/diff?against=999999").status_code == 404
    assert admin_client.get(f"/define/packs/{version.id}/diff?against=abc").status_code == 404


def test_the_published_version_compares_with_the_newest_other_by_default(admin_client, version):
    def change(files):
        files["rules/items/first-responsible.json"]["items"][0]["min_count"] = 3
    draft = _edited_version(version, change)
    page = admin_client.get(f"/define/packs/{version.id}/diff").get_data(as_text=True)
    assert "从 v1.2.1 到 v1.2.0" in page and "/items/0/min_count" in page and "没有可比较的版本" not in page
    assert f'<option value="{draft.id}" selected>' in page
