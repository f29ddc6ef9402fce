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


def test_no_module_imports_itself_through_others():
    """No import cycles between modules (function-level imports included: they are cycles too)."""
    import grimp

    graph = grimp.build_graph("trainer", exclude_type_checking_imports=True)
    modules = sorted(graph.modules)
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in graph.modules} for m in modules}
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(m):  # Tarjan's strongly connected components
        index[m] = low[m] = counter[0]
        counter[0] += 1
        stack.append(m)
        on_stack.add(m)
        for n in edges[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in on_stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group = []
            while True:
                n = stack.pop()
                on_stack.discard(n)
                group.append(n)
                if n == m:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for m in modules:
        if m not in index:
            visit(m)
    # a package's __init__ importing its own modules is not a cycle between modules
    cycles = [c for c in cycles if not all(x == c[0] or x.startswith(c[0] + ".") for x in c)]
    assert cycles == []


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(TRAINER)): n
        for p in TRAINER.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
