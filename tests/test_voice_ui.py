"""LinePlayer: Qt Multimedia playback, synthesis off the GUI thread, and every no-sound path."""

from __future__ import annotations

import shutil
import threading
import wave
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtMultimedia")

from trainer.ui import audio as audio_mod  # noqa: E402
from trainer.ui.audio import NO_DEVICE, LinePlayer, audio_output_available  # noqa: E402
from trainer.voice import Voice  # noqa: E402
from trainer.voice.tts import Engine, EspeakNGEngine  # noqa: E402

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
LINE = "Hello, is this the billing office? I have a question about my statement."


class RecordingEngine(Engine):
    """Wraps espeak-ng, recording which thread each synthesis ran on."""

    name = "espeak-ng"

    def __init__(self):
        self.inner = EspeakNGEngine()
        self.threads: list[int] = []

    def available(self):
        return self.inner.available()

    def synthesize(self, text, spec, out):
        self.threads.append(threading.get_ident())
        self.inner.synthesize(text, spec, out)


class BrokenEngine(Engine):
    name = "broken"

    def available(self):
        return True, ""

    def synthesize(self, text, spec, out):
        raise RuntimeError("the speech backend crashed")


class NoEngine(Engine):
    name = "none"

    def available(self):
        return False, "no speech engine is installed"


def make_player(qtbot, voice, require_device=False):
    player = LinePlayer(voice, require_device=require_device)
    notices: list[str] = []
    player.unavailable.connect(notices.append)
    return player, notices


def test_no_audio_device_gives_one_notice_and_no_synthesis(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(audio_mod, "audio_output_available", lambda: (False, NO_DEVICE))
    engine = RecordingEngine()
    player, notices = make_player(qtbot, Voice(tmp_path, engines=[engine]), require_device=True)
    player.speak(LINE)
    player.speak(LINE)
    player.ring()
    qtbot.wait(50)
    assert notices == [NO_DEVICE]
    assert engine.threads == [] and player.reason == NO_DEVICE and not player.is_playing()


def test_this_machine_reports_its_audio_outputs(qtbot):
    ok, why = audio_output_available()
    from PySide6.QtMultimedia import QMediaDevices

    assert ok == bool(QMediaDevices.audioOutputs())
    assert ok or why == NO_DEVICE


def test_real_no_device_path(qtbot, tmp_path):
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has an audio output")
    player, notices = make_player(qtbot, Voice(tmp_path), require_device=True)
    player.speak(LINE)
    player.play(tmp_path / "x.wav")
    assert notices == [NO_DEVICE]


@needs_espeak
def test_speak_synthesises_off_the_gui_thread_and_plays_to_the_end(qtbot, tmp_path):
    engine = RecordingEngine()
    player, notices = make_player(qtbot, Voice(tmp_path, engines=[engine]))
    with qtbot.waitSignal(player.started, timeout=10_000) as started:
        player.speak(LINE, None, 150)
    assert engine.threads and engine.threads[0] != threading.get_ident()
    path = Path(started.args[0])
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getframerate()) == (1, 8000) and w.getnframes() > 8000
    with qtbot.waitSignal(player.finished, timeout=20_000):
        pass
    assert notices == [] and player.last_path == path
    # replay: same file, no new synthesis
    with qtbot.waitSignal(player.started, timeout=10_000):
        player.replay()
    assert len(engine.threads) == 1
    player.stop()


@needs_espeak
def test_ring_tone_plays(qtbot, tmp_path):
    player, notices = make_player(qtbot, Voice(tmp_path, engines=[]))
    with qtbot.waitSignal(player.started, timeout=10_000) as started:
        player.ring(rings=1)
    assert Path(started.args[0]).exists() and notices == []
    player.stop()


def test_no_speech_engine_is_one_clear_notice(qtbot, tmp_path):
    player, notices = make_player(qtbot, Voice(tmp_path, engines=[NoEngine()]))
    with qtbot.waitSignal(player.unavailable, timeout=5_000):
        player.speak(LINE)
    player.speak(LINE)
    qtbot.wait(200)
    assert len(notices) == 1 and "no speech engine is installed" in notices[0]


def test_a_failing_backend_does_not_crash(qtbot, tmp_path):
    player, notices = make_player(qtbot, Voice(tmp_path, engines=[BrokenEngine()]))
    with qtbot.waitSignal(player.unavailable, timeout=5_000):
        player.speak(LINE)
    assert "the speech backend crashed" in notices[0]
    assert not player.is_playing()


