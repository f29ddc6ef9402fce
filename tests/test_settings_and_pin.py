import json

import pytest

from trainer.pin import LOCKOUT_SECONDS, MAX_FAILURES, PinError, check_shape, has_pin, set_pin, verify_pin
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
    s = Settings()
    set_pin(s, "2468")
    assert has_pin(s) and "2468" not in s.pin_hash and len(s.pin_salt) == 32
    other = Settings()
    set_pin(other, "2468")
    assert other.pin_hash != s.pin_hash  # salted
    assert verify_pin(s, "2468") and not verify_pin(s, "1357")


def test_repeated_failures_lock_the_keypad():
    s = Settings()
    set_pin(s, "2468")
    for _ in range(MAX_FAILURES - 1):
        assert verify_pin(s, "0000", now=1000) is False
    with pytest.raises(PinError, match="locked"):
        verify_pin(s, "0000", now=1000)
    with pytest.raises(PinError, match="Try again"):
        verify_pin(s, "2468", now=1000 + 10)  # even the right PIN waits
    assert verify_pin(s, "2468", now=1000 + LOCKOUT_SECONDS + 1)
