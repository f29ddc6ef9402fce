"""The supervisor PIN: 4-8 digits, stored as a salted scrypt hash, locked out after repeated failures."""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import time

from .settings import Settings

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
_SHAPE = re.compile(r"^[0-9]{4,8}$")


class PinError(ValueError):
    """A PIN of the wrong shape, or a locked keypad; the message says which."""


def check_shape(pin: str) -> None:
    if not _SHAPE.match(pin or ""):
        raise PinError("A PIN is 4 to 8 digits (0-9), with no spaces or letters.")


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


def set_pin(settings: Settings, pin: str) -> None:
    check_shape(pin)
    salt = os.urandom(16)
    settings.pin_salt = salt.hex()
    settings.pin_hash = _hash(pin, salt).hex()
    settings.pin_failures = 0
    settings.pin_locked_until = 0.0


def has_pin(settings: Settings) -> bool:
    return bool(settings.pin_hash and settings.pin_salt)


def seconds_locked(settings: Settings, now: float | None = None) -> int:
    return max(0, round(settings.pin_locked_until - (now if now is not None else time.time())))


def verify_pin(settings: Settings, pin: str, now: float | None = None) -> bool:
    """True for the right PIN. Wrong tries count; the fifth locks the keypad for five minutes.

    Raises PinError while locked out or when the PIN has the wrong shape. The caller saves the
    settings afterwards so the count survives a restart.
    """
    now = time.time() if now is None else now
    locked = seconds_locked(settings, now)
    if locked:
        raise PinError(f"Too many wrong PINs. Try again in {locked // 60} min {locked % 60} s.")
    check_shape(pin)
    if not has_pin(settings):
        return False
    ok = hmac.compare_digest(_hash(pin, bytes.fromhex(settings.pin_salt)).hex(), settings.pin_hash)
    if ok:
        settings.pin_failures = 0
        return True
    settings.pin_failures += 1
    if settings.pin_failures >= MAX_FAILURES:
        settings.pin_failures = 0
        settings.pin_locked_until = now + LOCKOUT_SECONDS
        raise PinError(f"Wrong PIN {MAX_FAILURES} times: the supervisor area is locked for "
                       f"{LOCKOUT_SECONDS // 60} minutes.")
    return False
