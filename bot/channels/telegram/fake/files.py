"""Uploaded and user-sent files: ids for messages, paths for getFile, bytes for the download route."""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as it arrived."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None
    mime_type: str | None
    width: int = 0
    height: int = 0

    def photo_sizes(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_size": len(self.content),
                "width": self.width,
                "height": self.height,
            }
        ]

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def file(self) -> dict[str, Any]:
        """The getFile answer."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}

    def add_photo(self, content: bytes) -> StoredFile:
        size = image_size(content)
        if size is None:
            raise ValueError("not a PNG, GIF, JPEG or WebP image")
        return self._add("photos", ".jpg", content, None, None, size)

    def add_document(self, filename: str, content: bytes, mime_type: str | None = None) -> StoredFile:
        mime = mime_type or mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
        suffix = "." + filename.rsplit(".", 1)[1] if "." in filename else ""
        return self._add("documents", suffix, content, filename, mime, (0, 0))

    def _add(
        self, folder: str, suffix: str, content: bytes, name: str | None, mime: str | None, size: tuple[int, int]
    ) -> StoredFile:
        number = len(self.by_id) + 1
        digest = hashlib.sha256(content).hexdigest()
        stored = StoredFile(
            file_id=f"{'AgAC' if folder == 'photos' else 'BQAC'}AgIAAxkBAAI{number:06d}{digest[:24]}",
            file_unique_id=f"AQAD{digest[:12]}",
            content=content,
            file_path=f"{folder}/file_{number}{suffix}",
            file_name=name,
            mime_type=mime,
            width=size[0],
            height=size[1],
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP; None for anything Telegram would not take as a photo."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return 512, 512
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        (length,) = struct.unpack(">H", content[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None
