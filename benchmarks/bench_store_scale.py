"""A class at scale: 10 000 trainees, 200 000 sessions, 2 000 000 scored turns (synthetic).

Times the supervisor's three queries (median of several runs; targets <= 200 ms each), exports
the class as 50 kiosk bundles of 40 000 turns, times importing all 50 into an empty supervisor
database (three times; target <= 10 s) and importing them again (nothing changes), and prints the sizes.
Everything is written to a temporary folder and removed afterwards (BENCH_KEEP=1 keeps it).
Smaller runs: BENCH_TRAINEES=1000 python benchmarks/run.py store_scale
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainer.config import BUILTIN_SCENARIOS_DIR  # noqa: E402
from trainer.scenarios.loader import load_library  # noqa: E402
from trainer.scoring import Scorer  # noqa: E402
from trainer.scoring.evaluate import load_corpus  # noqa: E402
from trainer.scoring.rules import RULES  # noqa: E402
from trainer.store import bundle, queries  # noqa: E402
from trainer.store.detail import pack  # noqa: E402
from trainer.store.store import Store  # noqa: E402

TRAINEES = int(os.environ.get("BENCH_TRAINEES", 10_000))
SESSIONS_PER_TRAINEE = 20
TURNS_PER_SESSION = 10
KIOSKS = 50
RUNS = 7
IMPORT_RUNS = 3
RUBRIC = "2026.11-1"
FIRST = [
    "Dana",
    "Maria",
    "Keisha",
    "Linh",
    "Rosa",
    "Sam",
    "Jordan",
    "Priya",
    "Omar",
    "Chen",
    "Ana",
    "Eli",
    "Fatima",
    "Grace",
    "Hiro",
    "Ivan",
    "Jamal",
    "Kofi",
    "Lena",
    "Mateo",
]
LAST = [
    "Alvarez",
    "Brooks",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Johnson",
    "Khan",
    "Lopez",
    "Martin",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Smith",
    "Tran",
]
PATIENT = [
    "Hi, I got a bill for $1,240 for my MRI and I don't understand it. I have insurance! Why am I getting this?",
    "I already paid this. Why do you keep calling me? This is really stressing me out.",
    "My husband passed away in March and now these bills keep coming in his name. What do I do?",
    "I lost my job last month. There's no way I can pay $3,800 right now.",
    "Who is this? How did you get this number? I want to know what this is about.",
]
REPLIES = [
    "I'm sorry this bill was a surprise; that sounds stressful. Before we look at it, can I have your full "
    "name and date of birth?",
    "Thank you. Your insurance paid its part. The rest, $1,240, went to your deductible, which is the amount "
    "you pay each year before insurance starts to pay. Does that make sense?",
    "That's a lot to carry. We have a financial assistance program based on income, and a payment plan "
    "too. I'll email the application today.",
    "Yes, we can set a monthly payment of $40 while the application is reviewed. I'll send it in writing.",
    "You need to pay the full balance today or it goes to collections.",
]


@cache
def real_details() -> tuple[list[bytes], list[bytes], int]:
    """Score details as the app stores them (packed), from the scorer's real output on the labelled corpus:
    (without a blocker, with one, median JSON size)."""
    scorer = Scorer()
    plain, blocked, sizes = [], [], []
    for item in load_corpus():
        text = json.dumps(scorer.score(item.reply, item.context).to_dict())
        sizes.append(len(text))
        (blocked if '"rule_id"' in text else plain).append(pack(text))
    return plain, blocked, int(statistics.median(sizes))


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate(path: Path, trainees: int) -> dict[str, list[str]]:
    """Fill a new trainer database with a synthetic class; returns the scenario topics."""
    Store(path).close()  # the real schema, with every migration
    library = load_library(BUILTIN_SCENARIOS_DIR)
    scenarios = [
        (s.scenario.id, s.scenario.title, s.content_hash, json.dumps(list(s.scenario.crcr_topics))) for s in library.scenarios
    ]
    rules = list(RULES.values())
    details, blocked_details, _ = real_details()
    rng = random.Random(2026)
    kiosks = [new_uuid(rng) for _ in range(KIOSKS)]
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    con.execute("BEGIN")
    trainee_rows, session_rows, turn_rows, blocker_rows = [], [], [], []
    day0 = 1_767_225_600  # 2026-01-01
    for i in range(trainees):
        tid = new_uuid(rng)
        kiosk = kiosks[i % KIOSKS]
        name = f"{FIRST[i % 20]} {LAST[(i // 20) % 20]} {i:05d}"
        trainee_rows.append((tid, name, f"B{i:06d}", "2026-01-05T08:00:00+00:00", kiosk))
        skill = rng.gauss(0, 8)
        for j in range(SESSIONS_PER_TRAINEE):
            sid = new_uuid(rng)
            sc = scenarios[rng.randrange(len(scenarios))]
            t0 = day0 + j * 86400 * 3 + rng.randrange(86400)
            started = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t0))
            roll = rng.random()
            status = "completed" if roll < 0.9 else "abandoned" if roll < 0.96 else "interrupted"
            dims = {"e": [], "c": [], "p": []}
            blocked_session = False
            for k in range(TURNS_PER_SESSION):
                turn_id = new_uuid(rng)
                e = max(0, min(100, int(rng.gauss(68 + skill + j, 14))))
                c = max(0, min(100, int(rng.gauss(64 + skill + j, 12))))
                p = max(0, min(100, int(rng.gauss(85 + skill, 10))))
                blocked = rng.random() < 0.03
                overall = 0 if blocked else round((e + c + p) / 3)
                dims["e"].append(e), dims["c"].append(c), dims["p"].append(p)
                created = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t0 + 30 * (k + 1)))
                if blocked:
                    blocked_session = True
                    rule = rules[min(len(rules) - 1, int(rng.expovariate(0.5)))]
                    blocker_rows.append((sid, turn_id, rule.id))
                detail = rng.choice(blocked_details if blocked else details)
                turn_rows.append(
                    (
                        turn_id,
                        sid,
                        k,
                        1,
                        f"node{k}",
                        f"node{k}.a",
                        PATIENT[(k + j) % 5],
                        REPLIES[rng.randrange(5)],
                        created,
                        RUBRIC,
                        e,
                        c,
                        p,
                        overall,
                        int(blocked),
                        detail,
                    )
                )
            means = [round(sum(v) / len(v)) for v in dims.values()]
            finished = status != "interrupted"
            session_overall = 0 if blocked_session else round(sum(means) / 3)
            ended = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t0 + 330)) if finished else None
            session_rows.append(
                (
                    sid,
                    tid,
                    sc[0],
                    sc[1],
                    sc[2],
                    RUBRIC,
                    "scripted",
                    rng.randrange(2**31),
                    status,
                    "resolved" if status == "completed" else None,
                    started,
                    ended,
                    *(means if finished else (None, None, None)),
                    session_overall if finished else None,
                    int(blocked_session and finished),
                    kiosk,
                    sc[3],
                )
            )
        if len(turn_rows) >= 200_000 or i == trainees - 1:
            _flush(con, trainee_rows, session_rows, turn_rows, blocker_rows)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    return {s.scenario.id: list(s.scenario.crcr_topics) for s in library.scenarios}


def _flush(con, trainee_rows, session_rows, turn_rows, blocker_rows) -> None:
    con.executemany("INSERT INTO trainees (id, name, badge, created_at, kiosk_id) VALUES (?, ?, ?, ?, ?)", trainee_rows)
    con.executemany(
        "INSERT INTO sessions (id, trainee_id, scenario_id, scenario_title, scenario_hash, rubric_version, "
        "persona_mode, seed, status, ending, started_at, ended_at, empathy, clarity, compliance, overall, "
        "blocked, kiosk_id, topics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        session_rows,
    )
    con.executemany(
        "INSERT INTO turns (id, session_id, idx, attempt, patient_node, patient_line_id, patient_text, "
        "reply, created_at, rubric_version, empathy, clarity, compliance, overall, blocked, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        turn_rows,
    )
    con.executemany("INSERT INTO score_blockers (session_id, turn_id, rule_id) VALUES (?, ?, ?)", blocker_rows)
    for rows in (trainee_rows, session_rows, turn_rows, blocker_rows):
        rows.clear()


def timed(fn, runs: int = RUNS) -> tuple[float, float]:
    """(first run, median of the runs) in milliseconds."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times[0], statistics.median(times)


