"""Reading a bundle file with hard limits: its zip directory, its manifest, and its data streamed to a scratch file.

Nothing from the file is trusted before it is checked: the zip's directory is read by hand first
(two members, no more), the manifest is read up to MAX_MANIFEST_BYTES, and sessions.sqlite is
copied out in chunks with a running count that stops the moment a limit is passed, so a deflate
bomb costs a few milliseconds and a megabyte of memory, never its inflated size.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO, cast

from ..db import SQLITE_HEADER
from ..schema import CURRENT_VERSION
from .format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    DATA_NAME,
    MANIFEST_NAME,
    MAX_COMPRESSION_RATIO,
    MAX_DATA_BYTES,
    MAX_MANIFEST_BYTES,
    ZIP_MAGIC,
    BundleError,
    Manifest,
    printable,
)

CHUNK = 1 << 20
END_RECORD = b"PK\x05\x06"  # the zip's end-of-central-directory record
END_RECORD_SIZE = 22
MAX_ZIP_COMMENT = 0xFFFF
MAX_FILE_BYTES = MAX_DATA_BYTES + MAX_MANIFEST_BYTES + 64 * 1024  # both members and the zip's own records


def read_bundle(path: str | os.PathLike[str]) -> Manifest:
    """The manifest of a bundle whose zip, manifest, size limits and checksum are all right; else BundleError.

    The data is checked as it is streamed to a scratch file, which is removed again; importing
    checks the tables and every value as well.
    """
    with tempfile.TemporaryDirectory(prefix="trainer-bundle-") as tmp:
        manifest, _ = extract_bundle(path, Path(tmp))
    return manifest


def extract_bundle(path: str | os.PathLike[str], folder: Path) -> tuple[Manifest, Path]:
    """The bundle's checked manifest, and its sessions.sqlite copied into folder (checksum verified)."""
    path = Path(path)
    _check_file(path)
    try:
        with path.open("rb") as f:
            _check_directory(path, f)
            with zipfile.ZipFile(f) as zf:
                _check_members(path, zf)
                manifest = _read_manifest(path, zf)
                target = folder / DATA_NAME
                digest, size = _copy_data(path, zf, manifest, target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error, ValueError) as e:
        raise BundleError(path, f"is damaged or incomplete; was it copied completely? ({printable(str(e), 200)})") from e
    expected = manifest["data"]
    if size != expected["bytes"] or digest != expected["sha256"]:
        raise BundleError(
            path,
            f"is damaged: its checksum does not match the manifest "
            f"(sha256 {digest[:12]}…, expected {printable(expected['sha256'], 12)}…)",
        )
    with target.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BundleError(path, f"is damaged: {DATA_NAME} is not an SQLite file")
    return manifest, target


def _check_file(path: Path) -> None:
    if not path.exists():
        raise BundleError(path, "no such file")
    if path.is_dir():
        raise BundleError(path, "is a folder, not a bundle file")
    try:
        with path.open("rb") as f:
            head = f.read(16)
        size = path.stat().st_size
    except OSError as e:
        raise BundleError(path, f"cannot be read ({e.strerror or e})") from e
    if head.startswith(SQLITE_HEADER):
        raise BundleError(
            path, "is an SQLite database, not a bundle; on the kiosk, export a bundle with `export-bundle` and import that file"
        )
    if not head.startswith(ZIP_MAGIC):
        raise BundleError(path, "is not a trainer bundle (not a file made by `export-bundle`)")
    if size > MAX_FILE_BYTES:
        raise BundleError(path, f"is too big to be a bundle ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")


def _check_directory(path: Path, f: BinaryIO) -> None:
    """The zip's end record, read before zipfile reads the directory (which it would hold whole in memory)."""
    size = f.seek(0, os.SEEK_END)
    tail_len = min(size, END_RECORD_SIZE + MAX_ZIP_COMMENT)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(END_RECORD)
    if at < 0 or at + END_RECORD_SIZE > len(tail):
        raise zipfile.BadZipFile("no end of the zip directory")
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > 8 or directory_bytes > 64 * 1024:
        raise BundleError(
            path, f"is not a trainer bundle (a zip with {entries} members; a bundle holds {MANIFEST_NAME} and {DATA_NAME})"
        )


