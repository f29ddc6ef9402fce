"""The core never imports Qt: only trainer/ui/ may."""
import ast
from pathlib import Path

TRAINER = Path(__file__).resolve().parent.parent / "trainer"


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")]
    return found


def test_only_ui_imports_qt():
    offenders = {}
    for path in TRAINER.rglob("*.py"):
        rel = path.relative_to(TRAINER)
        if rel.parts[0] == "ui":
            continue
        if qt_imports(path):
            offenders[str(rel)] = qt_imports(path)
    assert offenders == {}


def test_the_check_sees_qt_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import os\nfrom PySide6.QtCore import Qt\nimport PySide6.QtWidgets\n")
    assert qt_imports(sample) == ["PySide6.QtCore", "PySide6.QtWidgets"]
