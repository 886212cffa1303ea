"""No file-level import cycle among the project's modules.

Every module of every top-level package of the project (apps, `core`, `wijkportaal`,
`bench`, `tests`, migrations included) is parsed with `ast`; every import counts, also one
inside a function, since a deferred import only hides a cycle. An import of `a.b.c` that is
no module of the project counts as an import of the nearest enclosing module that is (the
package `a.b`, whose `__init__` runs). Nothing is left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted name → file, for every `.py` file of a top-level package of the project."""
    modules = {}
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file()):
        for path in package.rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported_names(name: str, path: Path, tree: ast.AST):
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imported_names(name, path, ast.parse(path.read_text(), str(path))):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_project_has_no_import_cycle():
    modules = project_modules()
    assert {"core", "partners.memberships", "privacy.policy", "tests"} <= set(modules)
    graph = import_graph(modules)
    found = cycles(graph)
    assert not found, "Import cycles:\n" + "\n".join(
        " ".join(f"{m} -> {sorted(t for t in graph[m] if t in c)}" for m in c) for c in found
    )


def test_a_cycle_is_found_also_through_a_deferred_import(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "a.py").write_text("from . import b\n")
    (app / "b.py").write_text("def f():\n    from app.c import thing\n")
    (app / "c.py").write_text("import app.a\nthing = 1\n")
    (app / "d.py").write_text("from .a import b\n")
    graph = import_graph(project_modules(tmp_path))
    assert graph["app.b"] == {"app.c"}
    assert cycles(graph) == [["app.a", "app.b", "app.c"]]
