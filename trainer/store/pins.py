"""Where PINs are kept: the supervisor's in the database (never in settings.json, which anyone at the kiosk's
files could edit or damage), each trainee's on their row. Fail closed: once a supervisor PIN has been set,
a missing or unreadable record keeps the supervisor functions locked until `main.py reset-pin` is run on
this computer (docs/classroom-data.md, "Supervisor PIN")."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..pin import PinError, PinRecord, check_shape, new_record, verify
from .store import Store

RECORD_KEY = "supervisor_pin"
EVER_SET_KEY = "supervisor_pin_ever_set"
MARKER = "supervisor-pin.set"  # beside the database: a second witness that a PIN was set
DAMAGED = (
    "The supervisor PIN record is missing or damaged, so the supervisor functions stay locked. "
    "To recover, run `python main.py reset-pin` on this computer, then set a new PIN."
)


def _marker(store: Store) -> Path:
    return Path(store.path).parent / MARKER


def supervisor_pin(store: Store) -> tuple[str, PinRecord | None]:
    """("none", None) when no PIN was ever set; ("set", record); ("damaged", None) when one was set but
    its record cannot be read (or is gone)."""
    text = store.setting(RECORD_KEY)
    ever = store.setting(EVER_SET_KEY) == "1" or _marker(store).exists()
    if text is None:
        return ("damaged", None) if ever else ("none", None)
    try:
        record = PinRecord.from_json(text)
    except ValueError:
        return "damaged", None
    return ("set", record) if record.is_set else (("damaged", None) if ever else ("none", None))


def _save(store: Store, record: PinRecord) -> None:
    store.set_setting(RECORD_KEY, record.to_json())
    store.set_setting(EVER_SET_KEY, "1")
    try:
        _marker(store).write_text("A supervisor PIN is set for the trainer's data in this folder.\n", encoding="utf-8")
    except OSError:
        pass  # the record and the flag in the database still hold


def check_supervisor_pin(store: Store, pin: str, now: float | None = None) -> bool:
    """True when there is no PIN (never set) or this is it; wrong tries are counted in the database.
    Raises PinError when the record is damaged (fail closed) or the keypad is locked."""
    state, record = supervisor_pin(store)
    if state == "none":
        return True
    if record is None:
        raise PinError(DAMAGED)
    try:
        return verify(record, pin, now)
    finally:
        _save(store, record)


def change_supervisor_pin(store: Store, current: str | None, new: str | None) -> None:
    """Set, change (new) or remove (new None) the PIN: always with the current one when one is set."""
    state, _ = supervisor_pin(store)
    if state != "none":
        if not current:
            raise PinError("Give the current PIN to change or remove it; the PIN was not changed.")
        if not check_supervisor_pin(store, current):
            raise PinError("The current PIN is not right; the PIN was not changed.")
    if new is None:
        store.set_setting(RECORD_KEY, PinRecord().to_json())
        store.set_setting(EVER_SET_KEY, "0")
        _marker(store).unlink(missing_ok=True)
        return
    _save(store, new_record(new))


def reset_supervisor_pin(store: Store) -> None:
    """The recovery path (`main.py reset-pin`, at this computer): forget the PIN and its lock-out."""
    store.set_setting(RECORD_KEY, PinRecord().to_json())
    store.set_setting(EVER_SET_KEY, "0")
    _marker(store).unlink(missing_ok=True)


def adopt_old_pin(store: Store, old: Mapping[str, Any]) -> bool:
    """An older version kept the PIN in settings.json: move it here once (and say so), unless one is here."""
    if supervisor_pin(store)[0] != "none" or not old.get("pin_hash"):
        return False
    try:
        record = PinRecord.from_json(
            PinRecord(
                old["pin_hash"], old.get("pin_salt", ""), int(old.get("pin_failures", 0)), float(old.get("pin_locked_until", 0.0))
            ).to_json()
        )
    except (TypeError, ValueError):
        return False
    _save(store, record)
    return True


# trainees: a name plus a personal PIN; a supervisor can reset it
class SignInError(ValueError):
    """Why a trainee could not sign in, in words for the trainee."""


def trainee_sign_in(store: Store, name: str, pin: str, now: float | None = None) -> str:
    """The trainee's id. A new name makes a new trainee with this PIN; a known one needs its PIN (a trainee
    without one, new from an older version or reset by the supervisor, sets it now). Two trainees with the
    same name are told apart by their PINs."""
    try:
        check_shape(pin)
    except PinError as e:
        raise SignInError(f"Your PIN: {e}") from e
    rows: list[tuple[str, str | None]] = store.db.execute(
        "SELECT id, pin FROM trainees WHERE name = ? COLLATE NOCASE ORDER BY created_at, id", [name]
    ).fetchall()
    if not rows:
        return _new_trainee(store, name, pin)
    locked = ""
    for tid, text in rows:
        record = _trainee_record(text)
        if record is None:
            continue
        try:
            ok = verify(record, pin, now if now is not None else time.time())
        except PinError as e:
            locked = str(e)
            ok = False
        _store_trainee_pin(store, tid, record)
        if ok:
            return tid
    without = [tid for tid, text in rows if _trainee_record(text) is None]
    if len(without) == 1 and len(rows) == 1:
        _store_trainee_pin(store, without[0], new_record(pin))  # first sign-in with a PIN: it becomes theirs
        return without[0]
    if locked:
        raise SignInError(locked)
    raise SignInError(f"That PIN does not match {name}. Try again, or ask your supervisor to reset your PIN.")


def has_trainee_pin(store: Store, name: str) -> bool:
    """Whether a trainee of this name has a personal PIN (then signing in needs it)."""
    rows = store.db.execute("SELECT pin FROM trainees WHERE name = ? COLLATE NOCASE", [name]).fetchall()
    return any(_trainee_record(text) is not None for (text,) in rows)


def _trainee_record(text: str | None) -> PinRecord | None:
    try:
        record = PinRecord.from_json(text) if text else None
    except ValueError:
        return None
    return record if record is not None and record.is_set else None


def _new_trainee(store: Store, name: str, pin: str) -> str:
    tid = store.add_trainee(name)
    _store_trainee_pin(store, tid, new_record(pin))
    return tid


def _store_trainee_pin(store: Store, trainee_id: str, record: PinRecord | None) -> None:
    with store.db.conn:
        store.db.execute("UPDATE trainees SET pin = ? WHERE id = ?", [record.to_json() if record else None, trainee_id])


def reset_trainee_pin(store: Store, trainee_id: str) -> None:
    """The trainee sets a new PIN at their next sign-in."""
    _store_trainee_pin(store, trainee_id, None)
