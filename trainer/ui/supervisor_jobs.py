"""The supervisor area's class-data jobs: CSV, report card, class summary and kiosk bundles, each run on the
store's thread with a progress dialog (a big class takes a while); the page mixes these in."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from ..store import queries
from ..store.bundle import BUNDLE_SUFFIX, export_bundle, format_import_report, import_bundles
from ..store.report_data import report_card_data
from .class_summary import ClassSummaryDialog
from .widgets import plain_message
from .workers import Cancelled, on_store

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from ..scenarios.loader import Library
    from ..store.worker import StoreThread


class ClassDataJobs(QWidget):
    data: StoreThread
    library: Library
    trainee_id: str | None
    note_hint: QLabel

    def reload(self) -> None: ...

    # exports (in the background: a big class takes a while)
    def choose_csv_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export CSV to folder", str(Path.home()))
        if folder:
            self.export_csv_to(Path(folder))

    def choose_pdf_file(self) -> None:
        if not self.trainee_id:
            self.note_hint.setText("Select a trainee first.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save report card", str(Path.home() / "report-card.pdf"), "PDF (*.pdf)")
        if path:
            self.export_pdf_to(Path(path))

    def export_csv_to(self, folder: Path) -> None:
        from ..store.reports import write_csv

        self._run(
            "Exporting CSV…",
            lambda store, cancel: write_csv(store, folder),
            lambda paths: f"Exported: {', '.join(str(p) for p in paths)}",
        )

    def export_pdf_to(self, path: Path) -> None:
        from .report_card import write_report_card_pdf

        # the store gathers the figures; QPdfWriter paints on the GUI thread (one trainee: quick)
        try:
            write_report_card_pdf(self.data.call(report_card_data, self.trainee_id), path)
        except OSError as e:
            self._failed(f"Could not write {path}: {e.strerror or e}")
            return
        self.note_hint.setText(f"Saved the report card to {path}.")

    def show_class_summary(self) -> None:
        topics = {s.scenario.id: list(s.scenario.crcr_topics) for s in self.library.scenarios}
        on_store(self.data, queries.class_summary, lambda summary: ClassSummaryDialog(summary, self).exec(), self._failed, topics)

    # kiosk bundles
    def choose_bundle_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export a bundle to a folder or USB stick", str(Path.home()))
        if folder:
            self.export_bundle_to(Path(folder))

    def choose_bundle_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import bundles", str(Path.home()), f"Trainer bundles (*{BUNDLE_SUFFIX})")
        if files:
            self.import_bundles_from([Path(f) for f in files])

    def export_bundle_to(self, folder: Path) -> None:
        self._run(
            "Exporting a bundle…",
            lambda store, cancel: export_bundle(store, folder),
            lambda r: f"Wrote {r.path} ({r.manifest['counts']['sessions']} call(s), {r.manifest['counts']['turns']} replies).",
        )

    def import_bundles_from(self, files: list[Path], skip_bad: bool = False) -> None:
        def job(store, cancel):
            def progress(done: int, total: int, path: Path) -> None:
                if cancel.is_set():
                    raise Cancelled()  # the import is one transaction: nothing is kept

            return import_bundles(store, files, skip_bad=skip_bad, progress=progress)

        self._run(f"Importing {len(files)} bundle(s)…", job, lambda report: self._imported(report, files))

    def _imported(self, report, files: list[Path]) -> str:
        self.reload()
        if report.committed:
            if report.rejected:
                plain_message(self, "Import", format_import_report(report))
            return format_import_report(report).splitlines()[-1]
        bad = {e.path for e in report.rejected}
        good = [f for f in files if f not in bad]
        problems = "\n".join(str(e) for e in report.rejected)
        ask = QMessageBox(
            QMessageBox.Icon.Question,
            "Import",
            f"{problems}\n\nNothing was imported yet. Import the other {len(good)} file(s)?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        ask.setTextFormat(Qt.TextFormat.PlainText)  # bundle names and problems come from outside
        if good and ask.exec() == QMessageBox.StandardButton.Yes:
            self.import_bundles_from(good, skip_bad=True)
            return f"Importing the other {len(good)} file(s)…"
        if not good:
            plain_message(self, "Import", f"{problems}\n\nNothing was imported: the database is unchanged.")
        return "Nothing was imported: the database is unchanged."

    def _run(self, title: str, job, describe) -> None:
        """job(store, cancel) runs on the store's thread; a progress dialog can ask it to stop."""
        dialog = QProgressDialog(title, "Cancel", 0, 0, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        cancel = threading.Event()

        def done(result: object) -> None:
            dialog.close()
            self.note_hint.setText(describe(result))

        def failed(message: str) -> None:
            dialog.close()
            self._failed(message)

        on_store(self.data, job, done, failed, cancel)
        dialog.canceled.connect(cancel.set)

    def _failed(self, message: str) -> None:
        self.note_hint.setText(message)
        plain_message(self, "Could not finish", message)
