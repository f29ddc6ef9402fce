import json

import pytest

from trainer.pin import LOCKOUT_SECONDS, MAX_FAILURES, PinError, PinRecord, check_shape, new_record, verify
from trainer.store.pins import (
    SignInError,
    adopt_old_pin,
    change_supervisor_pin,
    check_supervisor_pin,
    reset_supervisor_pin,
    reset_trainee_pin,
    supervisor_pin,
    trainee_sign_in,
)
from trainer.settings import Settings, load_settings, save_settings


def test_settings_round_trip_and_keep_unknown_keys(tmp_path):
    s = Settings(kiosk=True, idle_minutes=3, text_size=14)
    s.extra = {"from_a_newer_version": 1}
    save_settings(tmp_path, s)
    loaded, warning = load_settings(tmp_path)
    assert warning is None and loaded.kiosk and loaded.idle_minutes == 3 and loaded.text_size == 14
    assert json.loads((tmp_path / "settings.json").read_text())["from_a_newer_version"] == 1


def test_a_broken_settings_file_gives_defaults_and_a_warning(tmp_path):
    (tmp_path / "settings.json").write_text("{not json")
    loaded, warning = load_settings(tmp_path)
    assert loaded == Settings() and "settings.json" in warning
    (tmp_path / "settings.json").write_text('{"kiosk": "yes", "idle_minutes": 7}')
    loaded, _ = load_settings(tmp_path)
    assert loaded.kiosk is False and loaded.idle_minutes == 7  # a wrong type is ignored


@pytest.mark.parametrize("bad", ["", "123", "123456789", "12a4", " 1234", "１２３４"])
def test_pins_of_the_wrong_shape_are_refused(bad):
    with pytest.raises(PinError, match="4 to 8 digits"):
        check_shape(bad)


def test_pin_is_hashed_with_a_salt_and_verified():
    record = new_record("2468")
    assert record.is_set and "2468" not in record.hash and len(record.salt) == 32
    assert new_record("2468").hash != record.hash  # salted
    assert verify(record, "2468") and not verify(record, "1357")
    assert PinRecord.from_json(record.to_json()) == record


def test_repeated_failures_lock_the_keypad():
    record = new_record("2468")
    for _ in range(MAX_FAILURES - 1):
        assert verify(record, "0000", now=1000) is False
    with pytest.raises(PinError, match="locked"):
        verify(record, "0000", now=1000)
    with pytest.raises(PinError, match="Try again"):
        verify(record, "2468", now=1000 + 10)  # even the right PIN waits
    assert verify(record, "2468", now=1000 + LOCKOUT_SECONDS + 1)


@pytest.mark.parametrize("damage", ["delete", "stray byte", "wrong types", "unlock"])
def test_editing_or_damaging_settings_json_never_removes_the_pin_or_its_lock_out(store, damage):
    change_supervisor_pin(store, None, "2468")
    for _ in range(MAX_FAILURES - 1):
        check_supervisor_pin(store, "0000")
    with pytest.raises(PinError):
        check_supervisor_pin(store, "0000")  # locked out
    path = store.path.parent / "settings.json"
    save_settings(store.path.parent, Settings())
    if damage == "delete":
        path.unlink()
    elif damage == "stray byte":
        path.write_bytes(path.read_bytes() + b"\x00")
    elif damage == "wrong types":
        path.write_text(json.dumps({"pin_hash": 5, "pin_locked_until": "never"}))
    else:
        path.write_text(json.dumps({"pin_hash": "", "pin_salt": "", "pin_locked_until": 0}))
    load_settings(store.path.parent)
    assert supervisor_pin(store)[0] == "set"
    with pytest.raises(PinError, match="Try again"):
        check_supervisor_pin(store, "2468")  # still locked out


def test_a_pin_whose_record_is_gone_keeps_everything_locked_until_reset(store):
    change_supervisor_pin(store, None, "2468")
    store.db.execute("DELETE FROM settings WHERE key = 'supervisor_pin'")
    store.db.conn.commit()
    assert supervisor_pin(store)[0] == "damaged"
    with pytest.raises(PinError, match="reset-pin"):
        check_supervisor_pin(store, "2468")  # fail closed: not even the old PIN
    store.set_setting("supervisor_pin", "{garbage")
    with pytest.raises(PinError, match="reset-pin"):
        check_supervisor_pin(store, "0000")
    reset_supervisor_pin(store)
    assert supervisor_pin(store)[0] == "none" and check_supervisor_pin(store, "0000")


def test_changing_or_removing_the_pin_needs_the_current_one(store):
    change_supervisor_pin(store, None, "2468")
    with pytest.raises(PinError, match="not right"):
        change_supervisor_pin(store, "1111", "9999")
    with pytest.raises(PinError, match="current PIN"):
        change_supervisor_pin(store, None, None)  # removing it needs it too
    change_supervisor_pin(store, "2468", "9999")
    assert check_supervisor_pin(store, "9999") and not check_supervisor_pin(store, "2468")
    change_supervisor_pin(store, "9999", None)
    assert supervisor_pin(store)[0] == "none"


def test_a_damaged_settings_file_is_kept_not_overwritten(tmp_path):
    (tmp_path / "settings.json").write_text("{half a file")
    loaded, warning = load_settings(tmp_path)
    assert warning
    save_settings(tmp_path, loaded)
    [kept] = tmp_path.glob("settings.json.damaged-*")
    assert kept.read_text() == "{half a file" and json.loads((tmp_path / "settings.json").read_text())


def test_an_older_versions_pin_moves_from_settings_json_into_the_database(store):
    old = new_record("2468")
    assert adopt_old_pin(store, {"pin_hash": old.hash, "pin_salt": old.salt, "pin_failures": 0, "pin_locked_until": 0})
    assert check_supervisor_pin(store, "2468")
    assert not adopt_old_pin(store, {"pin_hash": new_record("1111").hash})  # only once


def test_trainees_sign_in_with_a_name_and_their_own_pin(store):
    ana = trainee_sign_in(store, "Ana Ruiz", "1357")  # new: the PIN becomes hers
    assert trainee_sign_in(store, "ana ruiz", "1357") == ana
    with pytest.raises(SignInError, match="does not match"):
        trainee_sign_in(store, "Ana Ruiz", "2468")  # someone typing her name cannot read her history
    reset_trainee_pin(store, ana)
    assert trainee_sign_in(store, "Ana Ruiz", "8642") == ana  # after a reset she chooses a new one
    with pytest.raises(SignInError):
        trainee_sign_in(store, "Ana Ruiz", "1357")


def test_two_people_with_the_same_name_stay_two_trainees(store):
    store.add_trainee("Sam Lee")  # e.g. imported from another kiosk, with no PIN here
    first = store.add_trainee("Sam Lee")
    from trainer.store.pins import _store_trainee_pin

    _store_trainee_pin(store, first, new_record("1111"))
    assert trainee_sign_in(store, "Sam Lee", "1111") == first
    with pytest.raises(SignInError):
        trainee_sign_in(store, "Sam Lee", "2222")  # two of that name: no PIN is silently taken over