def _check_members(path: Path, zf: zipfile.ZipFile) -> None:
    names = zf.namelist()
    if sorted(names) != sorted([MANIFEST_NAME, DATA_NAME]):
        if MANIFEST_NAME in names and DATA_NAME in names:
            listed = ", ".join(printable(n, 40) for n in names[:8])
            raise BundleError(
                path, f"is not a trainer bundle: it holds {listed}; a bundle holds exactly {MANIFEST_NAME} and {DATA_NAME}"
            )
        raise BundleError(path, f"is a zip archive, but not a trainer bundle (no {MANIFEST_NAME} and {DATA_NAME} inside)")
    for info in zf.infolist():
        limit = MAX_MANIFEST_BYTES if info.filename == MANIFEST_NAME else MAX_DATA_BYTES
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(
                path,
                f"is not a trainer bundle: {info.filename} is packed with method "
                f"{info.compress_type} (a bundle is stored, not compressed)",
            )
        if info.file_size > limit:
            raise BundleError(
                path, f"is refused: {info.filename} would unpack to {info.file_size:,} bytes (the limit is {limit:,})"
            )
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1) + 4096:
            raise BundleError(
                path,
                f"is refused: {info.filename} would unpack to {info.file_size:,} bytes from "
                f"{info.compress_size:,} (a compression bomb?)",
            )


def _read_manifest(path: Path, zf: zipfile.ZipFile) -> Manifest:
    with zf.open(MANIFEST_NAME) as src:
        raw = src.read(MAX_MANIFEST_BYTES + 1)
    if len(raw) > MAX_MANIFEST_BYTES:
        raise BundleError(path, f"is refused: its manifest is over {MAX_MANIFEST_BYTES:,} bytes")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        reason = "nested too deeply" if isinstance(e, RecursionError) else printable(str(e), 120)
        raise BundleError(path, f"is damaged: its manifest cannot be read ({reason})") from None
    return check_manifest(path, manifest)


def check_manifest(path: Path, m: object) -> Manifest:
    """The manifest, its keys that the import relies on checked for type and range."""
    if not isinstance(m, dict) or m.get("format") != BUNDLE_FORMAT:
        raise BundleError(path, "is not a trainer bundle (its manifest names another format)")
    version, schema = m.get("format_version"), m.get("schema_version")
    if type(version) is not int or type(schema) is not int or version < 1 or schema < 1:
        raise BundleError(path, "is damaged: its manifest lacks the format or schema version")
    if version > BUNDLE_FORMAT_VERSION or schema > CURRENT_VERSION:
        raise BundleError(
            path,
            f"was made by a newer version of the trainer (app "
            f"{printable(m.get('app_version', '?'), 20)}, bundle format {version}, schema "
            f"{schema}; this version reads up to format {BUNDLE_FORMAT_VERSION}, schema "
            f"{CURRENT_VERSION}). Update the app to import it.",
        )
    data = m.get("data")
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("sha256"), str)
        or type(data.get("bytes")) is not int
        or len(data["sha256"]) != 64
    ):
        raise BundleError(path, "is damaged: its manifest lacks the checksum of its data")
    if not 0 < data["bytes"] <= MAX_DATA_BYTES:
        raise BundleError(
            path, f"is refused: its manifest announces {data['bytes']:,} bytes of data (the limit is {MAX_DATA_BYTES:,})"
        )
    counts = m.get("counts")
    if not isinstance(counts, dict) or not isinstance(m.get("bundle_id"), str) or len(m["bundle_id"]) > 64:
        raise BundleError(path, "is damaged: its manifest lacks the bundle id or row counts")
    if not all(type(n) is int and n >= 0 for n in counts.values()):
        raise BundleError(path, "is damaged: its manifest's row counts are not whole numbers")
    for key in ("kiosk_id", "kiosk_name", "created_at", "app_version"):
        if m.get(key) is not None and (not isinstance(m[key], str) or len(m[key]) > 200):
            raise BundleError(path, f"is damaged: its manifest's {key} is not a short text")
    return cast(Manifest, m)


def _copy_data(path: Path, zf: zipfile.ZipFile, manifest: Manifest, target: Path) -> tuple[str, int]:
    """sessions.sqlite streamed into target in chunks, hashed as it goes; stops as soon as a limit is passed."""
    info = zf.getinfo(DATA_NAME)
    limit = min(MAX_DATA_BYTES, manifest["data"]["bytes"])
    h = hashlib.sha256()
    size = 0
    with zf.open(info) as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise BundleError(path, f"is refused: {DATA_NAME} holds more than the {limit:,} bytes its manifest announces")
            h.update(chunk)
            out.write(chunk)
    return h.hexdigest(), size
