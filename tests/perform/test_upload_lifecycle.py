"""Issue 8 W7: uploads no record refers to are cleaned up; referenced ones never; a quota per unit."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
from pathlib import Path

import pytest

from service.audit import AuditEntry
from service.db import utcnow
from service.perform import files
from service.perform.models import Draft, StoredFile
from service.tasks.models import PeriodicClaim

from .test_records import _talk_fields

NINE_MB = 9 * 1024 * 1024


def _upload(clerk, size=NINE_MB, name="会议记录.pdf", refs=(), route="refresh"):
    """One form post carrying a new file (and the references the page still holds)."""
    fields = _talk_fields()
    fields["attachments"] = (io.BytesIO(b"%PDF-1.4 " + b"x" * (size - 9)), name, "application/pdf")
    if refs:
        fields = list(fields.items()) + [("attachments/__file", json.dumps(ref)) for ref in refs]
        data = {}
        for key, value in fields:
            data.setdefault(key, []).append(value)
        fields = {k: v if len(v) > 1 else v[0] for k, v in data.items()}
    if route == "field":
        fields["__field"] = "attachments"
    return clerk.post(f"/perform/fill/talk/{route}", fields, htmx=True, content_type="multipart/form-data")


def _files_on_disk(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _cleanup(app, hours_later: float):
    with app.app_context():
        return files.cleanup(app.config["UPLOAD_FOLDER"], app.config["UPLOAD_PENDING_HOURS"],
                             now=utcnow() + dt.timedelta(hours=hours_later))


def test_three_abandoned_9mb_uploads_are_deleted_after_the_grace_period(clerk, app):
    """The attack from the review: 27 MB kept forever. Now they go 24 h after the draft last held them."""
    for route in ("refresh", "field", "refresh"):  # each post drops the previous file's reference
        assert _upload(clerk, route=route).status_code == 200
    assert StoredFile.select().count() == 3 and len(_files_on_disk(app)) == 3
    assert files.usage(StoredFile.get().unit_id) == 3 * NINE_MB
    draft = Draft.get()
    assert len(draft.data["attachments"]) == 1  # the draft holds only the last one
    clerk.post(f"/perform/drafts/{draft.id}/discard")  # ... and then nobody holds any

    report = _cleanup(app, 23)
    assert report.deleted == 0 and StoredFile.select().count() == 3  # within the grace period: kept
    report = _cleanup(app, 25)
    assert report.deleted == 3 and report.freed_bytes == 3 * NINE_MB
    assert StoredFile.select().count() == 0 and _files_on_disk(app) == []
    deletions = AuditEntry.select().where((AuditEntry.object_type == "stored_file") & (AuditEntry.action == "delete"))
    assert deletions.count() == 3


def test_files_a_record_or_a_draft_refers_to_survive_however_old(clerk, app):
    kept = _upload(clerk, size=1000, name="记录附件.pdf")
    assert kept.status_code == 200
    ref = Draft.get().data["attachments"][0]
    fields = _talk_fields()
    fields["attachments/__file"] = json.dumps(ref)
    assert clerk.post("/perform/fill/talk", fields).status_code == 302  # submitted: a record refers to it
    assert StoredFile.get_by_id(ref["id"]).kept

    # A draft of another duty holds a second file; a third is dropped from it.
    assert _upload(clerk, size=2000, name="草稿附件.pdf").status_code == 200
    held = Draft.get().data["attachments"][0]
    assert _upload(clerk, size=3000, name="丢弃.pdf", refs=[held]).status_code == 200
    dropped = next(f for f in StoredFile.select() if f.name == "丢弃.pdf")
    fields = _talk_fields()
    fields["attachments/__file"] = json.dumps(held)
    clerk.post("/perform/fill/talk/refresh", fields, htmx=True)  # the clerk removes the third one

    report = _cleanup(app, 24 * 30)
    assert report.deleted == 1 and report.held_by_drafts == 1
    assert {f.name for f in StoredFile.select()} == {"记录附件.pdf", "草稿附件.pdf"}
    assert len(_files_on_disk(app)) == 2 and not StoredFile.get_or_none(StoredFile.id == dropped.id)
    assert clerk.get(f"/files/{ref['id']}").status_code == 200
    assert clerk.get(f"/files/{held['id']}").status_code == 200
    assert clerk.get(f"/files/{dropped.id}").status_code == 404


def test_a_record_that_refers_to_a_file_not_marked_kept_still_keeps_it(clerk, app):
    """Safety net for any writer of record data that forgets ``files.keep``: cleanup reads recent records."""
    _upload(clerk, size=500)
    ref = Draft.get().data["attachments"][0]
    fields = _talk_fields()
    fields["attachments/__file"] = json.dumps(ref)
    clerk.post("/perform/fill/talk", fields)
    StoredFile.update(kept=False).execute()
    report = _cleanup(app, 48)
    assert report.deleted == 0 and report.found_in_records == 1 and StoredFile.get_by_id(ref["id"]).kept


def test_a_unit_over_its_quota_is_refused_with_a_clear_message_and_nothing_is_stored(clerk, app):
    app.config["UPLOAD_QUOTA_BYTES"] = 20 * 1024 * 1024
    assert _upload(clerk).status_code == 200
    assert _upload(clerk).status_code == 200
    refused = _upload(clerk, name="第三份.pdf")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "本单位的附件存储空间已满" in text and "已用 18.0 MB，上限 20.0 MB" in text and "24 小时后自动清理" in text
    assert StoredFile.select().count() == 2 and len(_files_on_disk(app)) == 2
    # Abandoned ones free the space once cleaned up.
    clerk.post(f"/perform/drafts/{Draft.get().id}/discard")
    _cleanup(app, 25)
    assert _upload(clerk).status_code == 200


def test_no_quota_when_the_setting_is_zero(clerk, app):
    app.config["UPLOAD_QUOTA_BYTES"] = 0
    assert _upload(clerk, size=1000).status_code == 200


def test_bytes_without_a_row_and_half_written_uploads_are_swept_when_old(app, clerk):
    root = Path(app.config["UPLOAD_FOLDER"])
    (root / "ab").mkdir(parents=True)
    orphan = root / "ab" / "ab000000-0000-4000-8000-000000000000"
    part = root / ".ab000000-0000-4000-8000-000000000001.part"
    fresh = root / "ab" / "ab000000-0000-4000-8000-000000000002"
    other = root / "ab" / "README"  # not ours: never touched
    for path in (orphan, part, fresh, other):
        path.write_bytes(b"x")
    old = time.time() - 3 * 24 * 3600
    for path in (orphan, part, other):
        os.utime(path, (old, old))
    imports = root / "imports"
    imports.mkdir()
    (imports / "stale-token").write_bytes(b"x")
    os.utime(imports / "stale-token", (old, old))
    with app.app_context():
        report = files.cleanup(str(root), 24)
    assert report.orphan_bytes == 2
    assert not orphan.exists() and not part.exists() and fresh.exists() and other.exists()
    assert not (imports / "stale-token").exists()


def test_the_hourly_task_and_the_cli_run_the_same_cleanup_once_per_slot(clerk, app):
    from service.perform.tasks import cleanup_uploads
    _upload(clerk, size=1000)
    clerk.post(f"/perform/drafts/{Draft.get().id}/discard")
    two_days_ago = utcnow() - dt.timedelta(days=2)
    StoredFile.update(created_at=two_days_ago, last_seen_at=two_days_ago).execute()
    assert "deleted 1 unreferenced upload(s)" in cleanup_uploads.call_local()
    assert StoredFile.select().count() == 0
    assert cleanup_uploads.call_local() is None  # the same hour's slot is taken
    with app.app_context():
        claim = PeriodicClaim.get()
    assert claim.task == "service.perform.tasks.cleanup_uploads" and claim.finished_at
    result = app.test_cli_runner().invoke(args=["files", "cleanup"])
    assert result.exit_code == 0 and "deleted 0 unreferenced upload(s)" in result.output


def test_referenced_ids_reads_references_anywhere_in_the_answers():
    a, b = "0f0e0d0c-0000-4000-8000-000000000001", "0f0e0d0c-0000-4000-8000-000000000002"
    data = {"x": [{"id": a, "name": "a.pdf"}], "nested": {"deeper": {"id": b}}, "id": "not-a-uuid", "n": 3}
    assert files.referenced_ids(data) == {a, b}
    assert files.referenced_ids(None) == set()


@pytest.mark.parametrize("hours", [0, -5])
def test_the_grace_period_is_never_shorter_than_an_hour(clerk, app, hours):
    """An upload in flight (bytes stored, draft not yet saved) must not be swept."""
    _upload(clerk, size=100)
    clerk.post(f"/perform/drafts/{Draft.get().id}/discard")
    with app.app_context():
        assert files.cleanup(app.config["UPLOAD_FOLDER"], hours).deleted == 0
