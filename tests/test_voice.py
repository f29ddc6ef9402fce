"""Voice core (Qt-free): synthesis with checks and fallback, phone effect, cache, facade."""

from __future__ import annotations

import math
import shutil
import sys
import wave
from pathlib import Path

import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from trainer.scenarios.schema import Voice as PersonaVoice
from trainer.voice import Voice, VoiceUnavailable
from trainer.voice.cache import AudioCache, cache_key
from trainer.voice.phone import (
    PHONE_RATE,
    box_highpass,
    fir_filter,
    lowpass_taps,
    phone_line,
    response_db,
    ring_tone,
    write_ring_tone,
)
from trainer.voice.tts import Engine, EspeakNGEngine, Pyttsx3Engine, Synthesizer, TTSError, VoiceSpec, check_wav, wav_duration

HAS_ESPEAK = shutil.which("espeak-ng") is not None
needs_espeak = pytest.mark.skipif(not HAS_ESPEAK, reason="espeak-ng is not installed")
LINE = "I got a bill for four thousand dollars and nobody told me the surgery was not covered."


def write_wav(path: Path, seconds: float, rate: int = 22050, silent: bool = False) -> Path:
    seg = (
        AudioSegment.silent(duration=int(seconds * 1000), frame_rate=rate)
        if silent
        else Sine(220, sample_rate=rate).to_audio_segment(duration=int(seconds * 1000), volume=-12)
    )
    seg.set_channels(1).set_sample_width(2).export(str(path), format="wav")
    return path


def wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes() / w.getframerate()


