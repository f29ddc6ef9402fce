"""Playing the patient's voice: synthesis off the GUI thread, playback with Qt Multimedia.

``LinePlayer`` never blocks the window and never raises into it. Whatever stops sound
(no audio device, no speech engine, a failing backend) is reported once through
``unavailable(str)``; the captions on screen carry the call on regardless.

    player = LinePlayer(Voice(data_dir / "voice-cache"), parent=self)
    player.unavailable.connect(show_notice)
    player.start_call(first.text, persona.voice, settings.voice_rate)   # ring, then line
    player.speak(line.text, persona.voice, settings.voice_rate)         # each later line
    player.replay(); player.set_muted(True); player.stop()
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtQml import QQmlComponent, QQmlEngine

from ..voice import Voice
from .workers import run_in_background

if TYPE_CHECKING:
    from PySide6.QtCore import QIODevice
    from PySide6.QtMultimedia import QAudioSource

NO_DEVICE = "No audio output was found on this computer, so the patient's lines are shown as text only."


def audio_output_available() -> tuple[bool, str]:
    try:
        if QMediaDevices.audioOutputs():
            return True, ""
    except Exception as e:  # a broken multimedia plugin
        return False, f"Audio is unavailable ({type(e).__name__}: {e}); the lines are shown as text only."
    return False, NO_DEVICE


# The player and its output are made by Qt (through QML), not by Python. An object Python makes is a
# wrapper whose virtual methods ask Python for an override, so when an ffmpeg backend thread destroys one of
# its own objects connected to it, that thread waits for the GIL inside ~QObject while holding Qt's
# connection lock; the GUI thread, holding the GIL in stop() or setSource(), then waits for that lock, and
# both hang (seen as a hung test suite). Objects Qt made have no such wrapper, so no backend thread ever
# needs the GIL; their signals reach this module through queued connections to real slots.
_PLAYER_QML = b"import QtMultimedia\nMediaPlayer { audioOutput: AudioOutput {} }"


def _qt_made_player(owner: QObject) -> tuple[QMediaPlayer, tuple[QQmlEngine, QQmlComponent, QObject]]:
    """The player, and what must stay referenced for as long as it is used (its engine and QML object)."""
    engine = QQmlEngine(owner)
    component = QQmlComponent(engine)
    component.setData(_PLAYER_QML, QUrl())
    made = component.create()
    if made is None:
        raise RuntimeError(component.errorString().strip() or "the QtMultimedia QML module is missing")
    player = shiboken6.wrapInstance(shiboken6.getCppPointer(made)[0], QMediaPlayer)
    if not isinstance(player, QMediaPlayer):
        raise RuntimeError("the QML MediaPlayer is not a QMediaPlayer")
    return player, (engine, component, made)


class LinePlayer(QObject):
    started = Signal(str)  # the file that began playing
    finished = Signal()  # it played to the end (not emitted for stop())
    unavailable = Signal(str)  # why there is no sound; emitted once per player

    def __init__(self, voice: Voice | None = None, parent: QObject | None = None, require_device: bool = True):
        super().__init__(parent)
        self.voice = voice
        self.require_device = require_device  # tests pass False to drive QMediaPlayer anyway
        self.reason = ""  # the last reason sound is off ("" when fine)
        self._notified = False
        self._muted = False
        self._last: Path | None = None
        self._generation = 0  # a newer request supersedes an older one
        self._player: QMediaPlayer | None = None
        self._output: QAudioOutput | None = None
        self._keep: tuple[object, ...] = ()  # the QML engine and object behind the player
        self._cancels: list = []
        self._queue: list[Path] = []  # files to play after the current one

    # ---- state ------------------------------------------------------------------
    @property
    def last_path(self) -> Path | None:
        return self._last

    def is_muted(self) -> bool:
        return self._muted

    def is_playing(self) -> bool:
        return self._player is not None and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _fail(self, reason: str) -> None:
        self.reason = reason
        if not self._notified:
            self._notified = True
            self.unavailable.emit(reason)

    def _ensure_player(self) -> bool:
        if self.require_device:
            ok, why = audio_output_available()
            if not ok:
                self._fail(why)
                return False
        if self._player is None:
            try:
                self._player, self._keep = _qt_made_player(self)
                self._output = self._player.audioOutput()
                self._output.setMuted(self._muted)
                queued = Qt.ConnectionType.QueuedConnection
                self._player.mediaStatusChanged.connect(self._on_status, queued)
                self._player.playbackStateChanged.connect(self._on_state, queued)
                self._player.errorOccurred.connect(self._on_error, queued)
            except Exception as e:
                self._player = None
                self._fail(f"Audio playback could not start ({type(e).__name__}: {e}).")
                return False
            if not self._player.isAvailable():
                self._player = None
                self._fail("Qt Multimedia has no working backend here; the lines are shown as text only.")
                return False
        return True

    # ---- playback ---------------------------------------------------------------
    def play(self, path: Path | str) -> None:
        """Play a WAV file now (replacing whatever is playing). Muted: remembered, not played."""
        self._generation += 1
        self._queue.clear()
        self._play(Path(path))

    def _play(self, path: Path) -> None:
        self._last = path
        if self._muted:
            return
        if not path.exists():
            self._fail(f"The audio file is missing: {path}")
            return
        if not self._ensure_player() or self._player is None:
            return
        self._player.stop()
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def replay(self) -> None:
        if self._last is not None:
            self._generation += 1
            self._queue.clear()
            self._play(self._last)

    def stop(self) -> None:
        self._generation += 1  # drop lines still being synthesised
        self._queue.clear()
        for cancel in self._cancels:
            cancel.set()
        self._cancels.clear()
        if self._player is not None:
            self._player.stop()

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        if self._muted and self._queue:
            self._last = self._queue[-1]  # replay after unmuting gives the line, not the ring
            self._queue.clear()
        if self._output is not None:
            self._output.setMuted(self._muted)
        if self._muted and self._player is not None:
            self._player.stop()

    # ---- synthesis off the GUI thread --------------------------------------------
    def speak(self, text: str, persona_voice=None, speed_percent: int = 100) -> None:
        """Synthesise ``text`` on the thread pool, then play it (unless superseded)."""
        self._generate(lambda voice: voice.line_audio(text, persona_voice, speed_percent))

    def ring(self, rings: int = 2) -> None:
        """The ring tone heard before the patient answers."""
        self._generate(lambda voice: voice.ring_tone(rings))

    def start_call(self, first_line: str, persona_voice=None, speed_percent: int = 100, rings: int = 1) -> None:
        """Ring, then the patient's first line: both made in one background job and played
        in order (``finished`` once, after the line). ``replay()`` repeats the line."""
        self._generate(lambda voice: [voice.ring_tone(rings), voice.line_audio(first_line, persona_voice, speed_percent)])

    def _generate(self, make: Callable[[Voice], Path | list[Path]]) -> None:
        self._generation += 1
        self._queue.clear()
        if self._muted:
            return
        voice = self.voice
        if voice is None:
            self._fail("Voice is not set up; the lines are shown as text only.")
            return
        if self.require_device and not audio_output_available()[0]:
            self._fail(audio_output_available()[1])  # no point synthesising for no speaker
            return
        generation = self._generation
        cancel = None

        def job(cancel_event):
            return make(voice)

        def done(result):
            if cancel in self._cancels:
                self._cancels.remove(cancel)
            if generation == self._generation:
                paths = [Path(p) for p in (result if isinstance(result, list) else [result])]
                self._queue = paths[1:]
                if self._muted:  # muted meanwhile: remember the last, play nothing
                    self._last, self._queue = paths[-1], []
                    return
                self._play(paths[0])

        def failed(message):
            if cancel in self._cancels:
                self._cancels.remove(cancel)
            if message != "Cancelled." and generation == self._generation:
                self._fail(message)

        cancel = run_in_background(job, done, failed)
        self._cancels.append(cancel)

    # ---- Qt Multimedia callbacks -------------------------------------------------
    @Slot(QMediaPlayer.PlaybackState)
    def _on_state(self, state) -> None:
        if state == QMediaPlayer.PlaybackState.PlayingState:
            self.started.emit(str(self._last or ""))

    @Slot(QMediaPlayer.MediaStatus)
    def _on_status(self, status) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            if self._queue and not self._muted:
                self._play(self._queue.pop(0))
            else:
                self._queue.clear()
                self.finished.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._fail(f"The audio file could not be played: {self._last}")

    @Slot(QMediaPlayer.Error, str)
    def _on_error(self, error, message: str = "") -> None:
        if error != QMediaPlayer.Error.NoError:
            self._fail(f"Audio playback failed: {message or error}")


# ---- push-to-talk: spoken replies (optional extra "stt") ------------------------------

NO_MICROPHONE = "No microphone was found on this computer; type your reply instead."


def audio_input_available() -> tuple[bool, str]:
    try:
        if QMediaDevices.audioInputs():
            return True, ""
    except Exception as e:
        return False, f"The microphone is unavailable ({type(e).__name__}: {e}); type your reply instead."
    return False, NO_MICROPHONE


NOT_SET_UP = "Speaking replies is not set up on this computer; type your reply."
NOT_INSTALLED = "Speaking replies is not installed on this computer; type your reply."


class ReplyRecorder(QObject):
    """Hold-to-talk: ``start()`` records 16 kHz mono from the default microphone, ``stop()``
    writes a WAV and transcribes it on the thread pool, then ``transcribed(text)``.

    Without a microphone or the speech-recognition extra: one ``unavailable(reason)``."""

    recording = Signal(bool)
    transcribed = Signal(str)
    unavailable = Signal(str)
    MAX_SECONDS = 60

    def __init__(self, transcriber=None, folder: Path | str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        import tempfile

        self.transcriber = transcriber  # a trainer.voice.stt.Transcriber, or None
        self.folder = Path(folder) if folder else Path(tempfile.gettempdir())
        self.reason = ""
        self.detail = ""  # the technical reason behind a notice (e.g. which extra is missing)
        self._notified = False
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._pcm = bytearray()
        self._generation = 0

    def _fail(self, reason: str) -> None:
        self.reason = reason
        if not self._notified:
            self._notified = True
            self.unavailable.emit(reason)

    def available(self) -> tuple[bool, str]:
        if self.transcriber is None:
            return False, NOT_SET_UP
        ok, why = self.transcriber.available()
        if not ok:
            self.detail = why  # what to install: for whoever sets the computer up, not for the trainee
            return False, NOT_INSTALLED
        return audio_input_available()

    def is_recording(self) -> bool:
        return self._source is not None

    def start(self) -> bool:
        ok, why = self.available()
        if not ok:
            self._fail(why)
            return False
        if self._source is not None:
            return True
        from PySide6.QtMultimedia import QAudioFormat, QAudioSource

        fmt = QAudioFormat()
        fmt.setSampleRate(16000)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        device = QMediaDevices.defaultAudioInput()
        if not device.isFormatSupported(fmt):
            fmt = device.preferredFormat()
        try:
            self._format = fmt
            self._source = QAudioSource(device, fmt, self)
            self._pcm = bytearray()
            self._io = self._source.start()
            self._io.readyRead.connect(self._read, Qt.ConnectionType.QueuedConnection)  # see LinePlayer
        except Exception as e:
            self._source = None
            self._fail(f"The microphone could not be opened ({type(e).__name__}: {e}).")
            return False
        self.recording.emit(True)
        return True

    @Slot()
    def _read(self) -> None:
        if self._io is not None:
            self._pcm += bytes(self._io.readAll().data())
            fmt = self._format
            limit = self.MAX_SECONDS * fmt.sampleRate() * fmt.channelCount() * fmt.bytesPerSample()
            if len(self._pcm) >= limit:
                self.stop()

    def stop(self) -> Path | None:
        """Stop recording; returns the WAV written (and starts its transcription)."""
        if self._source is None:
            return None
        self._read()
        self._source.stop()
        self._source.deleteLater()
        self._source, self._io = None, None
        self.recording.emit(False)
        fmt = self._format
        if not self._pcm:
            return None
        import time
        import wave

        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"reply-{int(time.time() * 1000)}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(fmt.channelCount())
            w.setsampwidth(fmt.bytesPerSample())
            w.setframerate(fmt.sampleRate())
            w.writeframes(bytes(self._pcm))
        self.transcribe_file(path)
        return path

    def transcribe_file(self, path: Path | str) -> None:
        """Transcribe a WAV on the thread pool; ``transcribed`` (or ``unavailable``) follows."""
        if self.transcriber is None:
            self._fail(NOT_SET_UP)
            return
        self._generation += 1
        generation = self._generation

        def done(text):
            if generation == self._generation:
                self.transcribed.emit(str(text))

        def failed(message):
            if generation == self._generation and message != "Cancelled.":
                self.detail = message
                self._fail(NOT_INSTALLED if "pip install" in message else message)

        transcriber = self.transcriber
        run_in_background(lambda cancel: transcriber.transcribe(path), done, failed)
