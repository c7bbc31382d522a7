"""Which Content-Type an evidence file is served with.

The type a client sent with an upload is only its word: a file called ``report.pdf``
and sent as ``application/pdf`` may hold HTML. Downloads are always attachments with
``X-Content-Type-Options: nosniff``, and they name a type only when the file's own
first bytes show it is one of a few types that cannot run script in our origin;
anything else is ``application/octet-stream``.
"""
from __future__ import annotations

from pathlib import Path

OCTET_STREAM = "application/octet-stream"

# Office formats are ZIP (OOXML) or OLE containers: the content shows the container,
# the claimed type says which document it is.
_OOXML = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
_OLE = {"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"}


def sniff(head: bytes, claimed: str = "") -> str:
    """The safe type ``head`` (a file's first bytes) shows, else octet-stream."""
    claimed = (claimed or "").split(";")[0].strip().lower()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04") and claimed in _OOXML:
        return claimed
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and claimed in _OLE:
        return claimed
    return OCTET_STREAM


def served_type(path: Path, claimed: str = "") -> str:
    """The Content-Type to serve the file at ``path`` with."""
    with open(path, "rb") as fh:
        return sniff(fh.read(16), claimed)