class FakeEngine(Engine):
    """Writes what each call in ``plan`` says: 'ok', 'empty', 'nothing', 'short', 'raise'."""

    def __init__(self, name: str, plan: list[str]):
        self.name = name
        self.plan = list(plan)
        self.calls = 0

    def available(self):
        return True, ""

    def synthesize(self, text, spec, out):
        what = self.plan[min(self.calls, len(self.plan) - 1)]
        self.calls += 1
        words = len(text.split())
        if what == "ok":
            write_wav(out, words / spec.rate * 60)
        elif what == "empty":
            with wave.open(str(out), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        elif what == "short":
            write_wav(out, 0.05)
        elif what == "raise":
            raise RuntimeError("driver exploded")


class MissingEngine(Engine):
    name = "missing"

    def available(self):
        return False, "no such engine here"

    def synthesize(self, text, spec, out):  # pragma: no cover - never called
        raise AssertionError


# ---- voice settings ----------------------------------------------------------------


def test_voice_spec_applies_speed_percent_and_clamps():
    pv = PersonaVoice(gender="female", rate=160, pitch=70)
    assert VoiceSpec.from_persona(pv, 100) == VoiceSpec("female", 160, 70)
    assert VoiceSpec.from_persona(pv, 150).rate == 240
    assert VoiceSpec.from_persona(pv, 50).rate == 80
    assert VoiceSpec.from_persona(pv, 10).rate == 80  # floor
    assert VoiceSpec.from_persona(None, 100) == VoiceSpec("neutral", 170, 50)


# ---- the WAV check -----------------------------------------------------------------


def test_check_wav_rejects_missing_empty_and_implausible(tmp_path):
    text = "one two three four five six seven eight nine ten"  # 10 words: 3.5 s at 170
    assert "no file" in check_wav(tmp_path / "none.wav", text, 170)
    (tmp_path / "zero.wav").write_bytes(b"")
    assert "empty" in check_wav(tmp_path / "zero.wav", text, 170)
    (tmp_path / "junk.wav").write_bytes(b"x" * 100)
    assert "WAV" in check_wav(tmp_path / "junk.wav", text, 170)
    with wave.open(str(tmp_path / "noframes.wav"), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050)
        w.writeframes(b"\0\0" * 0)
    (tmp_path / "noframes.wav").write_bytes((tmp_path / "noframes.wav").read_bytes() + b"\0" * 8)
    assert check_wav(tmp_path / "noframes.wav", text, 170) is not None
    assert "implausible" in check_wav(write_wav(tmp_path / "short.wav", 0.3), text, 170)
    assert "implausible" in check_wav(write_wav(tmp_path / "long.wav", 30), text, 170)
    assert check_wav(write_wav(tmp_path / "good.wav", 3.5), text, 170) is None


# ---- synthesis: re-try and fallback ------------------------------------------------


def test_synthesizer_retries_after_an_empty_file(tmp_path):
    flaky = FakeEngine("flaky", ["empty", "ok"])
    synth = Synthesizer([flaky], attempts=2)
    assert synth.synthesize(LINE, VoiceSpec(), tmp_path / "a.wav") == "flaky"
    assert flaky.calls == 2 and check_wav(tmp_path / "a.wav", LINE, 170) is None
    assert "empty" in synth.last_problems[0]


def test_synthesizer_falls_back_to_the_next_engine(tmp_path):
    bad = FakeEngine("bad", ["nothing", "short", "raise"])
    good = FakeEngine("good", ["ok"])
    synth = Synthesizer([bad, good], attempts=2)
    assert synth.synthesize(LINE, VoiceSpec(), tmp_path / "a.wav") == "good"
    assert bad.calls == 2 and good.calls == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_synthesizer_names_every_failure(tmp_path):
    synth = Synthesizer([FakeEngine("bad", ["raise", "short"])], attempts=2)
    with pytest.raises(TTSError) as e:
        synth.synthesize(LINE, VoiceSpec(), tmp_path / "a.wav")
    assert "driver exploded" in str(e.value) and "implausible" in str(e.value)
    assert not (tmp_path / "a.wav").exists()
    none = Synthesizer([MissingEngine()])
    assert none.available() == (False, "No speech engine: no such engine here")
    with pytest.raises(TTSError, match="no such engine"):
        none.synthesize(LINE, VoiceSpec(), tmp_path / "b.wav")


@needs_espeak
def test_espeak_ng_writes_a_plausible_deterministic_wav(tmp_path):
    eng = EspeakNGEngine()
    spec = VoiceSpec("female", 170, 60)
    eng.synthesize(LINE, spec, tmp_path / "a.wav")
    eng.synthesize(LINE, spec, tmp_path / "b.wav")
    assert check_wav(tmp_path / "a.wav", LINE, 170) is None
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    eng.synthesize(LINE, VoiceSpec("female", 340, 60), tmp_path / "fast.wav")
    assert wav_duration(tmp_path / "fast.wav") < 0.75 * wav_duration(tmp_path / "a.wav")


def test_espeak_ng_reports_a_missing_program(tmp_path):
    eng = EspeakNGEngine()
    eng.executable = None
    ok, why = eng.available()
    assert not ok and "espeak-ng" in why
    with pytest.raises(TTSError):
        eng.synthesize(LINE, VoiceSpec(), tmp_path / "a.wav")


def test_pyttsx3_prints_nothing_to_stdout(tmp_path, capfd):
    eng = Pyttsx3Engine()
    ok, why = eng.available()
    if not ok:
        pytest.skip(f"pyttsx3 unavailable here: {why}")
    try:
        eng.synthesize(LINE, VoiceSpec("male", 170, 40), tmp_path / "p.wav")
    except Exception as e:  # a flaky backend is the synthesizer's business, not this test's
        pytest.skip(f"pyttsx3 backend failed: {e}")
    out = capfd.readouterr().out
    assert "Audio saved" not in out and out == ""


@needs_espeak
def test_default_chain_makes_a_checked_file(tmp_path):
    synth = Synthesizer()
    assert synth.engines[0].name == "pyttsx3"
    if sys.platform.startswith("linux"):
        assert synth.engines[-1].name == "espeak-ng"
    used = synth.synthesize(LINE, VoiceSpec("female", 170, 60), tmp_path / "a.wav")
    assert used in ("pyttsx3", "espeak-ng")
    assert check_wav(tmp_path / "a.wav", LINE, 170) is None


# ---- phone-line sound --------------------------------------------------------------


def tone_level(freq: int, rate: int = 22050) -> float:
    seg = Sine(freq, sample_rate=rate).to_audio_segment(duration=1000, volume=-10)
    out = phone_line(seg + Sine(1000, sample_rate=rate).to_audio_segment(duration=1000, volume=-10), noise=False)
    first, second = out[100:900], out[1100:1900]  # the tone, then the 1 kHz reference
    return first.dBFS - second.dBFS


def test_phone_line_is_8khz_mono_and_keeps_the_length():
    seg = Sine(440, sample_rate=22050).to_audio_segment(duration=2500).set_channels(2)
    out = phone_line(seg)
    assert (out.frame_rate, out.channels, out.sample_width) == (PHONE_RATE, 1, 2)
    assert abs(len(out) - 2500) <= 2
    assert -4.0 <= out.max_dBFS <= -2.0  # normalised with 3 dB headroom


def test_phone_line_band_passes_300_to_3400_hz():
    assert tone_level(100) < -12  # hum cut
    assert tone_level(150) < -8
    assert -5 < tone_level(300) < -1
    assert abs(tone_level(700)) < 1.0
    assert abs(tone_level(2000)) < 1.0
    assert -9 < tone_level(3400) < -3
    assert tone_level(5000) < -20  # above the phone band (and the 8 kHz Nyquist)
    lp = lowpass_taps(3400, 22050, 21)
    assert -8 < response_db(lp, 3400, 22050) < -4 and abs(response_db(lp, 1000, 22050)) < 0.2


def test_filters_keep_alignment_and_survive_tiny_inputs():
    click = bytearray(2 * 2000)
    click[2 * 1000 : 2 * 1000 + 2] = (20000).to_bytes(2, "little", signed=True)
    out = fir_filter(bytes(click), lowpass_taps(3400, 22050, 21))
    samples = [int.from_bytes(out[i : i + 2], "little", signed=True) for i in range(0, len(out), 2)]
    assert len(out) == len(click) and max(range(2000), key=lambda i: samples[i]) == 1000
    hp = box_highpass(bytes(click))
    samples = [int.from_bytes(hp[i : i + 2], "little", signed=True) for i in range(0, len(hp), 2)]
    assert len(hp) == len(click) and max(range(2000), key=lambda i: samples[i]) == 1000
    for tiny in (b"", b"\x01\x00", bytes(20)):
        assert fir_filter(tiny, lowpass_taps(3400, 22050, 21)) == tiny
        assert box_highpass(tiny) == tiny
    assert len(phone_line(AudioSegment.silent(duration=3, frame_rate=22050))) <= 3


def test_phone_line_adds_light_noise_to_silence():
    out = phone_line(AudioSegment.silent(duration=1000, frame_rate=22050), noise=True)
    assert -70 < out.dBFS < -40


def test_ring_tone_is_us_ringback(tmp_path):
    ring = ring_tone(rings=2)
    assert (ring.frame_rate, ring.channels) == (PHONE_RATE, 1)
    assert abs(len(ring) - 9000) <= 5  # 2 s on, 4 s off, 2 s on, 1 s tail
    assert ring[200:1800].dBFS > -25  # ringing
    assert ring[2500:5500].dBFS < -40  # the 4 s pause
    assert ring[6200:7800].dBFS > -25
    path = write_ring_tone(tmp_path / "ring.wav")
    assert wav_info(path)[:3] == (1, 2, PHONE_RATE)


def test_ring_tone_holds_440_and_480_hz():
    on = ring_tone(rings=1)[100:1900]
    samples = on.get_array_of_samples()

    def power(f):
        re = sum(s * math.cos(2 * math.pi * f * i / PHONE_RATE) for i, s in enumerate(samples))
        im = sum(s * math.sin(2 * math.pi * f * i / PHONE_RATE) for i, s in enumerate(samples))
        return math.hypot(re, im)

    assert power(440) > 20 * power(1000) and power(480) > 20 * power(1000)


# ---- cache -------------------------------------------------------------------------


def test_cache_key_depends_on_every_part():
    base = cache_key("hi", "female|170|50", "espeak-ng", 1)
    assert base == cache_key("hi", "female|170|50", "espeak-ng", 1)
    assert (
        len(
            {
                base,
                cache_key("hi!", "female|170|50", "espeak-ng", 1),
                cache_key("hi", "male|170|50", "espeak-ng", 1),
                cache_key("hi", "female|170|50", "pyttsx3", 1),
                cache_key("hi", "female|170|50", "espeak-ng", 2),
            }
        )
        == 5
    )


def test_cache_makes_once_and_evicts_least_recently_used(tmp_path):
    import os

    cache = AudioCache(tmp_path / "c", max_bytes=3 * (22050 * 2 + 44) + 10)  # 3 one-second files
    made = []

    def maker(seconds):
        def make(tmp):
            made.append(tmp)
            write_wav(tmp, seconds)

        return make

    a = cache.get_or_make("a", maker(1))
    assert cache.get_or_make("a", maker(1)) == a and len(made) == 1
    for key in "bc":
        cache.get_or_make(key, maker(1))
    # make "a" the most recently used, "b" the oldest
    os.utime(cache.path_for("b"), (1000, 1000))
    os.utime(cache.path_for("c"), (2000, 2000))
    cache.get("a")
    cache.get_or_make("d", maker(1))
    assert not cache.path_for("b").exists()  # the oldest went
    assert all(cache.path_for(k).exists() for k in "acd")
    assert cache.size() <= cache.max_bytes


def test_cache_ignores_a_truncated_file_and_a_failed_make(tmp_path):
    cache = AudioCache(tmp_path)
    cache.path_for("k").write_bytes(b"RIFF")
    assert cache.get("k") is None
    with pytest.raises(RuntimeError):
        cache.get_or_make("x", lambda tmp: None)  # wrote nothing
    assert not cache.path_for("x").exists()
    assert not list(tmp_path.glob(".*"))


# ---- facade ------------------------------------------------------------------------


def test_voice_without_an_engine_says_why(tmp_path):
    voice = Voice(tmp_path, engines=[MissingEngine()])
    ok, why = voice.available()
    assert not ok and "no such engine here" in why
    with pytest.raises(VoiceUnavailable, match="no such engine here"):
        voice.line_audio("Hello?")
    assert wav_info(voice.ring_tone())[2] == PHONE_RATE  # the ring needs no speech engine


def test_voice_reports_a_failing_backend_as_unavailable(tmp_path):
    voice = Voice(tmp_path, engines=[FakeEngine("bad", ["raise"])])
    assert voice.available() == (True, "")
    with pytest.raises(VoiceUnavailable, match="driver exploded"):
        voice.line_audio("Hello there, is this billing?")
    with pytest.raises(VoiceUnavailable, match="empty"):
        voice.line_audio("   ")


def test_voice_caches_by_text_voice_and_speed(tmp_path):
    eng = FakeEngine("fake", ["ok"])
    voice = Voice(tmp_path, engines=[eng])
    pv = PersonaVoice(gender="male", rate=150, pitch=30)
    a = voice.line_audio(LINE, pv, 100)
    assert voice.line_audio(LINE, pv, 100) == a and eng.calls == 1
    b = voice.line_audio(LINE, pv, 120)
    assert b != a and eng.calls == 2
    assert wav_info(a)[:3] == (1, 2, PHONE_RATE)


@needs_espeak
def test_voice_end_to_end_with_espeak(tmp_path):
    voice = Voice(tmp_path, engines=[EspeakNGEngine()])
    path = voice.line_audio(LINE, PersonaVoice(gender="female", rate=170, pitch=65), 100)
    ch, width, rate, seconds = wav_info(path)
    assert (ch, width, rate) == (1, 2, PHONE_RATE)
    words = len(LINE.split())
    assert 0.25 * words / 170 * 60 <= seconds <= 4 * words / 170 * 60
    assert path.parent == tmp_path


def test_the_natural_voice_speaks_male_personas_and_passes_female_ones_on(tmp_path):
    from types import SimpleNamespace

    from trainer.voice.tts import PiperEngine, TTSError, VoiceSpec, check_wav, default_engines

    engine = PiperEngine()
    ok, why = engine.available()
    if not ok:
        pytest.skip(why)
    text = "Hi, I'm calling about a bill I got for my knee scan last month."
    out = tmp_path / "piper.wav"
    engine.synthesize(text, VoiceSpec.from_persona(SimpleNamespace(gender="male", rate=170, pitch=50)), out)
    assert check_wav(out, text, 170) is None
    with pytest.raises(TTSError, match="female"):
        engine.synthesize(text, VoiceSpec(gender="female"), tmp_path / "f.wav")
    assert default_engines(natural=True)[0].name == "piper"
    assert "piper" not in [e.name for e in default_engines(natural=False)]
