"""Validation and safe storage of uploaded underlag files.

A file is accepted only when its name's extension, its size and its content agree: a
PDF must start like a PDF, a CSV must be text, an XML file must parse safely, and so on.
Stored names are random; the user's name is kept only as text. Nothing is written until
the file has passed every check, so a refused file changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings

__all__ = ["ALLOWED", "CheckedFile", "UploadRefused", "check_upload"]

#: extension → (content type, a check of the content)
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadRefused(ValueError):
    """A refused upload; ``str(error)`` is the Swedish reason to show."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its bytes, safe metadata and a random stored name."""

    data: bytes
    original_name: str
    content_type: str
    sha256: str
    stored_name: str


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 exports: reject control bytes other than tab/CR/LF.
        return not any(b < 9 or 13 < b < 32 for b in data)
    return True


def _is_xml(data: bytes) -> bool:
    try:
        SafeET.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, SafeET.ParseError):
        return False
    return True


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


_CONTENT = {
    ".pdf": lambda d: d.startswith(b"%PDF-"),
    ".png": lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
    ".jpg": lambda d: d.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda d: d.startswith(b"\xff\xd8\xff"),
    ".csv": _is_text,
    ".txt": _is_text,
    ".xml": _is_xml,
    ".xlsx": _is_xlsx,
}


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Check an upload's name, size and content; raise :class:`UploadRefused` if any is wrong."""
    clean = PurePath(name.replace("\\", "/")).name.strip()[:200] or "fil"
    extension = PurePath(clean).suffix.lower()
    if extension not in ALLOWED:
        allowed = ", ".join(sorted(e.lstrip(".").upper() for e in ALLOWED))
        raise UploadRefused(
            f"Filtypen ”{extension or 'okänd'}” tas inte emot. Tillåtna: {allowed}."
        )
    limit = settings.BOKSLUT_UPLOAD_MAX_BYTES
    if not data:
        raise UploadRefused("Filen är tom.")
    if len(data) > limit:
        raise UploadRefused(
            f"Filen är för stor ({len(data) // 1024} kB); största tillåtna storlek är "
            f"{limit // 1024} kB."
        )
    if not _CONTENT[extension](data):
        raise UploadRefused(
            f"Filens innehåll stämmer inte med filtypen {extension.lstrip('.').upper()}."
        )
    return CheckedFile(
        data=data,
        original_name=clean,
        content_type=ALLOWED[extension],
        sha256=hashlib.sha256(data).hexdigest(),
        stored_name=f"{uuid.uuid4().hex}{extension}",
    )
