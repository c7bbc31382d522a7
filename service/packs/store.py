"""Installed pack versions: immutable, content-hashed rows in the database.

Installing the same content twice gives the same version back. A version's
files never change after it is stored; the web editor saves a *new* version
(with ``parent`` pointing at the one it came from). Exactly one version is
published at a time; records, plans and results point at the version they
were made under, so they keep rendering and re-checking under their own rules.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import peewee

from .. import audit
from ..db import BaseModel, JSONField, database, utcnow
from .loader import build_pack, read_pack_files
from .model import Pack, content_hash
from .problems import PackError, Problem

SOURCES = ("install", "editor", "import")


class PackVersionIsImmutable(Exception):
    """Raised when code tries to change a stored version's content."""


class VersionTaken(ValueError):
    """Different content under a version number that is already stored."""

    def __init__(self, pack_id: str, version: str):
        self.pack_id, self.version = pack_id, version
        super().__init__(f"规则包 {pack_id} 已存在版本 {version}，但内容不同：请先修改 rules/pack.json 中的 version 再安装"
                         f" / pack {pack_id} already has a version {version} with other content: bump the version first")


class PackVersion(BaseModel):
    """One stored version of a rule pack."""

    pack_id = peewee.CharField(max_length=100, index=True)
    name = peewee.CharField(max_length=200)
    version = peewee.CharField(max_length=50)
    content_hash = peewee.CharField(max_length=64)
    files = JSONField()
    parent = peewee.ForeignKeyField("self", null=True, on_delete="RESTRICT", backref="children")
    source = peewee.CharField(max_length=20)
    note = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    created_by = peewee.CharField(max_length=100)
    published = peewee.BooleanField(default=False)
    published_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "pack_version"

    _audit_omit = ("files",)
    _IMMUTABLE = ("pack_id", "version", "content_hash", "files", "parent", "source", "created_at")

    def save(self, *args, **kwargs):
        if self.id is not None and not kwargs.get("force_insert"):
            dirty = set(self.dirty_fields and [f.name for f in self.dirty_fields])
            if dirty & set(self._IMMUTABLE):
                raise PackVersionIsImmutable(f"pack version {self.id} cannot change: {sorted(dirty)}")
        return super().save(*args, **kwargs)

    @property
    def short_hash(self) -> str:
        return self.content_hash[:10]

    @property
    def label(self) -> str:
        """How people name this version: 名称 v1.0.0 (abc123…)."""
        return f"{self.name} v{self.version} ({self.short_hash})"

    def pack(self) -> Pack:
        """The loaded pack of this version (cached by content hash: versions are immutable)."""
        return _pack_for_hash(self.content_hash, self.id)

    @classmethod
    def light_fields(cls) -> tuple:
        """Every column but ``files``: enough for labels and ``pack()`` (cached by id),
        so list queries that join a version do not parse whole packs per row."""
        return tuple(f for f in cls._meta.sorted_fields if f.name != "files")

    @classmethod
    def current(cls) -> "PackVersion | None":
        """The published version (light: without ``files``), or None before anything is published."""
        return cls.select(*cls.light_fields()).where(cls.published == True).first()  # noqa: E712


PackVersion._meta.only_save_dirty = True


@functools.lru_cache(maxsize=32)
def _pack_for_hash(content_hash_: str, version_id: int) -> Pack:
    files = PackVersion.get_by_id(version_id).files
    return build_pack(files)


def store_files(files: dict[str, Any], *, source: str, parent: PackVersion | None = None,
                note: str = "") -> tuple[PackVersion, bool]:
    """Store ``files`` as a version unless identical content exists; (version, created)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    pack = build_pack(files)
    digest = content_hash(files)
    existing = PackVersion.get_or_none((PackVersion.pack_id == pack.manifest.id)
                                       & (PackVersion.content_hash == digest))
    if existing:
        return existing, False
    if PackVersion.select().where((PackVersion.pack_id == pack.manifest.id)
                                  & (PackVersion.version == pack.manifest.version)).exists():
        # One version number names one content, here and in every district it travels to.
        raise VersionTaken(pack.manifest.id, pack.manifest.version)
    _, actor = audit.current_actor()
    try:
        with database.atomic():
            version = audit.create(PackVersion, pack_id=pack.manifest.id, name=pack.manifest.name,
                                   version=pack.manifest.version, content_hash=digest, files=files,
                                   parent=parent, source=source, note=note, created_by=actor)
    except peewee.IntegrityError:  # another server stored the same content a moment ago
        return PackVersion.get((PackVersion.pack_id == pack.manifest.id)
                               & (PackVersion.content_hash == digest)), False
    return version, True


def install_directory(path: str | Path, *, check: bool = True) -> tuple[PackVersion, bool, list[Problem]]:
    """Check and store the pack in directory ``path``.

    Returns (version, created, problems). With ``check`` a pack with problems is
    refused (PackError carrying the problems) so a broken pack never gets a version.
    """
    files, problems = read_pack_files(path)
    if check:
        from .check import check_pack
        problems = problems + check_pack(path)
    if problems and check:
        raise PackError(problems)
    version, created = store_files(files, source="install")
    return version, created, problems


def publish(version: PackVersion) -> PackVersion:
    """Make ``version`` the one published version (audited; the previous one is retired)."""
    with database.atomic():
        for current in PackVersion.select().where(PackVersion.published == True):  # noqa: E712
            if current.id != version.id:
                audit.update(current, published=False)
        if not version.published:
            audit.update(version, published=True, published_at=utcnow())
            audit.record("publish", "pack_version", version.id, None, {"label": version.label})
    return version
