"""A transcript file's bytes as text: size capped, UTF-8 with a per-line Windows-1252 fallback, no control characters."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_BYTES = 2 * 1024 * 1024  # an hour's call is about 60 kB; this is dozens of hours
# Characters the scorer blanks out too (same length, so offsets agree); bidi overrides could disguise text on screen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class TranscriptError(ValueError):
    """A transcript the review cannot use; the message names the file, what was wrong and, where it applies, the line."""

    def __init__(self, name: str, problem: str, line: int | None = None):
        where = f" (line {line})" if line else ""
        super().__init__(f"{name}{where}: {problem}")
        self.name = name
        self.problem = problem
        self.line = line


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused past MAX_BYTES without reading more than that."""
    name = Path(path).name
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_BYTES:
                raise TranscriptError(
                    name,
                    f"is {megabytes(size)}; the most a review reads is {megabytes(MAX_BYTES)}. "
                    "Split the call into parts, or export it as plain text.",
                )
            data = f.read(MAX_BYTES + 1)  # a file still growing is caught here
    except IsADirectoryError as e:
        raise TranscriptError(name, "is a folder, not a transcript file") from e
    except OSError as e:
        raise TranscriptError(name, f"cannot be read: {e.strerror or e}") from e
    if len(data) > MAX_BYTES:
        raise TranscriptError(name, f"is over {megabytes(MAX_BYTES)}; the most a review reads is {megabytes(MAX_BYTES)}")
    return data


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Text with \\n line ends, and notices about anything that was not plain UTF-8."""
    if len(data) > MAX_BYTES:
        raise TranscriptError(name, f"is {megabytes(len(data))}; the most a review reads is {megabytes(MAX_BYTES)}")
    notices: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise TranscriptError(name, f"starts as UTF-16 but is not valid UTF-16 (byte {e.start})") from e
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\x00" in data:
            line = data.count(b"\n", 0, data.index(b"\x00")) + 1
            raise TranscriptError(name, "is not a text file (it holds binary data)", line)
        text, fallback = _decode_lines(data)
        if fallback:
            shown = ", ".join(str(n) for n in fallback[:10]) + (f" and {len(fallback) - 10} more" if len(fallback) > 10 else "")
            many = len(fallback) > 1
            notices.append(
                f"Line{'s' if many else ''} {shown} {'were' if many else 'was'} not valid UTF-8 and "
                f"{'were' if many else 'was'} read as Windows-1252 (Latin-1); check any accented letters there."
            )
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub(" ", text.replace("\ufeff", "")).replace("\u2028", "\n").replace("\u2029", "\n")
    if not text.strip():
        raise TranscriptError(name, "is empty: there is nothing to review")
    return text, notices


def _decode_lines(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 where it is valid; a line that is not is read as Windows-1252 (mixed files are common)."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines, fallback = [], []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            fallback.append(number)
            lines.append(raw.decode("cp1252", errors="replace") if _cp1252_ok(raw) else raw.decode("latin-1"))
    return "\n".join(lines), fallback


def _cp1252_ok(raw: bytes) -> bool:
    """Windows-1252 leaves five bytes undefined; a line with one is read as Latin-1 instead."""
    return not any(b in raw for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))
