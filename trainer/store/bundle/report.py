"""What an import did, bundle by bundle, and the same as plain text for the terminal or a dialog.

Every piece of text that came from a bundle (kiosk name, trainee names, ids in conflicts) goes
through printable() before it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .format import BundleError, Manifest, printable

MAX_LISTED = 20  # conflicts and same-name pairs listed per bundle (all are counted)
MERGED_TABLES = ("trainees", "sessions", "turns", "assignments", "assignment_withdrawals")
QUIET_TABLES = ("assignments", "assignment_withdrawals")  # listed for a bundle only when it holds some


@dataclass
class Counts:
    new: int = 0
    unchanged: int = 0  # already here, identical
    conflicts: int = 0  # already here, different: the record here was kept

    def add(self, other: Counts) -> None:
        self.new += other.new
        self.unchanged += other.unchanged
        self.conflicts += other.conflicts


@dataclass
class BundleResult:
    path: Path
    manifest: Manifest
    counts: dict[str, Counts] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)  # the first few, described
    same_names: list[str] = field(default_factory=list)  # trainees added under a name already here
    notes_ignored: int = 0  # supervisor comments and overrides in the bundle (a kiosk has no supervisor)
    aliases_ignored: int = 0  # trainee aliases in the bundle (they could file someone's calls under another)

    @property
    def kiosk(self) -> str:
        m = self.manifest
        return printable(m.get("kiosk_name") or m.get("kiosk_id") or "?", 60)


@dataclass
class ImportReport:
    bundles: list[BundleResult] = field(default_factory=list)
    rejected: list[BundleError] = field(default_factory=list)
    committed: bool = False

    def totals(self) -> dict[str, Counts]:
        out = {t: Counts() for t in MERGED_TABLES}
        for b in self.bundles:
            for table, c in b.counts.items():
                out[table].add(c)
        return out


def format_import_report(report: ImportReport) -> str:
    """The report as plain text, for the terminal."""
    out = []
    for b in report.bundles:
        out.append(
            f"{printable(b.path.name, 120)}  (kiosk {b.kiosk}, exported {printable(b.manifest.get('created_at', '?'), 40)})"
        )
        for table, c in b.counts.items():
            if table in QUIET_TABLES and not (c.new or c.unchanged or c.conflicts):
                continue
            name = "withdrawals" if table == "assignment_withdrawals" else table
            out.append(f"  {name:<12} {c.new:>8} new {c.unchanged:>8} unchanged {c.conflicts:>4} conflicts")
        if b.notes_ignored:
            out.append(f"  {b.notes_ignored} supervisor notes ignored (comments and overrides are made here, not on a kiosk)")
        if b.aliases_ignored:
            out.append(f"  {b.aliases_ignored} trainee aliases ignored (trainees are matched by id only)")
        out += [f"  same name, different trainee: {text}" for text in b.same_names]
        out += [f"  conflict: {text}" for text in b.conflicts]
    for e in report.rejected:
        out.append(f"rejected: {printable(str(e), 600)}")
    if report.committed:
        t = report.totals()
        assigned = (
            f"{t['assignments'].new} new assignment(s), {t['assignment_withdrawals'].new} withdrawal(s), "
            if t["assignments"].new or t["assignment_withdrawals"].new
            else ""
        )
        out.append(
            f"Imported {len(report.bundles)} bundle(s): {t['sessions'].new} new session(s), "
            f"{t['turns'].new} new turn(s), {t['trainees'].new} new trainee(s), {assigned}"
            f"{sum(c.conflicts for c in t.values())} conflict(s) (the records here were kept)."
        )
    elif report.rejected:
        out.append(
            "Nothing was imported: the database is unchanged. Remove or replace the file(s) above "
            "and import again (or import the others with --skip-bad)."
        )
    return "\n".join(out)
