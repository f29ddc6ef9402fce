"""Sending xAPI statements to a Learning Record Store: the HTTP client and the outbox folder.

The outbox holds batches (one JSON file each, written atomically) until the LRS takes them. A batch
the LRS rejects (4xx with a reason) moves to <outbox>/rejected/ with the LRS's reason beside it, so it
never blocks the others and the supervisor can read why; retry_rejected() puts it back. A network
error, a busy LRS, wrong credentials or a wrong address keep every batch where it is, for later.
See docs/classroom-data.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Statement = dict[str, Any]  # one xAPI statement, as JSON

XAPI_VERSION = "1.0.3"
BATCH_SIZE = 200  # statements per outbox file (one POST each)
OUTBOX_FOLDER = "xapi-outbox"
ERROR_BODY_LIMIT = 64 * 1024  # bytes of an error reply read: enough for any reason, bounded for a hostile server
REPLY_LIMIT = 4 * 1024 * 1024  # bytes of a success reply read (a list of ids)
REASON_LIMIT = 2000  # characters of the LRS's reason kept and shown
BATCH_FILE_LIMIT = 64 * 1024 * 1024  # an outbox file larger than this was not written by this app
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


class LRSError(Exception):
    """The LRS did not take a batch.

    kind: 'offline' (unreachable or busy: try later), 'auth' (fix the credentials), 'endpoint' (the address
    holds no statements resource), 'rejected' (the LRS refused these statements; reason says why).
    """

    def __init__(self, message: str, kind: str, reason: str = "", status: int | None = None):
        super().__init__(message)
        self.kind, self.reason, self.status = kind, reason, status


def lrs_reason(body: bytes) -> str:
    """The LRS's own words from an error reply: a JSON 'detail', 'message' or 'error' (FastAPI's list of
    validation errors is joined), else the text itself; at most REASON_LIMIT characters."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        detail = next((data[k] for k in ("detail", "message", "error", "errors") if k in data), None)
        if isinstance(detail, list):
            parts = []
            for item in detail[:20]:
                if isinstance(item, dict):
                    where = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                    parts.append(f"{where}: {item.get('msg', item)}" if where else str(item.get("msg", item)))
                else:
                    parts.append(str(item))
            text = "; ".join(parts)
        elif detail is not None:
            text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def credentials_from_env(key_env: str, user: str = "", environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(user, secret) from the environment variable named key_env. With a user given, the whole value is the
    secret; without one, the value is 'key:secret' (an LRS's key and secret, split at the first colon).
    Raises ValueError naming the variable when it is missing or malformed."""
    environ = os.environ if environ is None else environ
    if not ENV_NAME.fullmatch(key_env or ""):
        raise ValueError(f"{key_env!r} is not an environment variable name (letters, digits and _)")
    value = environ.get(key_env)
    if not value:
        raise ValueError(f"the environment variable {key_env} holding the LRS key is not set")
    if user:
        return user, value
    if ":" not in value:
        raise ValueError(f"no LRS user is set, so {key_env} must hold 'key:secret'")
    key, secret = value.split(":", 1)
    return key, secret


class LRSClient:
    """POSTs statements to an LRS's statements resource, with basic auth, retrying when it cannot be reached."""

    def __init__(
        self, endpoint: str, user: str = "", password: str = "", *, timeout: float = 10.0, retries: int = 3, backoff: float = 0.5
    ):
        parsed = urllib.parse.urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"the LRS endpoint must be an http:// or https:// address, not {endpoint!r}")
        self.url = endpoint if endpoint.rstrip("/").endswith("/statements") else endpoint.rstrip("/") + "/statements"
        self.url = self.url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.headers = {
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION,
            "Authorization": f"Basic {token}",
        }

    def post(self, statements: list[Statement]) -> None:
        body = json.dumps(statements, ensure_ascii=False).encode("utf-8")
        last: Exception | str = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(self.url, data=body, method="POST", headers=self.headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read(REPLY_LIMIT)
                    return
            except urllib.error.HTTPError as e:
                try:
                    reason = lrs_reason(e.read(ERROR_BODY_LIMIT))
                except (OSError, ValueError):
                    reason = ""
                said = f": {reason}" if reason else ""
                if e.code in (401, 403):
                    raise LRSError(
                        f"the LRS at {self.url} refused the credentials (HTTP {e.code}{said}); check the "
                        "user and the key. The statements stay queued.",
                        "auth",
                        reason,
                        e.code,
                    ) from e
                if e.code in (404, 405):
                    raise LRSError(
                        f"{self.url} is not an LRS statements address (HTTP {e.code}); check the endpoint. "
                        "The statements stay queued.",
                        "endpoint",
                        reason,
                        e.code,
                    ) from e
                if e.code in (408, 429) or e.code >= 500:
                    last = f"HTTP {e.code}{said}"
                    continue
                raise LRSError(
                    f"the LRS at {self.url} rejected the batch (HTTP {e.code}{said})", "rejected", reason, e.code
                ) from e
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                last = getattr(e, "reason", None) or e
        raise LRSError(
            f"the LRS at {self.url} could not be reached after {self.retries + 1} tries ({last}); the statements stay queued",
            "offline",
        )


@dataclass
class FlushResult:
    sent_batches: int = 0
    sent_statements: int = 0
    rejected: list[Path] = field(default_factory=list)  # batches set aside this time, in <outbox>/rejected/
    reasons: list[str] = field(default_factory=list)  # why, one per rejected batch
    remaining: int = 0  # batches still waiting
    error: str | None = None  # why the flush stopped (offline, credentials, endpoint, settings)
    queued_sessions: int = 0  # calls put in the outbox just before (send_now)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.rejected

    def summary(self) -> str:
        parts = [
            f"Sent {self.sent_statements} statement(s) in {self.sent_batches} batch(es); {self.remaining} batch(es) waiting."
        ]
        if self.rejected:
            parts.append(f"The LRS rejected {len(self.rejected)} batch(es): {self.reasons[-1]}")
        if self.error:
            parts.append(self.error[0].upper() + self.error[1:] + ".")
        return " ".join(parts)


@dataclass
class OutboxStatus:
    batches: int
    statements: int
    rejected: int
    last_reason: str | None  # the LRS's reason for the newest rejected batch


class Outbox:
    """Batches of statements waiting for the LRS: <folder>/<time>-<id>.json, oldest first."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    @classmethod
    def beside(cls, database_path: str | os.PathLike[str]) -> "Outbox":
        """The outbox next to a database file (the data folder's xapi-outbox)."""
        return cls(Path(database_path).parent / OUTBOX_FOLDER)

    @property
    def rejected_folder(self) -> Path:
        return self.folder / "rejected"

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []

    def pending_statements(self) -> int:
        return sum(len(self._read(p) or []) for p in self.pending())

    def rejected(self) -> list[Path]:
        folder = self.rejected_folder
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    @staticmethod
    def reason_for(batch: Path) -> str:
        try:
            with open(batch.with_name(batch.name + ".reason.txt"), encoding="utf-8", errors="replace") as f:
                return f.read(REASON_LIMIT + 200).strip()
        except OSError:
            return ""

    def status(self) -> OutboxStatus:
        rejected = self.rejected()
        return OutboxStatus(
            len(self.pending()), self.pending_statements(), len(rejected), self.reason_for(rejected[-1]) if rejected else None
        )

    def retry_rejected(self) -> int:
        """Put the rejected batches back in the outbox (after the LRS or the data was fixed); returns how many."""
        moved = 0
        for path in self.rejected():
            target = self.folder / path.name
            if target.exists():
                continue
            os.replace(path, target)
            path.with_name(path.name + ".reason.txt").unlink(missing_ok=True)
            moved += 1
        return moved

    def enqueue(self, statements: Iterable[Statement], batch_size: int = BATCH_SIZE) -> list[Path]:
        """Write the statements as batch files (each written to a temporary name, flushed, then renamed)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        batch: list[Statement] = []
        for st in statements:
            batch.append(st)
            if len(batch) >= batch_size:
                written.append(self._write(batch))
                batch = []
        if batch:
            written.append(self._write(batch))
        return written

    def _write(self, batch: list[Statement]) -> Path:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.json"
        tmp = self.folder / f".{path.name}.partial"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(batch, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return path

    @staticmethod
    def _read(path: Path) -> list[Statement] | None:
        try:
            if path.stat().st_size > BATCH_FILE_LIMIT:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        return data if isinstance(data, list) and all(isinstance(st, dict) for st in data) else None

    def _reject(self, path: Path, reason: str) -> Path:
        folder = self.rejected_folder
        folder.mkdir(exist_ok=True)
        target = folder / path.name
        os.replace(path, target)
        target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        return target

    def flush(self, client: LRSClient) -> FlushResult:
        """Send the batches, oldest first, until the outbox is empty or the LRS cannot take more."""
        result = FlushResult()
        for path in self.pending():
            batch = self._read(path)
            if batch is None:
                reason = f"the batch file could not be read (not a JSON list of statements, or over {BATCH_FILE_LIMIT} bytes)"
                result.rejected.append(self._reject(path, reason))
                result.reasons.append(reason)
                continue
            try:
                client.post(batch)
            except LRSError as e:
                if e.kind == "rejected":
                    reason = f"HTTP {e.status}: {e.reason}" if e.reason else str(e)
                    result.rejected.append(self._reject(path, reason))
                    result.reasons.append(reason)
                    continue
                result.error = str(e)
                break
            path.unlink()
            result.sent_batches += 1
            result.sent_statements += len(batch)
        result.remaining = len(self.pending())
        return result
