"""PINs: 4-8 digits, kept as a salted scrypt hash with a count of wrong tries and a lock-out. Plain data and
rules only; where a PIN is kept (the supervisor's, each trainee's) is trainer.store.pins."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
from dataclasses import asdict, dataclass

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
_SHAPE = re.compile(r"^[0-9]{4,8}$")


class PinError(ValueError):
    """A PIN of the wrong shape, a locked keypad, or a PIN record that cannot be trusted; the message says which."""


@dataclass
class PinRecord:
    hash: str = ""
    salt: str = ""
    failures: int = 0
    locked_until: float = 0.0

    @property
    def is_set(self) -> bool:
        return bool(self.hash and self.salt)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "PinRecord":
        """Raises ValueError for anything that is not a whole, well-typed record."""
        raw = json.loads(text)
        if not isinstance(raw, dict) or set(raw) != {"hash", "salt", "failures", "locked_until"}:
            raise ValueError("not a PIN record")
        record = cls(raw["hash"], raw["salt"], raw["failures"], raw["locked_until"])
        unset = record.hash == "" and record.salt == ""
        if not (
            (
                unset
                or (
                    isinstance(record.hash, str)
                    and re.fullmatch(r"[0-9a-f]{64}", record.hash)
                    and isinstance(record.salt, str)
                    and re.fullmatch(r"[0-9a-f]{32}", record.salt)
                )
            )
            and isinstance(record.failures, int)
            and isinstance(record.locked_until, (int, float))
        ):
            raise ValueError("not a PIN record")
        return record


def check_shape(pin: str) -> None:
    if not _SHAPE.match(pin or ""):
        raise PinError("A PIN is 4 to 8 digits (0-9), with no spaces or letters.")


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def new_record(pin: str) -> PinRecord:
    check_shape(pin)
    salt = os.urandom(16)
    return PinRecord(_hash(pin, salt), salt.hex())


def seconds_locked(record: PinRecord, now: float | None = None) -> int:
    return max(0, round(record.locked_until - (now if now is not None else time.time())))


def verify(record: PinRecord, pin: str, now: float | None = None) -> bool:
    """True for the right PIN. Wrong tries count (the caller saves the record afterwards, so the count
    survives a restart); the fifth locks the keypad for five minutes. Raises PinError while locked out or
    when the PIN has the wrong shape."""
    now = time.time() if now is None else now
    locked = seconds_locked(record, now)
    if locked:
        raise PinError(f"Too many wrong PINs. Try again in {locked // 60} min {locked % 60} s.")
    check_shape(pin)
    if not record.is_set:
        return False
    if hmac.compare_digest(_hash(pin, bytes.fromhex(record.salt)), record.hash):
        record.failures = 0
        return True
    record.failures += 1
    if record.failures >= MAX_FAILURES:
        record.failures = 0
        record.locked_until = now + LOCKOUT_SECONDS
        raise PinError(f"Wrong PIN {MAX_FAILURES} times: locked for {LOCKOUT_SECONDS // 60} minutes.")
    return False
