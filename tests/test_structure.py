"""The package's structure: its imports run one way (see api.py's docstring). The CLI uses the
public API (`api.py`), which uses the queries, the writes and the integrity checks, which use the
store.

Every import counts: at the top of a module, inside a function, and under TYPE_CHECKING, since a
type named from a module above is still an arrow pointing up."""
from __future__ import annotations

import ast
from pathlib import Path

LEDGER = Path(__file__).resolve().parent.parent / "ledger"

#: Modules at or above the queries, the writes and the integrity checks: the storage never uses them.
ABOVE_STORE = {"api", "catalog", "reading", "queries", "writing", "checks", "verifying", "bundled",
               "ingest", "importers", "exports", "projection", "rebuilding", "fastread", "report",
               "explore", "coverage", "lineage", "maps"}


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The ledger modules `path` imports, wherever in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.level == 0 and node.module and node.module.split(".")[0] == "ledger":
                parts = node.module.split(".")
                found.update([parts[1]] if len(parts) > 1 else [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "ledger" and len(parts) > 1:
                    found.add(parts[1])
    return (found & modules) - {path.stem}


def graph() -> dict[str, set[str]]:
    paths = sorted(LEDGER.glob("*.py"))
    modules = {p.stem for p in paths}
    return {p.stem: _imports(p, modules) for p in paths}


def _reach(g: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), list(g[start])
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(g[m])
    return seen


def _cycle(g: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules along it (None: there is none)."""
    state: dict[str, int] = {}      # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(g[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(g):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = _cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_storage_imports_nothing_above_it():
    g = graph()
    for low in ("store", "schema"):
        above = sorted(_reach(g, low) & ABOVE_STORE)
        assert not above, f"{low}.py imports (directly or through others) {', '.join(above)}"


def test_the_integrity_checks_and_the_bundle_do_not_use_the_api():
    g = graph()
    for module in ("checks", "verifying", "bundled", "catalog", "reading", "queries", "writing"):
        if module in g:
            assert "api" not in _reach(g, module), f"{module}.py reaches api.py"


def test_no_module_reaches_into_a_ledgers_private_parts():
    """Outside api.py, nothing calls `ledger._something`: what a module needs is passed in."""
    for path in sorted(LEDGER.glob("*.py")):
        if path.stem == "api":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "ledger" and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                raise AssertionError(f"{path.name}:{node.lineno} uses ledger.{node.attr}")
