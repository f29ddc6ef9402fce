"""Kiosk bundles: export a database's sessions to one file; import any number of them, adding only.

A bundle is one file, ``<kiosk>-<time>-<id>.trainer-bundle``: a zip archive (stored, not
compressed) holding ``manifest.json`` and ``sessions.sqlite``, an SQLite file with the trainees,
sessions, turns with their scores, blockers and supervisor annotations. See docs/classroom-data.md.

The modules, by seam: format (what a bundle is, its limits, BundleError, printable), reader (zip
and manifest, read with hard limits), checks (tables and values), upgrade (older formats), export,
merge (one bundle into the database), importer (the transaction), report (what happened).
"""

from __future__ import annotations

from .export import ExportResult, export_bundle
from .format import BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_SUFFIX, COLUMNS, DATA_NAME, MANIFEST_NAME, BundleError, printable
from .importer import BULK_INDEXES, import_bundles
from .reader import read_bundle
from .report import BundleResult, Counts, ImportReport, format_import_report
from .upgrade import _relabel_threats  # noqa: F401 - the schema-4 relabel of an in-memory bundle, tested on its own

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "BUNDLE_SUFFIX",
    "BULK_INDEXES",
    "COLUMNS",
    "DATA_NAME",
    "MANIFEST_NAME",
    "BundleError",
    "BundleResult",
    "Counts",
    "ExportResult",
    "ImportReport",
    "export_bundle",
    "format_import_report",
    "import_bundles",
    "printable",
    "read_bundle",
]
