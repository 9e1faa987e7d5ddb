"""Files respondents attach (photo, recording, video, document): checked by their content, not their name;
photos re-encoded without their metadata (location, camera, time) and scaled to the form's max-pixels; stored
outside the database beside the response, under SCRI_UPLOAD_DIR/<round>/<response>/<question>.<ext>.

The stored answer is {"file", "type", "size", "sha256"}: no original file name (it may name a person)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

from flask import current_app

#: (magic prefix or None, offset, MIME type, extension); ftyp boxes are told apart by their brand.
_SIGNATURES = (
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
    (b"%PDF-", 0, "application/pdf", "pdf"),
    (b"OggS", 0, "audio/ogg", "ogg"),
    (b"ID3", 0, "audio/mpeg", "mp3"),
    (b"#!AMR", 0, "audio/amr", "amr"),
    (b"fLaC", 0, "audio/flac", "flac"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm", "webm"),
)
_FTYP = {b"M4A ": ("audio/mp4", "m4a"), b"3gp4": ("video/3gpp", "3gp"), b"3gp5": ("video/3gpp", "3gp"),
         b"3gp6": ("video/3gpp", "3gp"), b"qt  ": ("video/quicktime", "mov"), b"heic": ("image/heic", "heic"),
         b"heix": ("image/heic", "heic"), b"mif1": ("image/heic", "heic")}  # fmt: skip
_OFFICE = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
           "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
           "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")}  # fmt: skip
#: What each question type accepts, by MIME type.
ACCEPTED = {
    "image": {"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"},
    "audio": {"audio/mpeg", "audio/ogg", "audio/mp4", "audio/amr", "audio/wav", "audio/flac", "video/webm"},
    "video": {"video/mp4", "video/webm", "video/quicktime", "video/3gpp"},
    "file": {"application/pdf", "image/jpeg", "image/png", "text/plain", *(m for m, _e in _OFFICE.values())},
}
DEFAULT_MAX_PIXELS = 2048


class UploadRefused(ValueError):
    """A file that is empty, too large or not of a kind the question accepts (the message says which)."""


def sniff(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) told from a file's first bytes, or None."""
    for magic, offset, mime, ext in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return mime, ext
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE"):
        return ("image/webp", "webp") if data[8:12] == b"WEBP" else ("audio/wav", "wav")
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return _FTYP.get(brand, ("video/mp4", "mp4"))
    if data[:4] == b"PK\x03\x04":
        return _office(data)
    if data and b"\x00" not in data[:4096]:
        try:
            data[:4096].decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain", "txt"
    return None


def _office(data: bytes) -> tuple[str, str] | None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    for prefix, kind in _OFFICE.items():
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def checked(kind: str, data: bytes, max_pixels: int | None = None) -> tuple[bytes, str, str]:
    """(bytes to store, MIME type, extension) of an upload, or UploadRefused; photos lose their metadata."""
    limit = current_app.config["SCRI_UPLOAD_FILE_BYTES"]
    if not data:
        raise UploadRefused("empty")
    if len(data) > limit:
        raise UploadRefused("large")
    found = sniff(data)
    if found is None or found[0] not in ACCEPTED[kind]:
        raise UploadRefused("kind")
    mime, ext = found
    if mime in ("image/jpeg", "image/png", "image/webp"):
        data = without_metadata(data, mime, max_pixels or DEFAULT_MAX_PIXELS)
    return data, mime, ext


def without_metadata(data: bytes, mime: str, max_pixels: int) -> bytes:
    """A photo re-encoded from its pixels only (turned upright first), no larger than max_pixels a side."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 80_000_000  # a decompression bomb is refused, not decoded
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_pixels, max_pixels))
            if mime == "image/jpeg" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format={"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[mime], quality=88)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UploadRefused("kind") from None
    return out.getvalue()


def folder() -> Path:
    return Path(current_app.config.get("SCRI_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")


def store(round_id: int, response_id: int, code: str, data: bytes, mime: str, ext: str) -> dict[str, Any]:
    """Write the file (atomically) and return the answer that points to it."""
    relative = f"{round_id}/{response_id}/{code}.{ext}"
    path = folder() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{code}.*"):
        if old.suffix != f".{ext}":
            old.unlink(missing_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return {"file": relative, "type": mime, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def path_of(value: Any) -> Path | None:
    """The stored file of an answer (None when it is not a stored file or it is gone)."""
    if not isinstance(value, dict) or not isinstance(value.get("file"), str) or ".." in value["file"]:
        return None
    path = folder() / value["file"]
    return path if path.is_file() else None


def remove(value: Any) -> None:
    path = path_of(value)
    if path is not None:
        path.unlink(missing_ok=True)


def remove_response(round_id: int, response_id: int) -> None:
    """Every file of one response (when the response itself is deleted)."""
    shutil.rmtree(folder() / str(round_id) / str(response_id), ignore_errors=True)