def size(path: Path) -> int:
    return sum(Path(str(path) + s).stat().st_size for s in ("", "-wal") if Path(str(path) + s).exists())


def mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def main() -> None:
    keep = os.environ.get("BENCH_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-scale-"))
    try:
        _run(tmp)
    finally:
        if keep:
            print(f"   (kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(tmp: Path) -> None:
    class_db = tmp / "class" / "trainer.db"
    class_db.parent.mkdir()
    t = time.perf_counter()
    topics = generate(class_db, TRAINEES)
    store = Store(class_db)
    n_turns = store.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
    n_sessions = store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    n_trainees = store.db.execute("SELECT COUNT(*) FROM trainees").fetchone()[0]
    packed = store.db.execute("SELECT AVG(length(detail)) FROM (SELECT detail FROM turns LIMIT 10000)").fetchone()[0]
    print(
        f"   generated {n_trainees:,} trainees, {n_sessions:,} sessions, {n_turns:,} scored turns "
        f"in {time.perf_counter() - t:.0f} s; database {mb(size(class_db))} "
        f"({size(class_db) / n_turns:,.0f} bytes a turn; score details are the scorer's real output, "
        f"median {real_details()[2]:,} bytes of JSON, stored packed in {packed:.0f})"
    )

    someone = store.db.execute("SELECT id FROM trainees ORDER BY name LIMIT 1 OFFSET ?", [n_trainees // 2]).fetchone()[0]
    figures = [
        ("supervisor table (first 50 by name)", lambda: queries.trainee_table(store, limit=50)),
        (
            "supervisor table (sorted by overall, desc)",
            lambda: queries.trainee_table(store, sort="overall", descending=True, limit=50),
        ),
        ("supervisor table (search 'Patel', page 2)", lambda: queries.trainee_table(store, search="Patel", limit=50, offset=50)),
        ("a trainee's history", lambda: queries.trainee_history(store, someone)),
        ("class summary", lambda: queries.class_summary(store, topics)),
    ]
    for label, fn in figures:
        first, median = timed(fn)
        print(f"   {label:<44} median {median:6.1f} ms  (first {first:6.1f} ms; target <= 200 ms)")

    kiosks = [r[0] for r in store.db.execute("SELECT DISTINCT kiosk_id FROM sessions ORDER BY kiosk_id")]
    usb = tmp / "usb"
    usb.mkdir()
    t = time.perf_counter()
    files = [bundle.export_bundle(store, usb, origin=k, name=f"kiosk-{i:02d}").path for i, k in enumerate(kiosks)]
    export_s = time.perf_counter() - t
    per = json.loads(__import__("zipfile").ZipFile(files[0]).read("manifest.json"))["counts"]["turns"]
    total_bundles = sum(f.stat().st_size for f in files)
    print(
        f"   exported {len(files)} kiosk bundles of {per:,} turns in {export_s:.1f} s "
        f"({export_s / len(files) * 1000:.0f} ms each; {mb(total_bundles)} in all)"
    )
    store.close()

    times = []
    for run in range(IMPORT_RUNS):  # each into a new, empty supervisor database
        supervisor_db = tmp / f"supervisor-{run}" / "trainer.db"
        supervisor = Store(supervisor_db)
        t = time.perf_counter()
        report = bundle.import_bundles(supervisor, files)
        times.append(time.perf_counter() - t)
        if run < IMPORT_RUNS - 1:
            supervisor.close()
            shutil.rmtree(supervisor_db.parent)
    totals = report.totals()
    print(
        f"   imported {len(files)} bundles into an empty supervisor database: median {statistics.median(times):.1f} s "
        f"over {IMPORT_RUNS} runs ({', '.join(f'{x:.1f}' for x in times)} s; target <= 10 s): "
        f"{totals['sessions'].new:,} new sessions, {totals['turns'].new:,} new turns, "
        f"{sum(c.conflicts for c in totals.values())} conflicts, {len(report.rejected)} rejected"
    )
    t = time.perf_counter()
    again = bundle.import_bundles(supervisor, files)
    again_s = time.perf_counter() - t
    unchanged = again.totals()["turns"].unchanged
    print(
        f"   imported the same {len(files)} bundles again in {again_s:.1f} s: "
        f"{sum(c.new for c in again.totals().values())} changes, {unchanged:,} turns unchanged"
    )
    supervisor.close()
    print(f"   database sizes: class {mb(size(class_db))}, supervisor after import {mb(size(supervisor_db))}")


if __name__ == "__main__":
    main()
