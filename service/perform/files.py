"""The life of evidence files: pending until a record refers to them, a quota per unit,
and the cleanup of uploads nobody refers to. No Flask.

An upload is stored at once (the clerk sees it in the form), but until a
submitted record refers to it, it is *pending*. A draft that holds it keeps it
(``touch`` notes when); once neither a record nor a draft refers to it for
``UPLOAD_PENDING_HOURS``, ``cleanup`` deletes the row (audited) and the bytes.
A file a record refers to is ``kept`` and never cleaned up. Every stored byte,
pending or kept, counts against the unit's quota (``UPLOAD_QUOTA_BYTES``).
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from .. import audit
from ..db import database, utcnow
from .models import Draft, Record, StoredFile

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHARD = re.compile(r"^[0-9a-f]{2}$")
_PART = re.compile(r"^\.[0-9a-f-]{36}\.part$")
MIN_PENDING_HOURS = 1  # never less: an upload in flight must not lose its bytes


def referenced_ids(data) -> set[str]:
    """Ids of the stored files an answer set refers to ({"id": <uuid>, ...} anywhere in it).

    Read without the form's schema on purpose: a reference in a field the
    current form no longer has still keeps its file.
    """
    found: set[str] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("id")
            if isinstance(ref, str) and _UUID.match(ref):
                found.add(ref)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def usage(unit_id: int) -> int:
    """Bytes the unit's stored files take, pending and kept."""
    return StoredFile.select(fn.COALESCE(fn.SUM(StoredFile.size), 0)).where(StoredFile.unit == unit_id).scalar() or 0


def keep(unit_id: int, data) -> int:
    """A record of this unit now refers to the files in ``data``: keep them for good.

    Every code path that writes a record's data (submission, later revisions)
    calls this in the same transaction. Bookkeeping, not audited: the record's
    own audit entry holds the references.
    """
    ids = sorted(referenced_ids(data))
    if not ids:
        return 0
    return (StoredFile.update(kept=True)
            .where((StoredFile.unit == unit_id) & StoredFile.id.in_(ids) & (StoredFile.kept == False))  # noqa: E712
            .execute())


def touch(unit_id: int, data) -> int:
    """A draft of this unit holds the files in ``data`` now: their grace period starts again."""
    ids = sorted(referenced_ids(data))
    if not ids:
        return 0
    return (StoredFile.update(last_seen_at=utcnow())
            .where((StoredFile.unit == unit_id) & StoredFile.id.in_(ids) & (StoredFile.kept == False))  # noqa: E712
            .execute())


@dataclass
class CleanupReport:
    """What one cleanup did."""

    deleted: int = 0          # pending files nobody referred to: row and bytes removed
    freed_bytes: int = 0
    held_by_drafts: int = 0   # pending, past the grace period, but a draft still holds them
    found_in_records: int = 0  # pending by the flag, but a record refers to them: now kept
    orphan_bytes: int = 0     # files on disk without a row (a crash between the two), removed

    def line(self) -> str:
        return (f"deleted {self.deleted} unreferenced upload(s), {self.freed_bytes / 1048576:.1f} MB freed; "
                f"{self.held_by_drafts} held by drafts; {self.found_in_records} found in records and kept; "
                f"{self.orphan_bytes} orphaned file(s) on disk removed")


def _last_seen():
    return fn.COALESCE(StoredFile.last_seen_at, StoredFile.created_at)


def cleanup(upload_folder: str, pending_hours: int, *, now: dt.datetime | None = None) -> CleanupReport:
    """Delete pending uploads no record or draft has referred to for ``pending_hours``."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(hours=max(MIN_PENDING_HOURS, pending_hours))
    report = CleanupReport()
    candidates = list(StoredFile.select().where((StoredFile.kept == False) & (_last_seen() < cutoff)))  # noqa: E712
    if candidates:
        units = sorted({c.unit_id for c in candidates})
        in_drafts: dict[int, set[str]] = {}
        for draft in Draft.select(Draft.unit, Draft.data).where(Draft.unit.in_(units)).iterator():
            in_drafts.setdefault(draft.unit_id, set()).update(referenced_ids(draft.data))
        # A reference can only be in data written after the file was stored:
        # records older than the oldest candidate need not be read.
        oldest = min(c.created_at for c in candidates)
        in_records: dict[int, set[str]] = {}
        for record in (Record.select(Record.unit, Record.data)
                       .where(Record.unit.in_(units) & (Record.updated_at >= oldest)).iterator()):
            in_records.setdefault(record.unit_id, set()).update(referenced_ids(record.data))
        for stored in candidates:
            if stored.id in in_records.get(stored.unit_id, ()):
                StoredFile.update(kept=True).where(StoredFile.id == stored.id).execute()
                report.found_in_records += 1
            elif stored.id in in_drafts.get(stored.unit_id, ()):
                StoredFile.update(last_seen_at=now).where(StoredFile.id == stored.id).execute()
                report.held_by_drafts += 1
            elif _delete(stored, cutoff, upload_folder):
                report.deleted += 1
                report.freed_bytes += stored.size
    report.orphan_bytes = _sweep_disk(Path(upload_folder), cutoff)
    _sweep_imports(Path(upload_folder))
    return report


def _delete(stored: StoredFile, cutoff: dt.datetime, upload_folder: str) -> bool:
    """Delete the row (audited) if it is still pending and unseen, then its bytes."""
    with database.atomic():
        before = audit.snapshot(stored)
        # Conditional: a draft saved meanwhile (touch) or a record (keep) wins.
        gone = StoredFile.delete().where((StoredFile.id == stored.id) & (StoredFile.kept == False)  # noqa: E712
                                         & (_last_seen() < cutoff)).execute()
        if gone:
            audit.record("delete", "stored_file", stored.id, before, None)
    if gone:
        root = Path(upload_folder).resolve()
        path = (root / stored.path).resolve()
        if root in path.parents:
            path.unlink(missing_ok=True)
    return bool(gone)


def _sweep_disk(root: Path, cutoff: dt.datetime) -> int:
    """Remove stored bytes without a row and half-written uploads, older than ``cutoff``."""
    if not root.is_dir():
        return 0
    limit = time.time() - (utcnow() - cutoff).total_seconds()
    removed = 0
    for entry in root.iterdir():
        if entry.is_file() and _PART.match(entry.name) and entry.stat().st_mtime < limit:
            entry.unlink(missing_ok=True)
            removed += 1
        elif entry.is_dir() and _SHARD.match(entry.name):
            old = {p.name: p for p in entry.iterdir()
                   if p.is_file() and _UUID.match(p.name) and p.stat().st_mtime < limit}
            names = sorted(old)
            for start in range(0, len(names), 500):
                chunk = names[start:start + 500]
                known = {row[0] for row in StoredFile.select(StoredFile.id).where(StoredFile.id.in_(chunk)).tuples()}
                for name in chunk:
                    if name not in known:
                        old[name].unlink(missing_ok=True)
                        removed += 1
    return removed


def _sweep_imports(root: Path) -> None:
    """Unit-import files nobody confirmed (they are otherwise swept only by the next import)."""
    from ..units import staging
    if (root / "imports").is_dir():
        staging.sweep(root / "imports")
