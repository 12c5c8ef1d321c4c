"""The uploaded file between its preview and "Import N rows": kept on the server.

The bytes are stored under their SHA-256 in a private directory; the commit form carries
only a signed key (the hash, the file's name and kind, the mission, the user, and the digest
of the preview shown), so a commit applies exactly the file previewed, by whoever previewed
it. Files older than a day are removed whenever another is stored.
"""

import hashlib
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from transfer.tabular import MAX_UPLOAD_BYTES

SALT = "transfer.import"
MAX_AGE = 24 * 3600


def upload_dir() -> Path:
    path = Path(
        getattr(settings, "TRANSFER_UPLOAD_DIR", "")
        or Path(tempfile.gettempdir()) / "trade-mission-imports"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(data: bytes) -> str:
    folder = upload_dir()
    digest = hashlib.sha256(data).hexdigest()
    target = folder / digest
    if not target.exists():
        partial = folder / f".{digest}.{os.getpid()}"
        partial.write_bytes(data)
        partial.replace(target)
    now = time.time()
    for old in folder.iterdir():
        try:
            if now - old.stat().st_mtime > MAX_AGE:
                old.unlink()
        except OSError:
            pass
    return digest


def load(digest: str) -> bytes | None:
    if len(digest) != 64 or not all(char in "0123456789abcdef" for char in digest):
        return None
    try:
        data = (upload_dir() / digest).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


def sign(payload: dict) -> str:
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None


class LimitedUploadHandler(FileUploadHandler):
    """Stops reading a file past MAX_UPLOAD_BYTES (when the request's length did not
    already say so): the rest is never held in memory nor written to disk."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
