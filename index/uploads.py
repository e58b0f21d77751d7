"""Uploaded report files, kept under ``GONGKAI_HOME/uploads`` by content hash: written once, for every
front end that takes a file from a client (the API's upload route, the chat's Upload tab)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from index.faults import fault_of
from ingest.loaders import SUPPORTED


class UnsupportedUpload(ValueError):
    """A file of a type no loader reads: that file fails (the batch goes on); the message says which type."""


def upload_path(home: Path, filename: str, data: bytes) -> Path:
    """Where an upload is kept: GONGKAI_HOME/uploads/<content hash><suffix> — the client's name never becomes a path."""
    suffix = Path(filename.replace("\\", "/")).suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedUpload(f"unsupported file type {suffix or '(none)'!r}")
    return home / "uploads" / f"{hashlib.sha256(data).hexdigest()[:32]}{suffix}"


def store_upload(home: Path, filename: str, data: bytes) -> Path:
    """Save an upload by content hash (see :func:`upload_path`). A write that fails (a full disk) leaves
    no partial file and raises the fault (``DiskFull``)."""
    path = upload_path(home, filename, data)
    folder = path.parent
    if not path.exists():  # written once, atomically: a concurrent upload of the same file never sees it half-written
        tmp = folder / f".{path.name}.{uuid.uuid4().hex}.part"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise fault_of(exc) or exc from exc
    return path