def test_missing_and_corrupt_files_are_reported_not_raised(qtbot, tmp_path):
    player, notices = make_player(qtbot, None)
    player.play(tmp_path / "gone.wav")
    assert notices and "missing" in notices[0]
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....WAVEjunkjunkjunk" * 10)
    player2, notices2 = make_player(qtbot, None)
    player2.play(bad)
    qtbot.waitUntil(lambda: bool(notices2) or player2._player.mediaStatus().name == "EndOfMedia", timeout=10_000)
    player.speak(LINE)  # no Voice: a notice, not an exception (already notified: silent)
    assert player.reason.startswith("Voice is not set up")


@needs_espeak
def test_muted_plays_nothing_and_replay_after_unmute_does(qtbot, tmp_path):
    voice = Voice(tmp_path, engines=[EspeakNGEngine()])
    path = voice.line_audio(LINE)
    player, notices = make_player(qtbot, voice)
    player.set_muted(True)
    assert player.is_muted()
    started: list[str] = []
    player.started.connect(started.append)
    player.play(path)
    player.speak("This line is never synthesised while muted.")
    qtbot.wait(200)
    assert started == [] and player.last_path == path
    player.set_muted(False)
    with qtbot.waitSignal(player.started, timeout=10_000):
        player.replay()
    player.set_muted(True)
    assert not player.is_playing()
    assert notices == []


@needs_espeak
def test_a_newer_line_supersedes_one_still_being_made(qtbot, tmp_path):
    voice = Voice(tmp_path, engines=[EspeakNGEngine()])
    player, notices = make_player(qtbot, voice)
    played: list[str] = []
    player.started.connect(played.append)
    player.speak("First line that the trainee has already moved past.")
    player.speak(LINE)
    qtbot.waitUntil(lambda: bool(played), timeout=10_000)
    qtbot.wait(300)
    assert played == [str(voice.line_audio(LINE))]
    player.speak("A line cut off by hanging up.")
    player.stop()
    qtbot.wait(300)
    assert len(played) == 1


# ---- push-to-talk (optional extra) -------------------------------------------------


def test_recorder_without_microphone_or_extra_gives_one_notice(qtbot, tmp_path, monkeypatch):
    from trainer.ui.audio import NO_MICROPHONE, ReplyRecorder

    class ReadySTT:
        def available(self):
            return True, ""

    rec = ReplyRecorder(None, tmp_path)
    notices: list[str] = []
    rec.unavailable.connect(notices.append)
    assert rec.start() is False and rec.stop() is None
    assert len(notices) == 1 and "not set up" in notices[0]

    monkeypatch.setattr(audio_mod, "audio_input_available", lambda: (False, NO_MICROPHONE))
    rec2 = ReplyRecorder(ReadySTT(), tmp_path)
    notices2: list[str] = []
    rec2.unavailable.connect(notices2.append)
    assert rec2.start() is False and rec2.start() is False
    assert notices2 == [NO_MICROPHONE] and not rec2.is_recording()


@needs_espeak
def test_recorder_transcribes_a_reply_off_the_gui_thread(qtbot, tmp_path):
    from trainer.ui.audio import ReplyRecorder
    from trainer.voice.stt import Transcriber, stt_available, word_error_rate

    ok, why = stt_available()
    if not ok:
        pytest.skip(f"speech recognition extra not installed: {why}")
    import subprocess

    text = "I am sorry about the bill, let me check your account."
    wav = tmp_path / "reply.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "-s", "155", "-v", "en-us", "--", text], check=True)
    rec = ReplyRecorder(Transcriber(tmp_path / "model"), tmp_path)
    with qtbot.waitSignal(rec.transcribed, timeout=60_000) as got:
        rec.transcribe_file(wav)
    assert word_error_rate(text, got.args[0]) <= 0.15


@needs_espeak
def test_start_call_rings_then_speaks_the_first_line(qtbot, tmp_path):
    voice = Voice(tmp_path, engines=[EspeakNGEngine()])
    player, notices = make_player(qtbot, voice)
    played: list[str] = []
    finished: list[int] = []
    player.started.connect(played.append)
    player.finished.connect(lambda: finished.append(1))
    first = "Hello? Is this the hospital billing office?"
    with qtbot.waitSignal(player.finished, timeout=30_000):
        player.start_call(first, None, 130, rings=1)
    assert played == [str(voice.ring_tone(1)), str(voice.line_audio(first, None, 130))]
    assert finished == [1] and notices == []
    assert player.last_path == Path(played[-1])
