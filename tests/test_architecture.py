"""The package's layers (docs/architecture.md): lower layers never import higher ones.

The import graph is read from the source with ``ast`` (nothing imported). Imports
inside functions that go upwards are allowed only where listed in ``LAZY_UPWARD``,
each with its reason in the architecture page.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "areas_analysis"

#: Layer of each top-level module or subpackage (docs/architecture.md, « Who may import whom »).
LAYERS: dict[str, int] = {
    "__init__": 0, "__version__": 0, "config": 1, "errors": 1, "text": 1, "io": 1, "labels": 1,
    "nlp": 2, "communes": 2, "tables": 2,
    "privacy": 3, "segments": 3, "ingest": 3,
    "themes": 4, "evaluate": 4, "sample": 4,
    "quantify": 5, "qda": 5,
    "report": 6, "workbook": 6, "findings": 6,
    "cycle": 7, "cli": 7,
}
#: Upward imports allowed inside a function: (importing unit, imported unit).
LAZY_UPWARD = {("themes", "qda"), ("themes", "quantify"), ("quantify", "report"), ("communes", "sample"),
               ("report", "findings"), ("report", "workbook")}


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported top-level unit, imported inside a function) for each package import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = list(path.relative_to(PACKAGE).parts[:-1])
    found = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                if child.level == 0:
                    if child.module and child.module.startswith("areas_analysis."):
                        found.append((child.module.split(".")[1], inner))
                else:
                    base = pkg[: len(pkg) - (child.level - 1)] if child.level > 1 else pkg
                    full = base + (child.module.split(".") if child.module else [])
                    if full:
                        found.append((full[0], inner))
                    else:
                        found.extend((a.name, inner) for a in child.names)
            elif isinstance(child, ast.If) and getattr(child.test, "id", None) == "TYPE_CHECKING":
                continue  # annotations only
            visit(child, inner)

    visit(tree, False)
    return found


def test_lower_layers_never_import_higher_ones() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        assert unit in LAYERS, f"{path}: unité « {unit} » absente de LAYERS (docs/architecture.md)"
        for target, lazy in _imports(path):
            if target == unit or target not in LAYERS:
                continue
            if LAYERS[target] > LAYERS[unit] and not (lazy and (unit, target) in LAZY_UPWARD):
                where = "dans une fonction" if lazy else "module"
                problems.append(f"{path.relative_to(PACKAGE)} → {target} ({where})")
    assert not problems, "imports vers une couche supérieure :\n" + "\n".join(problems)


def test_the_allowed_exceptions_are_still_needed() -> None:
    """An exception no longer used is removed from the list (and from the page)."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        unit = _unit(path)
        for target, lazy in _imports(path):
            if lazy and (unit, target) in LAZY_UPWARD:
                used.add((unit, target))
    assert used == LAZY_UPWARD
