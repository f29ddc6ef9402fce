"""Peak memory and time of importing one bundle: a large honest one, and bombs that must be refused cheaply.

Each case runs in a child process of its own (a fresh supervisor database each time) and reports
its peak RSS from resource.getrusage; the target is <= 300 MB for any bundle. The honest bundle is
a synthetic class (BENCH_BUNDLE_TRAINEES trainees x 20 calls x 10 turns; default 2 000, i.e.
400 000 turns) exported by the app. Everything is written to a temporary folder and removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from trainer.store.bundle import export_bundle, import_bundles  # noqa: E402
from trainer.store.store import Store  # noqa: E402

TRAINEES = int(os.environ.get("BENCH_BUNDLE_TRAINEES", 2_000))
TARGET_MB = 300


def child(bundle: Path, db_folder: Path) -> None:
    """Import one bundle into a new database; print the outcome, seconds and peak RSS as JSON."""
    store = Store(db_folder / "trainer.db")
    start = time.perf_counter()
    report = import_bundles(store, [bundle])
    seconds = time.perf_counter() - start
    store.close()
    outcome = (
        f"imported {report.totals()['turns'].new:,} turns" if report.committed else f"refused: {report.rejected[0].reason[:70]}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak_mb}))


def seal(path: Path, data: bytes, manifest: dict, compress: int = zipfile.ZIP_STORED) -> Path:
    manifest["data"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    with zipfile.ZipFile(path, "w", compress) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("sessions.sqlite", data)
    return path


def raw_zip(path: Path, members: list[tuple[str, int, int, bytes]]) -> Path:
    """A zip written by hand: (name, method, declared size, payload), so a size can lie."""
    out, directory = bytearray(), bytearray()
    for name, method, size, payload in members:
        crc = zlib.crc32(payload) if method == 0 else 0
        out_at = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(payload), size, len(name), 0)
        out += name.encode() + payload
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(payload),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                out_at,
            )
            + name.encode()
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))
    return path


def zeros_deflated(mib: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def bombs(honest: Path, folder: Path) -> dict[str, Path]:
    with zipfile.ZipFile(honest) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    small = dict(manifest, data={"name": "sessions.sqlite", "bytes": 1 << 20, "sha256": "0" * 64})
    payload = zeros_deflated(2048)  # 2 GiB of zeros in about 2 MB
    head = json.dumps(small).encode()
    cases = {
        "deflate bomb (2 GiB declared)": raw_zip(
            folder / "bomb.trainer-bundle", [("manifest.json", 0, len(head), head), ("sessions.sqlite", 8, 0xFFFFFFFE, payload)]
        ),
        "deflate bomb (size lies)": raw_zip(
            folder / "liar.trainer-bundle", [("manifest.json", 0, len(head), head), ("sessions.sqlite", 8, 1 << 20, payload)]
        ),
        "manifest bomb (1 GiB of spaces)": raw_zip(
            folder / "manifest.trainer-bundle",
            [("manifest.json", 8, 1 << 30, zeros_deflated(1024)), ("sessions.sqlite", 0, 1, b"x")],
        ),
    }
    # a recursive view named turns, and turns whose replies are each just under the 1 MiB value limit
    for name, sql in (
        (
            "recursive view named turns",
            "DROP TABLE turns; CREATE VIEW turns AS WITH RECURSIVE "
            "r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n AS id FROM r;",
        ),
        (
            "150 replies of 1 MB",
            "UPDATE turns SET reply = printf('%.*c', 1000000, 'a') WHERE idx = 0 "
            "AND session_id IN (SELECT id FROM sessions ORDER BY id LIMIT 150);",
        ),
    ):
        with zipfile.ZipFile(honest) as zf:
            data_path = folder / "data.sqlite"
            data_path.write_bytes(zf.read("sessions.sqlite"))
        con = sqlite3.connect(data_path)
        con.executescript(sql)
        con.close()
        cases[name] = seal(
            folder / f"{name.split()[0]}-{len(cases)}.trainer-bundle", data_path.read_bytes(), json.loads(json.dumps(manifest))
        )
        data_path.unlink()
    return cases


def build(tmp: Path) -> None:
    """The honest bundle and the bombs, in tmp; prints {case: path} as JSON (run apart: building takes memory)."""
    from bench_store_scale import generate

    kiosk_db = tmp / "kiosk" / "trainer.db"
    kiosk_db.parent.mkdir()
    generate(kiosk_db, TRAINEES)
    usb = tmp / "usb"
    usb.mkdir()
    kiosk = Store(kiosk_db)
    honest = export_bundle(kiosk, usb, name="honest").path
    kiosk.close()
    shutil.rmtree(kiosk_db.parent)
    cases = {f"honest bundle ({honest.stat().st_size / 1e6:.0f} MB)": honest, **bombs(honest, usb)}
    print(json.dumps({name: str(path) for name, path in cases.items()}))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-bundle-memory-"))
    try:
        # every step in a child process: a child's peak RSS would otherwise start at its parent's
        print(f"building a kiosk bundle of {TRAINEES * 200:,} turns and the bombs …", flush=True)
        built = subprocess.run([sys.executable, __file__, "--build", str(tmp)], capture_output=True, text=True, check=True)
        cases = {name: Path(p) for name, p in json.loads(built.stdout.strip().splitlines()[-1]).items()}
        print(f"{'case':<34} {'peak RSS':>9} {'seconds':>8}  outcome")
        for i, (name, path) in enumerate(cases.items()):
            folder = tmp / f"supervisor-{i}"
            folder.mkdir()
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(folder)], capture_output=True, text=True, check=False
            )
            if run.returncode != 0:
                print(f"{name:<34} failed: {run.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            flag = "" if r["peak_mb"] <= TARGET_MB else f"  (over {TARGET_MB} MB)"
            print(f"{name:<34} {r['peak_mb']:>6.0f} MB {r['seconds']:>8.2f}  {r['outcome']}{flag}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
