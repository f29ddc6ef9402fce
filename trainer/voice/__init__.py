"""Spoken patient lines: text -> speech (pyttsx3, espeak-ng fallback) -> phone-line sound
(pydub) -> a cached WAV file. Qt-free; the window plays the files (trainer/ui/audio.py).

    voice = Voice(data_dir / "voice-cache")
    ok, why = voice.available()
    path = voice.line_audio("I can't pay this!", persona.voice, settings.voice_rate)
    ring = voice.ring_tone()

Every failure is a ``VoiceUnavailable`` with a sentence a trainee can read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from .cache import DEFAULT_MAX_BYTES, AudioCache, cache_key
from .tts import Engine, Synthesizer, TTSError, VoiceSpec

__all__ = ["Voice", "VoiceUnavailable", "VoiceSpec", "AudioCache", "default_cache_dir"]


class VoiceUnavailable(RuntimeError):
    """Speech cannot be produced; ``str(e)`` says why, in plain words."""


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "billing-trainer-voice-cache"


class Voice:
    def __init__(
        self,
        cache_dir: Path | str | None = None,
        engines: list[Engine] | None = None,
        max_cache_bytes: int = DEFAULT_MAX_BYTES,
        phone_effect: bool = True,
        attempts: int = 2,
    ):
        self.cache = AudioCache(cache_dir or default_cache_dir(), max_cache_bytes)
        self.synth = Synthesizer(engines, attempts=attempts)
        self.phone_effect = phone_effect
        self._avail: tuple[bool, str] | None = None
        self._lock = threading.Lock()
        self.last_engine = ""  # which engine made the last line not taken from the cache

    def available(self) -> tuple[bool, str]:
        """(True, "") or (False, the reason speech cannot be made on this machine)."""
        with self._lock:
            if self._avail is None:
                self._avail = self._check()
            return self._avail

    def _check(self) -> tuple[bool, str]:
        try:
            from . import phone  # noqa: F401  (pydub + audioop)
        except Exception as e:
            return False, f"The audio effects library is missing ({type(e).__name__}: {e})."
        ok, why = self.synth.available()
        return (True, "") if ok else (False, why)

    def _require(self) -> None:
        ok, why = self.available()
        if not ok:
            raise VoiceUnavailable(why)

    def _effect_version(self) -> str:
        from .phone import EFFECT_VERSION

        return f"phone-{EFFECT_VERSION}" if self.phone_effect else "plain"

    def line_key(self, text: str, persona_voice=None, speed_percent: int = 100) -> str:
        spec = VoiceSpec.from_persona(persona_voice, speed_percent)
        return cache_key(text.strip(), spec.key(), self.synth.name, self._effect_version())

    def line_audio(self, text: str, persona_voice=None, speed_percent: int = 100) -> Path:
        """A playable WAV of ``text`` in the persona's voice, as heard on the phone."""
        text = (text or "").strip()
        if not text:
            raise VoiceUnavailable("There is nothing to say: the line is empty.")
        self._require()
        spec = VoiceSpec.from_persona(persona_voice, speed_percent)
        key = cache_key(text, spec.key(), self.synth.name, self._effect_version())

        def make(tmp: Path) -> None:
            raw = tmp.with_name(tmp.stem + ".raw.wav")
            try:
                self.last_engine = self.synth.synthesize(text, spec, raw)
                if self.phone_effect:
                    from .phone import apply_phone_effect

                    apply_phone_effect(raw, tmp)
                else:
                    os.replace(raw, tmp)
            finally:
                with contextlib.suppress(OSError):
                    raw.unlink()

        try:
            return self.cache.get_or_make(key, make)
        except VoiceUnavailable:
            raise
        except TTSError as e:
            raise VoiceUnavailable(str(e)) from e
        except Exception as e:
            raise VoiceUnavailable(f"Could not make the audio: {type(e).__name__}: {e}") from e

    def ring_tone(self, rings: int = 2) -> Path:
        """The ringback heard before the patient picks up (no speech engine needed)."""
        try:
            from .phone import EFFECT_VERSION, write_ring_tone
        except Exception as e:
            raise VoiceUnavailable(f"The audio effects library is missing ({e}).") from e
        key = cache_key(f"ring x{rings}", "", "pydub", EFFECT_VERSION, kind="ring")
        try:
            return self.cache.get_or_make(key, lambda tmp: write_ring_tone(tmp, rings))
        except Exception as e:
            raise VoiceUnavailable(f"Could not make the ring tone: {e}") from e
