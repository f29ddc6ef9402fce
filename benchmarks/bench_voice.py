"""Voice speed: a patient line's text -> playable phone-line WAV (espeak-ng path).

Cold cache (a fresh folder; every line is new), ~30 different scenario lines of 10-40
words in their persona's voice; p50/p95 of the whole path (synthesis + check + phone
effect + WAV write + cache store), its two halves, and cached replays separately.
Target: p95 <= 150 ms cold.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 150


def scenario_lines(limit: int = 30) -> list[tuple[str, object]]:
    """Distinct patient lines of 10-40 words, with their persona's voice."""
    from trainer.config import BUILTIN_SCENARIOS_DIR
    from trainer.scenarios.loader import load_library

    lib = load_library(BUILTIN_SCENARIOS_DIR)
    seen, out = set(), []
    for loaded in lib.scenarios:
        sc = loaded.scenario
        for node in sc.nodes.values():
            for line in node.say:
                words = len(re.findall(r"[A-Za-z0-9']+", line.text))
                if 10 <= words <= 40 and line.text not in seen:
                    seen.add(line.text)
                    out.append((line.text, sc.persona.voice))
    # spread across scenarios rather than the first few
    step = max(1, len(out) // limit)
    return out[::step][:limit]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def fmt(ms: list[float]) -> str:
    return f"p50 {pct(ms, 0.5):6.1f} ms   p95 {pct(ms, 0.95):6.1f} ms   max {max(ms):6.1f} ms"


def main() -> None:
    if shutil.which("espeak-ng") is None:
        print("   espeak-ng is not installed: skipped")
        return
    from trainer.voice import Voice
    from trainer.voice.phone import apply_phone_effect
    from trainer.voice.tts import EspeakNGEngine, Synthesizer, VoiceSpec, word_count

    lines = scenario_lines()
    words = [word_count(t) for t, _ in lines]
    print(
        f"   {len(lines)} different scenario lines, {min(words)}-{max(words)} words "
        f"(median {statistics.median(words):.0f}), persona voices, speed 100 %"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # warm imports (pydub, the noise buffer) on a line that is not measured
        Voice(tmp / "warm", engines=[EspeakNGEngine()]).line_audio("Warming up the audio path now.")

        voice = Voice(tmp / "cache", engines=[EspeakNGEngine()])
        cold, cached, synth_ms, effect_ms, audio_s = [], [], [], [], []
        for text, pv in lines:
            t0 = time.perf_counter()
            path = voice.line_audio(text, pv, 100)
            cold.append((time.perf_counter() - t0) * 1000)
            with __import__("wave").open(str(path)) as w:
                audio_s.append(w.getnframes() / w.getframerate())
        assert voice.cache.hits == 0, "the cold run must not hit the cache"
        for text, pv in lines:
            t0 = time.perf_counter()
            voice.line_audio(text, pv, 100)
            cached.append((time.perf_counter() - t0) * 1000)

        # the two halves, measured separately on the same lines
        synth = Synthesizer([EspeakNGEngine()])
        for i, (text, pv) in enumerate(lines):
            raw, out = tmp / f"raw{i}.wav", tmp / f"ph{i}.wav"
            t0 = time.perf_counter()
            synth.synthesize(text, VoiceSpec.from_persona(pv, 100), raw)
            t1 = time.perf_counter()
            apply_phone_effect(raw, out)
            t2 = time.perf_counter()
            synth_ms.append((t1 - t0) * 1000)
            effect_ms.append((t2 - t1) * 1000)

        # for comparison: the app's default chain (pyttsx3 first, espeak-ng as fallback)
        chain = Voice(tmp / "chain")
        chain_ms, fallbacks = [], 0
        for text, pv in lines:
            t0 = time.perf_counter()
            chain.line_audio(text, pv, 100)
            chain_ms.append((time.perf_counter() - t0) * 1000)
            fallbacks += chain.last_engine != chain.synth.engines[0].name

        # the ring tone, cold
        t0 = time.perf_counter()
        Voice(tmp / "ring").ring_tone()
        ring_ms = (time.perf_counter() - t0) * 1000

    p95 = pct(cold, 0.95)
    print(
        f"   text -> phone-line WAV, cold cache : {fmt(cold)}   "
        f"(target p95 <= {TARGET_P95_MS} ms: {'met' if p95 <= TARGET_P95_MS else 'MISSED'})"
    )
    print(f"     of which espeak-ng + check       : {fmt(synth_ms)}")
    print(f"     of which phone effect + write    : {fmt(effect_ms)}")
    print(
        f"   default chain ({chain.synth.name}), cold: {fmt(chain_ms)}   ({fallbacks} of {len(lines)} lines needed the fallback)"
    )
    print(f"   cached replay                      : {fmt(cached)}")
    print(f"   audio per line {min(audio_s):.1f}-{max(audio_s):.1f} s; ring tone (cold) {ring_ms:.0f} ms")
    bench_stt()


def bench_stt() -> None:
    """Spoken replies (optional extra): load time and a 5-second reply on 2 cores."""
    import os

    from trainer.voice.stt import Transcriber, normalise_words, stt_available, word_error_rate

    ok, why = stt_available()
    if not ok:
        print(f"   transcription: skipped ({why})")
        return
    before = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else None
    if before is not None:
        os.sched_setaffinity(0, set(sorted(before)[:2]))
    try:
        _bench_stt(Transcriber, normalise_words, word_error_rate)
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def _bench_stt(Transcriber, normalise_words, word_error_rate) -> None:
    import subprocess
    import wave

    text = "Let me check your account and explain every charge on this statement."
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        raw = tmp / "reply.wav"
        subprocess.run(["espeak-ng", "-w", str(raw), "-s", "150", "-v", "en-us", "--", text], check=True)
        with wave.open(str(raw)) as w:  # pad / trim to exactly 5.0 s
            params, frames = w.getparams(), w.readframes(w.getnframes())
        need = 5 * params.framerate * params.sampwidth
        five = tmp / "five.wav"
        with wave.open(str(five), "wb") as w:
            w.setparams(params)
            w.writeframes((frames + bytes(need))[:need])
        t0 = time.perf_counter()
        tr = Transcriber(tmp / "model", cpu_threads=2)
        tr.load()
        load_s = time.perf_counter() - t0
        runs, hyp = [], ""
        for _ in range(3):
            t0 = time.perf_counter()
            hyp = tr.transcribe(five)
            runs.append(time.perf_counter() - t0)
    print(
        f"   transcription (faster-whisper base, int8, 2 cores): 5-second reply "
        f"median {statistics.median(runs):.2f} s (best {min(runs):.2f} s); "
        f"model join + load {load_s:.1f} s; WER {word_error_rate(text, hyp):.0%} "
        f"on {len(normalise_words(text))} words"
    )


if __name__ == "__main__":
    main()
