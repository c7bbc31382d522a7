"""Uploaded import files waiting between preview and confirm.

The file is kept on disk under a random token (never in the session cookie,
never trusted back from the browser), so any app server sharing the upload
folder (``UPLOAD_FOLDER``) can confirm it. ``claim`` moves the file aside with an atomic rename:
when two requests confirm the same upload at once, exactly one gets it.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file and who uploaded it."""

    token: str
    filename: str
    user_id: int | None
    data: bytes


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    if not _TOKEN.match(token or ""):  # the token names a file: nothing else may reach the path
        raise FileNotFoundError(token)
    return folder / token, folder / f"{token}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def stage(folder: str | Path, data: bytes, filename: str, user_id: int | None) -> str:
    """Keep ``data`` for a later confirm; return its token. Old leftovers are swept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sweep(folder)
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(folder, token)
    _write_atomically(meta_path, json.dumps({"filename": filename, "user_id": user_id,
                                             "at": time.time()}, ensure_ascii=False).encode())
    _write_atomically(data_path, data)
    return token


def load(folder: str | Path, token: str) -> StagedUpload | None:
    """The staged upload for ``token``, or None when it is gone or never existed."""
    try:
        data_path, meta_path = _paths(Path(folder), token)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return StagedUpload(token, meta["filename"], meta.get("user_id"), data_path.read_bytes())
    except (FileNotFoundError, ValueError, KeyError):
        return None


def claim(folder: str | Path, token: str) -> StagedUpload | None:
    """Take the upload for this request only (atomic rename); None if another took it."""
    folder = Path(folder)
    try:
        data_path, _meta = _paths(folder, token)
        claimed = folder / f"{token}.claimed-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(data_path, claimed)
    except FileNotFoundError:
        return None
    try:  # the data now lives under the claimed name
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        upload = StagedUpload(token, meta["filename"], meta.get("user_id"), claimed.read_bytes())
    except (FileNotFoundError, ValueError, KeyError):
        upload = None
    finally:
        claimed.unlink(missing_ok=True)
    return upload


def restore(folder: str | Path, upload: StagedUpload) -> None:
    """Put a claimed upload back (the user is asked to look at the preview again)."""
    data_path, _meta = _paths(Path(folder), upload.token)
    _write_atomically(data_path, upload.data)


def discard(folder: str | Path, token: str) -> None:
    """Remove the staged upload and its metadata, if still there."""
    try:
        for path in _paths(Path(folder), token):
            path.unlink(missing_ok=True)
    except FileNotFoundError:
        pass


def sweep(folder: str | Path, max_age: float = MAX_AGE_SECONDS) -> None:
    """Remove uploads nobody confirmed within ``max_age`` seconds."""
    cutoff = time.time() - max_age
    for path in Path(folder).glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass
